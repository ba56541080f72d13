package dev.weft;

/**
 * A computation that may suspend, takes one argument and returns a result: the suspendable
 * counterpart of {@link java.util.function.Function}, and the body of a {@link Greenlet} that takes
 * the first switch's value.
 *
 * @param <T> the argument type
 * @param <R> the result type
 */
@FunctionalInterface
public interface SuspendableFunction<T, R> {
    /**
     * Computes the result; it may suspend at any {@link Suspendable} call.
     *
     * @param value the argument
     * @return the result
     * @throws Exception whatever the computation throws
     */
    @Suspendable
    R apply(T value) throws Exception;
}
