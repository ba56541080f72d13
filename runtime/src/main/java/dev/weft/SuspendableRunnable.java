package dev.weft;

/**
 * A body of work that may suspend: the suspendable counterpart of {@link Runnable}.
 */
@FunctionalInterface
public interface SuspendableRunnable {
    /**
     * Runs the body; it may suspend at any {@link Suspendable} call.
     *
     * @throws Exception whatever the body throws
     */
    @Suspendable
    void run() throws Exception;
}
