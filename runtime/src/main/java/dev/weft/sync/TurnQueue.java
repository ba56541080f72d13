package dev.weft.sync;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Greenlets waiting for a turn (the lock, a permit), granted one at a time in the order they came:
 * a release hands its turn straight to the greenlet that has waited longest, so no newcomer can
 * overtake it.
 */
final class TurnQueue {
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();

    /**
     * Waits until {@link #grantNext()} grants the current greenlet its turn, or {@code timeout} passes.
     * A turn granted to a greenlet that is killed before it can take it goes back through
     * {@code giveBack}, so that it reaches the next waiter.
     *
     * @param what the waiting operation, for the hub's messages
     * @param on what it waits for (the lock, the semaphore), for the hub's messages
     * @param timeout the longest time to wait, or null for no limit
     * @param giveBack passes on a granted turn that will not be taken
     * @return true when the turn was granted, false when the time ran out
     */
    @Suspendable
    boolean await(String what, Object on, Duration timeout, Runnable giveBack) {
        // a wait with no limit reuses the greenlet's own waiter: no allocation
        Hub.Waiter w = timeout == null ? Hub.Waiter.ownForCurrent(what, on) : Hub.Waiter.forCurrent(what, on);
        Slot slot = new Slot(w, Greenlet.current());
        slots.add(slot);
        boolean returned = false;
        try {
            slot.waiter.park(timeout);
            returned = true;
            return slot.granted;
        } finally {
            if (!slot.granted) {
                slots.remove(slot);
            } else if (!returned) {
                giveBack.run();
            }
        }
    }

    /** Grants the longest waiter its turn and wakes it; returns that greenlet, or null when nobody waits. */
    Greenlet grantNext() {
        Slot next = slots.poll();
        if (next == null) {
            return null;
        }
        next.granted = true;
        next.waiter.wake();
        return next.greenlet;
    }

    boolean isEmpty() {
        return slots.isEmpty();
    }

    int size() {
        return slots.size();
    }

    /** A waiting greenlet, and whether its turn was granted. */
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
