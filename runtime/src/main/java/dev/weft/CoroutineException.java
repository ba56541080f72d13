package dev.weft;

/**
 * Wraps a checked exception thrown by a coroutine or generator body; unchecked exceptions pass
 * through unchanged.
 */
public class CoroutineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Wraps {@code cause}.
     *
     * @param cause the checked exception the body threw
     */
    public CoroutineException(Throwable cause) {
        super(cause);
    }
}
