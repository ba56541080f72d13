package dev.weft.sync;

import dev.weft.Greenlet;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.Objects;

/**
 * gevent's {@code RLock}: a reentrant lock owned by a greenlet, which may acquire it again and must
 * release it as many times.
 *
 * <p>Use it instead of {@code synchronized} around code that suspends (a monitor belongs to a thread,
 * which every greenlet of the hub shares). Plain code counts as the thread's root greenlet. A release
 * that frees the lock with greenlets waiting hands it straight to the one that has waited longest.
 */
public final class Lock {
    private Greenlet owner;
    private int holds;
    private final TurnQueue waiters = new TurnQueue();

    /** Creates a lock that no greenlet holds. */
    public Lock() {
    }

    /** {@return true while some greenlet holds the lock} */
    public boolean isLocked() {
        return owner != null;
    }

    /** {@return true when the current greenlet holds the lock, so a {@link #release} is allowed} */
    public boolean isHeldByCurrentGreenlet() {
        return owner != null && owner == Greenlet.current();
    }

    /** Takes the lock (again, if the current greenlet holds it), waiting while another greenlet holds it. */
    @Suspendable
    public void acquire() {
        acquireFor(null);
    }

    /**
     * Takes the lock, waiting at most {@code timeout} while another greenlet holds it.
     *
     * @param timeout the longest time to wait
     * @return true when the lock was taken, false when the time ran out
     */
    @Suspendable
    public boolean acquire(Duration timeout) {
        return acquireFor(Objects.requireNonNull(timeout, "timeout"));
    }

    @Suspendable
    private boolean acquireFor(Duration timeout) {
        Greenlet me = Greenlet.current();
        if (owner == me) {
            holds++;
            return true;
        }
        if (owner == null) {
            owner = me;
            holds = 1;
            return true;
        }
        // granted the lock but killed before taking it: it goes to the next waiter
        return waiters.await("Lock.acquire", this, timeout, this::release);
    }

    /**
     * Releases one hold; the last one frees the lock for the greenlet that has waited longest.
     *
     * @throws IllegalStateException when the current greenlet does not hold the lock
     */
    public void release() {
        if (owner != Greenlet.current()) {
            throw new IllegalStateException("Lock.release() by a greenlet that does not hold the lock ("
                    + (owner == null ? "nobody does" : "it is held by " + owner)
                    + "); release it in the greenlet that acquired it");
        }
        if (--holds > 0) {
            return;
        }
        owner = waiters.grantNext();
        holds = owner == null ? 0 : 1;
    }

    @Override
    public String toString() {
        return "Lock[" + (owner == null ? "free" : "held " + holds + "x by " + owner) + ", " + waiters.size() + " waiting]";
    }
}
