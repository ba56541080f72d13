package dev.weft.sync;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Greenlets waiting for one thing to happen (an event set, a result ready), all woken when it does,
 * and the raw links of {@code Hub.wait}, called then too, in the order they were added.
 *
 * <p>A woken waiter stays listed until its greenlet has run (its wait removes it, as every wait does):
 * a greenlet that comes to wait while the thing has happened and waiters it woke have not all run yet
 * waits its turn behind them ({@link #awaitTurn}; gevent's order). A raw link is called and removed; one
 * that throws is reported by the hub and the others are still called and woken.
 *
 * <p>The oldest entry has a field of its own and the rest a list, made when a second entry comes: a
 * list waited on by one greenlet at a time (an event passed back and forth, the usual case) adds,
 * wakes and removes with a store or two and no list at all. {@link Event} extends it rather than
 * holding one: one object less per event, and one less to reach at every wait and wake.
 */
class WaitList {
    /** The oldest entry, or null; when null, {@link #more} (if any) holds every entry. */
    private Runnable first;
    /**
     * The entries after {@link #first}, oldest first; null until needed. A deque: woken waiters leave it
     * from the head, in the order they run, each in constant time.
     */
    private ArrayDeque<Runnable> more;

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

    /**
     * For a greenlet that finds the thing happened: waits until the waiters woken before it have run,
     * when some have not ({@link #hasWoken()}), and returns at once otherwise, or where it cannot wait (the
     * hub's own greenlet). Plain code runs the hub meanwhile, as in any wait.
     *
     * @param what the waiting operation, for the hub's messages
     */
    @Suspendable
    void awaitTurn(String what) {
        if (!hasWoken()) {
            return;
        }
        Hub.Waiter w = Hub.Waiter.ownForTurn(what, null);
        if (w == null) {
            return;
        }
        // listed as the others are, so that a greenlet coming after this one waits behind it too
        add(w);
        try {
            w.park(null);
        } finally {
            remove(w);
        }
    }

    /**
     * True when waiters woken by the last {@link #wakeAll} have not all run yet. Only meaningful once
     * the thing has happened, since until then every listed waiter is still waiting.
     */
    final boolean hasWoken() {
        ArrayDeque<Runnable> m = more;
        return first != null || (m != null && !m.isEmpty());
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
     * Wakes every waiter, in the order they started waiting, and calls the raw links, in turn with them;
     * the waiters stay listed until they have run, the raw links are removed.
     *
     * @param owner the object whose waiters these are, named in the report of a raw link that throws
     */
    void wakeAll(Object owner) {
        Runnable f = first;
        ArrayDeque<Runnable> m = more;
        if (m == null || m.isEmpty()) {
            // the usual case, one waiter: no copy, and it leaves the list as its wait ends
            if (f instanceof Hub.Waiter) {
                ((Hub.Waiter) f).wake();
            } else if (f != null) {
                first = null;
                Hub.Waiter.callLink(f, owner);
            }
            return;
        }
        boolean rawLinks = f != null && !(f instanceof Hub.Waiter);
        for (Runnable r : m) {
            rawLinks |= !(r instanceof Hub.Waiter);
        }
        if (!rawLinks) {
            // waking calls no code of anybody's: the list does not change meanwhile
            if (f != null) {
                ((Hub.Waiter) f).wake();
            }
            for (Runnable r : m) {
                ((Hub.Waiter) r).wake();
            }
            return;
        }
        // the raw links leave the list before any is called: one may link again (a new raw link is called at
        // once, or waits for the next wake-up)
        List<Runnable> all = new ArrayList<>(m.size() + 1);
        if (f != null) {
            all.add(f);
        }
        all.addAll(m);
        first = null;
        more = null;
        for (Runnable r : all) {
            if (r instanceof Hub.Waiter) {
                append(r);
            }
        }
        for (Runnable r : all) {
            if (r instanceof Hub.Waiter) {
                ((Hub.Waiter) r).wake();
            } else {
                Hub.Waiter.callLink(r, owner);
            }
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
        ArrayDeque<Runnable> m = more;
        if (first == null && (m == null || m.isEmpty())) {
            first = r;
            return;
        }
        if (m == null) {
            m = new ArrayDeque<>();
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
