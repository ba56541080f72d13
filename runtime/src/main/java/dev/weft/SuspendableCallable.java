package dev.weft;

/**
 * A computation that may suspend and returns a result: the suspendable counterpart of
 * {@link java.util.concurrent.Callable}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface SuspendableCallable<T> {
    /**
     * Computes the result; it may suspend at any {@link Suspendable} call.
     *
     * @return the result
     * @throws Exception whatever the computation throws
     */
    @Suspendable
    T call() throws Exception;
}
