package dev.weft.sync;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Greenlets waiting for one thing to happen (an event set, a result ready), all woken when it does. */
final class WaitList {
    private final List<Hub.Waiter> waiters = new ArrayList<>();

    /**
     * Waits until {@link #wakeAll()} or until {@code timeout} passes; the waiter is gone either way.
     *
     * @param what the waiting operation, for the hub's messages
     * @param timeout the longest time to wait, or null for no limit
     * @return true when woken, false when the time ran out
     */
    @Suspendable
    boolean await(String what, Duration timeout) {
        Hub.Waiter w = Hub.Waiter.forCurrent(what);
        waiters.add(w);
        try {
            return w.park(timeout);
        } finally {
            waiters.remove(w);
        }
    }

    /** Wakes every waiter, in the order they started waiting. */
    void wakeAll() {
        if (waiters.isEmpty()) {
            return;
        }
        List<Hub.Waiter> woken = new ArrayList<>(waiters);
        waiters.clear();
        for (Hub.Waiter w : woken) {
            w.wake();
        }
    }

    int size() {
        return waiters.size();
    }
}
