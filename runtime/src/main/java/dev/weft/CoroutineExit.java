package dev.weft;

/**
 * Thrown into a suspended coroutine body by {@link Coroutine#close()}, like Python's
 * {@code GeneratorExit}: {@code finally} blocks run, and a body that catches it must finish
 * rather than yield again.
 */
public class CoroutineExit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exit signal. */
    public CoroutineExit() {
        super("coroutine closed", null, false, false);
    }
}
