package dev.weft;

/**
 * Thrown into a suspended coroutine body by {@link Coroutine#close()}, like Python's
 * {@code GeneratorExit}: {@code finally} blocks run, and a body that catches it must finish
 * rather than yield again.
 *
 * <p>It is an {@link Error}, not an {@code Exception}, as Python's is a {@code BaseException}: a body's
 * ordinary error handling ({@code catch (Exception e)}) must not swallow a close. A body that has to
 * see it catches it by name; a {@code catch (Throwable t)} sees it too, and must rethrow it.
 */
public class CoroutineExit extends Error {
    private static final long serialVersionUID = 1L;

    /** Creates the exit signal. */
    public CoroutineExit() {
        super("coroutine closed", null, false, false);
    }
}
