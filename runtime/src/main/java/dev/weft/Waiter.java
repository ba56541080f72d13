package dev.weft;

import dev.weft.internal.Stack;
import dev.weft.internal.Task;
import java.time.Duration;

/**
 * A greenlet waiting to be woken once, by whichever comes first: its time limit, a finished greenlet,
 * or (for {@code dev.weft.sync}) whoever calls {@link #wake()}. Code outside this package names it
 * {@link Hub.Waiter}, the one kind of waiter there is, which adds the factories and the waits for
 * channels.
 *
 * <p>A waiter belongs to the hub of the thread that created it and is used on that thread only. It
 * waits once, except a greenlet's own waiter ({@link #reusable}), which serves its waits with no
 * time limit one after the other. A wait with a time limit puts the waiter itself on the hub's timer
 * heap (see {@link Timer}): nothing more is allocated for it, and the waiter cannot wait with a time
 * limit again. It is also a {@code Runnable} that wakes it, to
 * be linked to a {@link Waitable}.
 */
class Waiter extends Timer implements Runnable {
    private static final byte WAITING = 0;
    private static final byte WOKEN = 1;
    private static final byte EXPIRED = 2;

    final Greenlet greenlet;
    /**
     * Its greenlet's hub ({@code greenlet.home.hub}), kept here: a wake and a park reach the run queue
     * from the waiter, and each reference less to follow on the way is a dependent load less.
     */
    private final Hub hub;
    /** The waiting operation, for messages. */
    String what;
    /** What it waits for (an object or a collection of them), or null, for messages. */
    Object on;
    /** How the wait ended: {@link #WAITING} until woken, {@link #WOKEN}, or {@link #EXPIRED} by its time limit. */
    byte end;
    /** True while its greenlet waits in {@link #park}: a run-queue entry for it is stale otherwise. */
    boolean parked;
    /** True while its time limit may end the wait: its entry in the timer queue is live. */
    boolean timed;
    /**
     * True from {@link #wake()} until the hub takes its run-queue entry: a greenlet reuses it for its
     * next wait only when no entry is left that could end that wait (see {@link #reusable}).
     */
    boolean queued;
    /**
     * Its neighbours in the hub's list of parked waiters, for the hub's reports; a greenlet's own
     * waiter ({@link #isOwn}) is not listed.
     */
    Waiter previous;
    Waiter next;

    Waiter(Greenlet greenlet, String what, Object on) {
        this.greenlet = greenlet;
        // waiters are made through the hub of their greenlet's thread, which exists by then
        this.hub = greenlet.home.hub;
        this.what = what;
        this.on = on;
    }

    /**
     * Returns the current greenlet's own waiter for a wait with no time limit (a wait list's, say),
     * ready for a new wait: the one it used last time when nothing can wake that one any more,
     * otherwise a new one, kept for next time. A greenlet that waits again and again (a consumer, a
     * ping-pong) then allocates nothing per wait, and stores no new object into long-lived ones.
     * The caller must unlink it from wherever it registered it before the wait returns, as for any
     * waiter, and must not park it with a time limit.
     *
     * @param s the current stack
     * @param what the waiting operation
     * @param on what it waits for, or null
     * @return a waiter that has not been woken
     * @throws IllegalStateException when called in the hub's own greenlet
     */
    static Hub.Waiter reusable(Stack s, String what, Object on) {
        Object running = s.owner();
        // a spawned greenlet whose frames are the current ones is running its own body: it is its hub's
        // current greenlet, and never the hub's own; anything else asks the hub
        Greenlet g = running instanceof SpawnedGreenlet ? (Greenlet) running : Hub.get().waiter(what);
        Hub.Waiter w = g.waiter;
        if (w == null || w.queued || w.parked || w.sequence != 0) {
            w = new Hub.Waiter(g, what, on);
            g.waiter = w;
            return w;
        }
        // a reference stored into a long-lived object costs a collector barrier: none when unchanged
        if (w.what != what) {
            w.what = what;
        }
        if (w.on != on) {
            w.on = on;
        }
        w.end = WAITING;
        return w;
    }

    /**
     * Returns the current greenlet's own waiter ({@link #reusable}), woken already, for a wait that only
     * lets the greenlets ready now have their turn first: its entry is at the tail of the run queue, so a
     * wait on it ends once they have run. For a late waiter queuing behind the waiters woken before it, and
     * a channel's putter letting its getter run. Returns null where the current code cannot wait, or need
     * not: the hub's own greenlet, and a {@code Coroutine} or {@code Generator} body running in a greenlet
     * (whose driver may be code that cannot suspend, which would refuse the wait: a turn is not worth an
     * error); the caller then goes on at once.
     *
     * @param s the current stack
     * @param what the waiting operation
     * @param on what it waits for, or null
     * @return a woken waiter to park with no time limit, or null
     */
    static Hub.Waiter forTurn(Stack s, String what, Object on) {
        Object running = s.owner();
        if (!(running instanceof SpawnedGreenlet)) {
            // not a spawned greenlet running its own body (which can always wait): plain code can, the hub
            // cannot, and a coroutine's body inside a greenlet does not try (see above)
            Trampoline home = Trampoline.get();
            Hub hub = home.hub;
            Greenlet me = home.current;
            if (hub == null || me == hub.greenlet || (me != home.root && running != me)) {
                return null;
            }
        }
        Hub.Waiter w = reusable(s, what, on);
        w.wake();
        return w;
    }

    /** The hub it waits on: its greenlet's. */
    final Hub hub() {
        return hub;
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
        if (timeout != null) {
            return parkUntil(true, hub().deadlineAfter(Hub.saturatedNanos(timeout)));
        }
        // a wait with no limit, the usual one, waits here: one frame less to save and restore
        Object back;
        try {
            back = beginPark().switchTo();
        } finally {
            endPark();
        }
        checkWoken(back);
        return end == WOKEN;
    }

    /**
     * The first half of {@code park(null)}, for a caller that writes its wait with no time limit out
     * itself and so saves one frame at every wait: marks this waiter's greenlet as waiting and returns
     * the greenlet to switch to. The caller must switch to it at once ({@code beginPark().switchTo()})
     * inside a {@code try} whose {@code finally} calls {@link #endPark()}:
     *
     * <pre>{@code
     * try {
     *     w.beginPark().switchTo();
     * } finally {
     *     w.endPark();
     *     list.remove(w);
     * }
     * }</pre>
     *
     * @return the greenlet to switch to: the next ready one, or the hub's own
     */
    public final Greenlet beginPark() {
        checkMayWait();
        return beginPark(isOwn());
    }

    /**
     * Refuses a wait of the hub's own greenlet (a submitted callback, a link), which must never wait: a
     * wait with no time limit, or with one that has not passed (a wait whose time is up answers at once).
     */
    private void checkMayWait() {
        if (greenlet == hub.greenlet) {
            throw new IllegalStateException(what + " was called in the hub's own greenlet, which must never wait");
        }
    }

    /** {@link #beginPark()}, told whether this is an own waiter ({@link #isOwn()}). */
    private Greenlet beginPark(boolean own) {
        Hub hub = hub();
        parked = true;
        deadline = hub.nextStamp();
        if (!own) {
            // a greenlet's own waiter is found through its greenlet (see Hub.parkedWaiters): no list to link
            hub.parked(this);
        }
        // plain code goes to the hub, which gives it back its interrupt status; a greenlet goes
        // to the next ready greenlet when the hub has nothing else to do first
        return greenlet == hub.home.root ? hub.greenlet : hub.next();
    }

    /**
     * Parks the greenlet on this waiter, its own ({@code ownForCurrent}), as the suspension primitive of
     * its caller, a {@code @Suspendable} wait written as a primitive itself (such as {@code Event.await}):
     * no frame of the wait is saved and restored, only the primitive's identity. A greenlet suspends here
     * and this returns false: the caller returns at once, and when the greenlet is resumed, its restore
     * calls the caller again, in {@code RESUMING} mode, which ends the wait with {@link #endResumedPark}.
     * A generator's or coroutine's body running in a greenlet suspends the same way, with its task (see
     * {@link Nesting}). Plain code waits as {@link #park} does, and this returns true once the wait has
     * ended and the waiter is unparked.
     *
     * <p>Internal, not API: not woven, and never suspends in a frame of its own.
     *
     * @param s the current stack
     * @param id the identity of the caller, the public primitive
     * @param what the caller's name
     * @return true when the wait is over, false when the greenlet has suspended
     */
    public final boolean parkAsPrimitive(Stack s, int id, String what) {
        Greenlet me = greenlet;
        if (s.owner() != me && me != hub.home.root) {
            // a generator's or coroutine's body running in the greenlet: the body's task suspends, and its
            // drivers pass the switch on to the greenlet (see Nesting); own exactly as below
            Greenlet to = beginPark(me instanceof SpawnedGreenlet);
            try {
                Nesting.suspendBody(me.home, to, null, null, id, what, s);
            } catch (RuntimeException | Error e) {
                endPark();
                throw e;
            }
            return false;
        }
        if (s.owner() != me) {
            // plain code, in a coroutine's body or not: the switch runs the hub until the switch back; nothing
            // suspends
            Greenlet to = beginPark();
            Object back;
            try {
                back = to.switchTo();
            } finally {
                endPark();
            }
            checkWoken(back);
            return true;
        }
        // the greenlet's own waiter with no time limit (ownForCurrent's), so own (isOwn) exactly when the
        // greenlet is a spawned one: the hub lists a hand-made greenlet's
        Greenlet to = beginPark(me instanceof SpawnedGreenlet);
        try {
            me.home.request(to, null, null);
            Task.suspend(null, id, what, s);
        } catch (RuntimeException | Error e) {
            // it could not suspend (a lost suspension, which ends the greenlet; the trampoline puts back
            // the greenlet it was to switch to, as for a switch): the wait is not left behind
            endPark();
            throw e;
        }
        return false;
    }

    /**
     * Ends the wait of {@link #parkAsPrimitive} as its greenlet is resumed: this waiter (the one
     * {@code Hub.Waiter.ownOf} finds) is unparked, and the resume's exception, if any (a kill, a
     * timeout), is thrown.
     *
     * <p>Internal, not API.
     *
     * @param s the current stack, resuming
     * @param id the identity of the caller, the public primitive
     * @param what the caller's name
     */
    public final void endResumedPark(Stack s, int id, String what) {
        try {
            checkWoken(Task.suspend(null, id, what, s));
        } finally {
            // own (isOwn) exactly when its greenlet is a spawned one, as parkAsPrimitive found
            if (parked) {
                leave(greenlet instanceof SpawnedGreenlet);
            }
        }
    }

    /**
     * The second half of {@code park(null)} (see {@link #beginPark()}), in the caller's {@code finally}:
     * the greenlet no longer waits. Does nothing when it was not parked.
     *
     * @return true when the wait ended by {@link #wake()}
     */
    public final boolean endPark() {
        if (parked) {
            leave(isOwn());
        }
        return end == WOKEN;
    }

    /** Ends the park, told whether this is an own waiter ({@link #isOwn()}), which the hub does not list. */
    private void leave(boolean own) {
        parked = false;
        if (!own) {
            hub().unparked(this);
        }
    }

    /**
     * True for the own waiter ({@link #reusable}) of plain code or of a spawned greenlet: the hub
     * finds such a waiter through the greenlet when it reports, so it is kept off the hub's list of
     * parked waiters, and a wait stores nothing into the hub. Never changes while it waits. (One parked
     * with a time limit against the rules is on the timer heap and listed as any other.)
     */
    final boolean isOwn() {
        Greenlet g = greenlet;
        return g.waiter == this && sequence == 0 && (g.task == null || g instanceof SpawnedGreenlet);
    }

    /**
     * When it started waiting, for reports: compared with the other waiters' by {@link Hub#parkedWaiters};
     * the hub's count at {@link #beginPark} (kept in the deadline, which a wait with no limit does not
     * use), or for a wait with a time limit its timer sequence, taken from the same count.
     */
    final int stamp() {
        return sequence != 0 ? sequence : (int) deadline;
    }

    /** {@link #park}, with a {@link Hub#nanoTime} deadline when {@code timed}. */
    @Suspendable
    final boolean parkUntil(boolean timed, long deadline) {
        Hub hub = hub();
        if (greenlet == hub.greenlet) {
            if (timed && deadline - hub.nanoTime() <= 0) {
                // a wait whose time is up, in the hub's own greenlet: the answer of a non-blocking form, at once
                end = EXPIRED;
                return false;
            }
            checkMayWait();
        }
        if (timed) {
            hub.schedule(this, deadline);
            this.timed = true;
        } else {
            this.deadline = hub.nextStamp();
        }
        parked = true;
        // never its greenlet's own waiter (that one waits with no limit, in park(null)): always listed
        hub.parked(this);
        Object back;
        try {
            // plain code goes to the hub, which gives it back its interrupt status; a greenlet goes
            // to the next ready greenlet when the hub has nothing else to do first
            back = (greenlet == hub.home.root ? hub.greenlet : hub.next()).switchTo();
        } finally {
            parked = false;
            // its entry in the timer queue, if any, is dropped when it comes up
            this.timed = false;
            hub().unparked(this);
        }
        checkWoken(back);
        return end == WOKEN;
    }

    /**
     * After the switch that ended a wait has returned (not thrown): throws {@link InvalidSwitchError}
     * unless the hub resumed the greenlet, as it does only once the waiter is woken or expired.
     */
    private void checkWoken(Object back) {
        if (end == WAITING) {
            throw InvalidSwitchError.of(greenlet, what, back);
        }
    }

    /**
     * Puts the greenlet back on the run queue unless it was woken already.
     *
     * @return true when this call woke it
     */
    public final boolean wake() {
        if (end != WAITING) {
            return false;
        }
        end = WOKEN;
        queued = true;
        hub().readyAdd(this);
        return true;
    }

    /**
     * True once {@link #wake()} has ended the wait, not its time limit: for a wait list that wakes a
     * waiter only when it has done what the greenlet waits for (taken its item into a queue, say), which
     * the greenlet then asks, however its wait ended (a kill or a timeout may be raised after the wake).
     *
     * @return true when woken by {@link #wake()}, false while it waits or when its time limit ended it
     */
    public final boolean wasWoken() {
        return end == WOKEN;
    }

    /** {@return true once woken (or expired): its greenlet is queued to run, or runs} */
    final boolean isWoken() {
        return end != WAITING;
    }

    /** Ends the wait of a greenlet that died while waiting: nothing can wake it any more. */
    final void forget() {
        parked = false;
        timed = false;
        end = WOKEN;
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
        if (wake()) {
            end = EXPIRED;
        }
    }

    /** Its entry in the timer queue is dead once the wait is over. */
    @Override
    final boolean isCancelled() {
        return !timed;
    }
}
