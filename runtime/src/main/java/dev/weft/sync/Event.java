package dev.weft.sync;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * gevent's {@code Event}: a flag that greenlets wait for; {@link #set()} wakes every waiter.
 *
 * <p>Python's {@code wait} is {@link #await()} here ({@code wait} is {@code Object.wait}).
 */
public final class Event {
    private boolean flag;
    private final List<Hub.Waiter> waiters = new ArrayList<>();

    /** Sets the flag and wakes every waiting greenlet, in the order they started waiting. */
    public void set() {
        flag = true;
        if (waiters.isEmpty()) {
            return;
        }
        List<Hub.Waiter> woken = new ArrayList<>(waiters);
        waiters.clear();
        for (Hub.Waiter w : woken) {
            w.wake();
        }
    }

    /** Clears the flag: later calls to {@link #await()} wait again. */
    public void clear() {
        flag = false;
    }

    /** True while the flag is set. */
    public boolean isSet() {
        return flag;
    }

    /** Waits until the flag is set; returns at once when it is set already. */
    @Suspendable
    public void await() {
        awaitFor(null);
    }

    /**
     * Waits until the flag is set or {@code timeout} has passed.
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
            return true;
        }
        Hub.Waiter w = Hub.Waiter.forCurrent("Event.await");
        waiters.add(w);
        try {
            return w.park(timeout);
        } finally {
            waiters.remove(w);
        }
    }

    @Override
    public String toString() {
        return "Event[" + (flag ? "set" : "clear") + ", " + waiters.size() + " waiting]";
    }
}
