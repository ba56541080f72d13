package dev.weft.sync;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.ArrayDeque;
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
    private final ArrayDeque<Slot> waiters = new ArrayDeque<>();

    /** True while some greenlet holds the lock. */
    public boolean isLocked() {
        return owner != null;
    }

    /** True when the current greenlet holds the lock. */
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
        Slot slot = new Slot(Hub.Waiter.forCurrent("Lock.acquire"), me);
        waiters.add(slot);
        boolean returned = false;
        try {
            slot.waiter.park(timeout);
            returned = true;
            return slot.granted;
        } finally {
            if (!slot.granted) {
                waiters.remove(slot);
            } else if (!returned) {
                // granted the lock but killed before taking it: it goes to the next waiter
                release();
            }
        }
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
        Slot next = waiters.poll();
        if (next == null) {
            owner = null;
            return;
        }
        owner = next.greenlet;
        holds = 1;
        next.granted = true;
        next.waiter.wake();
    }

    @Override
    public String toString() {
        return "Lock[" + (owner == null ? "free" : "held " + holds + "x by " + owner) + ", " + waiters.size() + " waiting]";
    }

    /** A waiting greenlet, and whether a release granted it the lock. */
    private static final class Slot {
        final Hub.Waiter waiter;
        final Greenlet greenlet;
        boolean granted;

        Slot(Hub.Waiter waiter, Greenlet greenlet) {
            this.waiter = waiter;
            this.greenlet = greenlet;
        }
    }
}
