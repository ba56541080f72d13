package dev.weft.examples.resp;

/**
 * A request that breaks the RESP protocol: garbage where a length was expected, a length out of
 * range, too many arguments, or a request larger than the {@link RespLimits}.
 *
 * <p>The server answers it with {@code -ERR Protocol error: }{@link #getMessage() message} and closes
 * the connection, as Redis does: after a broken length nothing that follows can be trusted.
 */
public final class RespProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was wrong, in Redis's words where Redis has them (for example
     *     {@code invalid bulk length})
     */
    public RespProtocolException(String message) {
        super(message, null, false, false);
    }

    /**
     * The error reply the client is sent.
     *
     * @return {@code -ERR Protocol error: <message>\r\n}
     */
    public String reply() {
        return "-ERR Protocol error: " + getMessage() + "\r\n";
    }
}
