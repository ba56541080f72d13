package dev.weft.sync;

import dev.weft.Suspendable;
import java.time.Duration;
import java.util.Objects;

/**
 * gevent's {@code Semaphore}: a count of permits that greenlets acquire and release.
 *
 * <p>{@link #acquire()} waits while no permit is left. A {@link #release()} with greenlets waiting
 * hands its permit straight to the one that has waited longest, so waiters are served in order.
 * {@link BoundedSemaphore} refuses to release more than it started with.
 */
public sealed class Semaphore permits BoundedSemaphore {
    private final int initial;
    private final boolean bounded;
    private int available;
    private final TurnQueue waiters = new TurnQueue();

    /**
     * Creates a semaphore with {@code permits} permits.
     *
     * @param permits the permits available at first, at least 0
     * @throws IllegalArgumentException when {@code permits} is negative
     */
    public Semaphore(int permits) {
        this(permits, false);
    }

    Semaphore(int permits, boolean bounded) {
        if (permits < 0) {
            throw new IllegalArgumentException("a semaphore needs at least 0 permits, but was given " + permits);
        }
        this.initial = permits;
        this.bounded = bounded;
        this.available = permits;
    }

    /** {@return the number of permits available now: how many {@link #acquire} calls would not wait} */
    public int available() {
        return available;
    }

    /** Takes a permit, waiting while none is left. */
    @Suspendable
    public void acquire() {
        acquireFor(null);
    }

    /**
     * Takes a permit, waiting at most {@code timeout} while none is left.
     *
     * @param timeout the longest time to wait
     * @return true when a permit was taken, false when the time ran out
     */
    @Suspendable
    public boolean acquire(Duration timeout) {
        return acquireFor(Objects.requireNonNull(timeout, "timeout"));
    }

    @Suspendable
    private boolean acquireFor(Duration timeout) {
        if (available > 0 && waiters.isEmpty()) {
            available--;
            return true;
        }
        // granted a permit but killed before taking it: it goes to the next waiter
        return waiters.await("Semaphore.acquire", this, timeout, this::release);
    }

    /**
     * Gives a permit back, to the greenlet that has waited longest if any.
     *
     * @throws IllegalStateException for a {@link BoundedSemaphore} released more times than acquired
     */
    public void release() {
        if (waiters.grantNext() != null) {
            return;
        }
        if (bounded && available >= initial) {
            throw new IllegalStateException("BoundedSemaphore released more times than acquired: it already has all "
                    + initial + " permits; call release() once for each acquire()");
        }
        available++;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + available + " available, " + waiters.size() + " waiting]";
    }
}
