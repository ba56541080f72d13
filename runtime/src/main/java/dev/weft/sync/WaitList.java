package dev.weft.sync;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Greenlets waiting for one thing to happen (an event set, a result ready), all woken when it does,
 * and the raw links of {@code Hub.wait}, called then too, in the order they were added. A raw link that
 * throws is reported by the hub, and the others are still called and woken.
 *
 * <p>The oldest entry has a field of its own and the rest a list, made when a second entry comes: a
 * list waited on by one greenlet at a time (an event passed back and forth, the usual case) adds,
 * wakes and removes with a store or two and no list at all. {@link Event} extends it rather than
 * holding one: one object less per event, and one less to reach at every wait and wake.
 */
class WaitList {
    /** The oldest entry, or null; when null, {@link #more} (if any) holds every entry. */
    private Runnable first;
    /** The entries after {@link #first}, oldest first; null until needed. */
    private List<Runnable> more;

    /**
     * Waits until {@link #wakeAll} or until {@code timeout} passes; the waiter is gone either way.
     *
     * @param what the waiting operation, for the hub's messages
     * @param timeout the longest time to wait, or null for no limit
     * @return true when woken, false when the time ran out
     */
    @Suspendable
    boolean await(String what, Duration timeout) {
        // a wait with no limit, the usual one, reuses the greenlet's own waiter: no allocation
        Hub.Waiter w = timeout == null ? Hub.Waiter.ownForCurrent(what, null) : Hub.Waiter.forCurrent(what);
        add(w);
        try {
            return w.park(timeout);
        } finally {
            remove(w);
        }
    }

    /** Adds a waiter, before it parks: woken by the next {@link #wakeAll}. */
    void add(Hub.Waiter w) {
        append(w);
    }

    /** Removes a waiter whose wait is over, in its {@code finally}. */
    void remove(Hub.Waiter w) {
        delete(w);
    }

    /**
     * Wakes every waiter, in the order they started waiting, and calls the raw links in turn with them.
     *
     * @param owner the object whose waiters these are, named in the report of a raw link that throws
     */
    void wakeAll(Object owner) {
        Runnable f = first;
        List<Runnable> m = more;
        if (m == null || m.isEmpty()) {
            // the usual case, one waiter: no copy
            if (f != null) {
                first = null;
                notify(f, owner);
            }
            return;
        }
        // those added while these run (a raw link's callback may wait again) wait for the next one
        first = null;
        more = null;
        if (f != null) {
            notify(f, owner);
        }
        for (Runnable w : m) {
            notify(w, owner);
        }
    }

    /** Wakes a waiter, or calls a raw link through the hub, which reports what it throws. */
    private static void notify(Runnable r, Object owner) {
        if (r instanceof Hub.Waiter) {
            ((Hub.Waiter) r).wake();
        } else {
            Hub.Waiter.callLink(r, owner);
        }
    }

    /** Adds a raw link: called once by the next {@link #wakeAll}. */
    void link(Runnable callback) {
        append(Objects.requireNonNull(callback, "callback"));
    }

    /** Removes a raw link that has not been called. */
    void unlink(Runnable callback) {
        delete(callback);
    }

    int size() {
        return (first == null ? 0 : 1) + (more == null ? 0 : more.size());
    }

    private void append(Runnable r) {
        List<Runnable> m = more;
        if (first == null && (m == null || m.isEmpty())) {
            first = r;
            return;
        }
        if (m == null) {
            m = new ArrayList<>();
            more = m;
        }
        m.add(r);
    }

    private void delete(Runnable r) {
        if (first == r) {
            first = null;
        } else if (more != null) {
            more.remove(r);
        }
    }
}
