package dev.weft.examples.resp;

/**
 * The largest requests a RESP server accepts; anything larger is a {@link RespProtocolException}.
 *
 * <p>The defaults are Redis's: a bulk string of at most 512 MB ({@code proto-max-bulk-len}), at most
 * 1 048 576 arguments in a request, and an inline request of at most 64 KB. Buffers grow only with the
 * bytes that actually arrive, so a client that announces a large bulk and sends nothing costs nothing.
 *
 * @param maxBulkBytes the longest bulk string, 0 to 512 MB
 * @param maxArguments the most arguments in one request, at least 1
 * @param maxInlineBytes the longest inline request line, at least 16 bytes
 */
public record RespLimits(int maxBulkBytes, int maxArguments, int maxInlineBytes) {
    /** 512 MB: Redis's default and the protocol's ceiling for one bulk string. */
    public static final int MAX_BULK_BYTES = 512 * 1024 * 1024;

    /** Redis's limits: 512 MB bulk strings, 1 048 576 arguments, 64 KB inline requests. */
    public static final RespLimits DEFAULT = new RespLimits(MAX_BULK_BYTES, 1024 * 1024, 64 * 1024);

    /**
     * Checks the limits.
     *
     * @param maxBulkBytes the longest bulk string, 0 to 512 MB
     * @param maxArguments the most arguments in one request, at least 1
     * @param maxInlineBytes the longest inline request line, at least 16 bytes
     * @throws IllegalArgumentException when a limit is out of its range
     */
    public RespLimits {
        if (maxBulkBytes < 0 || maxBulkBytes > MAX_BULK_BYTES) {
            throw new IllegalArgumentException("maxBulkBytes must be between 0 and " + MAX_BULK_BYTES
                    + " (512 MB), but was " + maxBulkBytes);
        }
        if (maxArguments < 1) {
            throw new IllegalArgumentException("maxArguments must be at least 1, but was " + maxArguments);
        }
        if (maxInlineBytes < 16) {
            throw new IllegalArgumentException("maxInlineBytes must be at least 16, but was " + maxInlineBytes);
        }
    }

    /**
     * These limits with another bulk string limit.
     *
     * @param bytes the longest bulk string, 0 to 512 MB
     * @return the new limits
     */
    public RespLimits withMaxBulkBytes(int bytes) {
        return new RespLimits(bytes, maxArguments, maxInlineBytes);
    }

    /**
     * These limits with another argument count limit.
     *
     * @param arguments the most arguments in one request, at least 1
     * @return the new limits
     */
    public RespLimits withMaxArguments(int arguments) {
        return new RespLimits(maxBulkBytes, arguments, maxInlineBytes);
    }
}
