package dev.weft;

import java.time.Duration;

/**
 * A greenlet waiting to be woken once, by whichever comes first: its time limit, a finished greenlet,
 * or (for {@code dev.weft.sync}) whoever calls {@link #wake()}. Code outside this package names it
 * {@link Hub.Waiter}, the one kind of waiter there is, which adds the factories and the waits for
 * channels.
 *
 * <p>A waiter belongs to the hub of the thread that created it and is used on that thread only. It
 * waits once. A wait with a time limit puts the waiter itself on the hub's timer heap (see
 * {@link Timer}): nothing more is allocated for it. It is also a {@code Runnable} that wakes it, to
 * be linked to a {@link Waitable}.
 */
class Waiter extends Timer implements Runnable {
    final Greenlet greenlet;
    /** The waiting operation, for messages. */
    final String what;
    /** What it waits for (an object or a collection of them), or null, for messages. */
    final Object on;
    boolean woken;
    private boolean expired;
    /** True while its greenlet waits in {@link #park}: a run-queue entry for it is stale otherwise. */
    boolean parked;
    /** True while its time limit may end the wait: its entry on the timer heap is live. */
    boolean timed;
    /** Its neighbours in the hub's list of parked waiters, for the hub's reports. */
    Waiter previous;
    Waiter next;

    Waiter(Greenlet greenlet, String what, Object on) {
        this.greenlet = greenlet;
        this.what = what;
        this.on = on;
    }

    /** The hub it waits on: its greenlet's. */
    final Hub hub() {
        return greenlet.home.hub;
    }

    /**
     * Switches to the hub until {@link #wake()} is called or {@code timeout} has passed; the
     * caller's {@code finally} must unlink this waiter from wherever it registered it.
     *
     * @param timeout the longest time to wait, or null for no limit
     * @return true when woken by {@link #wake()}, false when the time ran out
     * @throws IllegalStateException when this waiter has waited with a time limit before
     */
    @Suspendable
    public final boolean park(Duration timeout) {
        Hub hub = hub();
        if (timeout != null) {
            return parkUntil(true, hub.deadlineAfter(Hub.saturatedNanos(timeout)));
        }
        // a wait with no limit, the usual one, waits here: one frame less to save and restore
        parked = true;
        hub.parked(this);
        try {
            (greenlet == hub.home.root ? hub.greenlet : hub.next()).switchTo();
        } finally {
            parked = false;
            hub.unparked(this);
        }
        return woken && !expired;
    }

    /** {@link #park}, with a {@link Hub#nanoTime} deadline when {@code timed}. */
    @Suspendable
    final boolean parkUntil(boolean timed, long deadline) {
        Hub hub = hub();
        if (timed) {
            hub.schedule(this, deadline);
            this.timed = true;
        }
        parked = true;
        hub.parked(this);
        try {
            // plain code goes to the hub, which gives it back its interrupt status; a greenlet goes
            // to the next ready greenlet when the hub has nothing else to do first
            (greenlet == hub.home.root ? hub.greenlet : hub.next()).switchTo();
        } finally {
            parked = false;
            // its entry on the timer heap, if any, is dropped when it comes up
            this.timed = false;
            hub.unparked(this);
        }
        return woken && !expired;
    }

    /**
     * Puts the greenlet back on the run queue unless it was woken already.
     *
     * @return true when this call woke it
     */
    public final boolean wake() {
        if (woken) {
            return false;
        }
        woken = true;
        hub().ready.add(this);
        return true;
    }

    /** Same as {@link #wake()}, for lists of callbacks. */
    @Override
    public final void run() {
        wake();
    }

    /** The operation, what it waits for, and whether a timer may end it, for reports. */
    final String describe() {
        return what + (on == null ? "" : " for " + Hub.describe(on)) + (timed ? " (with a timeout)" : "");
    }

    /** Called when its deadline comes: wakes the greenlet, and {@link #park} then reports that the time ran out. */
    final void expire() {
        if (!woken) {
            expired = true;
            wake();
        }
    }

    /** Its entry on the timer heap is dead once the wait is over. */
    @Override
    final boolean isCancelled() {
        return !timed;
    }
}
