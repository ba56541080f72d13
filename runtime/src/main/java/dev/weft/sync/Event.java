package dev.weft.sync;

import dev.weft.Hub;
import dev.weft.internal.Stack;
import dev.weft.Suspendable;
import dev.weft.Waitable;
import java.time.Duration;
import java.util.Objects;

/**
 * gevent's {@code Event}: a flag that greenlets wait for; {@link #set()} wakes every waiter.
 *
 * <p>Waiters and raw links are notified in the order they came. A greenlet that waits on an event that
 * is set while waiters the set woke have not all run yet waits its turn behind them, as in gevent: after
 * {@code e.set(); e.await();} those waiters have run.
 *
 * <p>Python's {@code wait} is {@link #await()} here ({@code wait} is {@code Object.wait}). As a
 * {@link Waitable} for {@code Hub.wait} and {@code Hub.iwait} it is ready while set.
 */
public final class Event extends WaitList implements Waitable {
    // its waiters are the wait list it extends (package-private, not API): one object per event, not two
    private boolean flag;

    /** Creates an event whose flag is clear: greenlets that {@link #await()} it wait until it is set. */
    public Event() {
    }

    /**
     * Sets the flag and wakes every waiting greenlet, in the order they started waiting, and calls the raw
     * links in turn with them. The woken greenlets run when the hub next runs them, not inside {@code set}.
     * A raw link that throws is reported by the hub and does not stop {@code set}: the others are still
     * called and woken.
     */
    public void set() {
        flag = true;
        wakeAll(this);
    }

    /** Clears the flag: later calls to {@link #await()} wait again. */
    public void clear() {
        flag = false;
    }

    /** {@return true while the flag is set, so {@link #await()} returns at once} */
    public boolean isSet() {
        return flag;
    }

    /** True while the flag is set: same as {@link #isSet()}. */
    @Override
    public boolean isReady() {
        return flag;
    }

    /**
     * Calls {@code callback} at once when the flag is set, otherwise in the next {@link #set()}, in turn
     * with the waiters. An exception from it is reported by the hub and goes no further.
     *
     * @param callback called once; must not wait
     */
    @Override
    public void rawLink(Runnable callback) {
        if (flag) {
            Hub.Waiter.callLink(callback, this);
        } else {
            link(callback);
        }
    }

    /**
     * Removes a callback added with {@link #rawLink} that has not been called.
     *
     * @param callback the callback
     */
    @Override
    public void rawUnlink(Runnable callback) {
        unlink(callback);
    }

    /**
     * Waits until the flag is set. When it is set already, returns at once, unless greenlets woken by the
     * {@code set} have not all run yet: then this one waits its turn behind them (in the hub's own
     * greenlet, which cannot wait, it returns at once).
     */
    @Suspendable
    public void await() {
        // a suspension primitive itself, not woven (it calls nothing that suspends): a greenlet waiting here
        // saves no frame of the wait, only the primitive's identity; the wait uses the greenlet's own waiter,
        // reused, so that it allocates nothing
        Stack s = Stack.current();
        if (s.mode == Stack.RESUMING) {
            Hub.Waiter w = Hub.Waiter.ownOf(s);
            try {
                w.endResumedPark(s, AWAIT_ID, "Event.await");
            } finally {
                remove(w);
            }
            return;
        }
        Hub.Waiter w;
        if (!flag) {
            w = Hub.Waiter.ownForCurrent(s, "Event.await", null);
        } else if (!hasWoken() || (w = Hub.Waiter.ownForTurn(s, "Event.await", null)) == null) {
            // set, and every greenlet the set woke has run (or this is the hub's own greenlet, which
            // cannot wait): nothing to wait for
            return;
        }
        // a late waiter's own waiter is woken already: listed behind the others, it waits until they have run
        add(w);
        boolean over;
        try {
            over = w.parkAsPrimitive(s, AWAIT_ID, "Event.await");
        } catch (Throwable t) {
            remove(w);
            throw t;
        }
        if (over) {
            remove(w);
        }
    }

    /** The identity of {@link #await()}, which its callers' saved frames expect above them. */
    private static final int AWAIT_ID = Stack.primitive("await()V", "Event.await");

    /**
     * Waits until the flag is set or {@code timeout} has passed. When it is set already, waits its turn
     * behind the greenlets woken by the set that have not run yet, as {@link #await()} does.
     *
     * @param timeout the longest time to wait
     * @return true when the flag was set (even if cleared again since), false when the time ran out
     */
    @Suspendable
    public boolean await(Duration timeout) {
        return awaitFor(Objects.requireNonNull(timeout, "timeout"));
    }

    @Suspendable
    private boolean awaitFor(Duration timeout) {
        if (flag) {
            awaitTurn("Event.await");
            return true;
        }
        return await("Event.await", timeout);
    }

    @Override
    public String toString() {
        return "Event[" + (flag ? "set" : "clear") + ", " + size() + " waiting]";
    }
}
