package dev.weft.sync;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Greenlets waiting for one thing to happen (an event set, a result ready), all woken when it does,
 * and the raw links of {@code Hub.wait}, called then too.
 */
final class WaitList {
    private final List<Runnable> waiters = new ArrayList<>();

    /**
     * Waits until {@link #wakeAll()} or until {@code timeout} passes; the waiter is gone either way.
     *
     * @param what the waiting operation, for the hub's messages
     * @param timeout the longest time to wait, or null for no limit
     * @return true when woken, false when the time ran out
     */
    @Suspendable
    boolean await(String what, Duration timeout) {
        // a wait with no limit, the usual one, reuses the greenlet's own waiter: no allocation
        Hub.Waiter w = timeout == null ? Hub.Waiter.ownForCurrent(what, null) : Hub.Waiter.forCurrent(what);
        waiters.add(w);
        try {
            return w.park(timeout);
        } finally {
            waiters.remove(w);
        }
    }

    /** Adds a waiter, before it parks: woken by the next {@link #wakeAll()}. */
    void add(Hub.Waiter w) {
        waiters.add(w);
    }

    /** Removes a waiter whose wait is over, in its {@code finally}. */
    void remove(Hub.Waiter w) {
        waiters.remove(w);
    }

    /** Wakes every waiter, in the order they started waiting. */
    void wakeAll() {
        int n = waiters.size();
        if (n == 0) {
            return;
        }
        if (n == 1) {
            // the usual case, one waiter: no copy
            Runnable w = waiters.get(0);
            waiters.clear();
            w.run();
            return;
        }
        List<Runnable> woken = new ArrayList<>(waiters);
        waiters.clear();
        for (Runnable w : woken) {
            w.run();
        }
    }

    /** Adds a raw link: called once by the next {@link #wakeAll()}. */
    void link(Runnable callback) {
        waiters.add(Objects.requireNonNull(callback, "callback"));
    }

    /** Removes a raw link that has not been called. */
    void unlink(Runnable callback) {
        waiters.remove(callback);
    }

    int size() {
        return waiters.size();
    }
}
