package dev.weft.sync;

/**
 * gevent's {@code BoundedSemaphore}: a {@link Semaphore} whose {@link #release()} throws
 * {@code IllegalStateException} when it would have more permits than it started with.
 */
public final class BoundedSemaphore extends Semaphore {
    /**
     * Creates a bounded semaphore with {@code permits} permits, which is also its most.
     *
     * @param permits the permits available at first, at least 0
     * @throws IllegalArgumentException when {@code permits} is negative
     */
    public BoundedSemaphore(int permits) {
        super(permits, true);
    }
}
