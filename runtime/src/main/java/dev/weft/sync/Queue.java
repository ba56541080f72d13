package dev.weft.sync;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * gevent's {@code Queue}: FIFO, unbounded or bounded, for passing items between greenlets.
 *
 * <p>{@link #get()} waits while the queue is empty, {@link #put} while a bounded queue is full.
 * Waiting greenlets are served in the order they started waiting: a {@code put} hands its item
 * straight to the longest-waiting getter, and a {@code get} that makes room takes the longest-waiting
 * putter's item into the queue. Null items are refused, so that {@link #get(Duration)} can return null
 * when the time runs out.
 *
 * <p>It is also gevent's {@code JoinableQueue}: every item put counts as an unfinished task until a
 * {@link #taskDone()} for it, and {@link #join()} waits until none is unfinished.
 *
 * @param <T> the type of the items
 */
public sealed class Queue<T> permits PriorityQueue, LifoQueue, Channel {
    private final int capacity;
    /** The items in the order {@code get} takes them: FIFO here, LIFO or by priority in the subclasses. */
    private final java.util.Queue<T> items;
    /** Greenlets waiting in {@code get}; non-empty only while {@code items} is empty. */
    private final ArrayDeque<Slot<T>> getters = new ArrayDeque<>();
    /** Greenlets waiting in {@code put}, with their items; non-empty only while the queue is full. */
    private final ArrayDeque<Slot<T>> putters = new ArrayDeque<>();
    /** Items put and not yet marked done by {@link #taskDone()}. */
    private long unfinished;
    private final List<Hub.Waiter> joiners = new ArrayList<>();

    /** Creates an unbounded queue: {@code put} never waits. */
    public Queue() {
        this(Integer.MAX_VALUE, new ArrayDeque<>());
    }

    /**
     * Creates a queue holding at most {@code capacity} items.
     *
     * @param capacity the most items it holds, at least 1
     * @throws IllegalArgumentException when {@code capacity} is less than 1
     */
    public Queue(int capacity) {
        this(checked(capacity), new ArrayDeque<>());
    }

    Queue(int capacity, java.util.Queue<T> items) {
        this.capacity = capacity;
        this.items = items;
    }

    static int checked(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1, but was " + capacity
                    + " (for a rendezvous queue of capacity 0, use Channel)");
        }
        return capacity;
    }

    /** {@return the number of items in the queue, not counting those of putters still waiting for room} */
    public int size() {
        return items.size();
    }

    /** {@return true when the queue holds no items, so a {@code get} would wait} */
    public boolean isEmpty() {
        return items.isEmpty();
    }

    /**
     * Adds {@code item} at the tail, waiting while the queue is full.
     *
     * @param item the item, not null
     */
    @Suspendable
    public void put(T item) {
        putFor(Objects.requireNonNull(item, "item"), null);
    }

    /**
     * Adds {@code item} at the tail, waiting at most {@code timeout} while the queue is full.
     *
     * @param item the item, not null
     * @param timeout the longest time to wait
     * @return true when it was added, false when the time ran out and the item was not added
     */
    @Suspendable
    public boolean put(T item, Duration timeout) {
        return putFor(Objects.requireNonNull(item, "item"), Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * Removes and returns the head item, waiting while the queue is empty.
     *
     * @return the item
     */
    @Suspendable
    public T get() {
        return getFor(null);
    }

    /**
     * Removes and returns the head item, waiting at most {@code timeout} while the queue is empty.
     *
     * @param timeout the longest time to wait
     * @return the item, or null when the time ran out
     */
    @Suspendable
    public T get(Duration timeout) {
        return getFor(Objects.requireNonNull(timeout, "timeout"));
    }

    @Suspendable
    private boolean putFor(T item, Duration timeout) {
        if (!getters.isEmpty()) {
            unfinished++;
            handToGetter(item);
            return true;
        }
        if (items.size() < capacity) {
            unfinished++;
            items.add(item);
            return true;
        }
        Slot<T> slot = new Slot<>(waiter("Queue.put", timeout), item);
        putters.add(slot);
        try {
            slot.waiter.park(timeout);
        } finally {
            // a putter whose item was taken in stays done, even if it is killed before it runs again
            if (!slot.done) {
                putters.remove(slot);
            }
        }
        return slot.done;
    }

    @Suspendable
    private T getFor(Duration timeout) {
        if (!items.isEmpty()) {
            T item = items.poll();
            if (!putters.isEmpty()) {
                Slot<T> p = putters.poll();
                unfinished++;
                items.add(p.item);
                p.done = true;
                p.waiter.wake();
            }
            return item;
        }
        if (!putters.isEmpty()) {
            // a Channel (capacity 0): take the item straight from the first waiting putter
            Slot<T> p = putters.poll();
            unfinished++;
            p.done = true;
            p.waiter.wake();
            return p.item;
        }
        Slot<T> slot = new Slot<>(waiter("Queue.get", timeout), null);
        getters.add(slot);
        boolean returned = false;
        try {
            slot.waiter.park(timeout);
            returned = true;
            return slot.item;
        } finally {
            if (!slot.done) {
                getters.remove(slot);
            } else if (!returned) {
                // handed an item but killed before taking it: the item goes to the next getter or back to the head
                giveBack(slot.item);
            }
        }
    }

    /**
     * Marks one item taken with {@code get} as processed; when none is left unfinished, wakes every
     * greenlet waiting in {@link #join()}.
     *
     * @throws IllegalStateException when called more times than items were put
     */
    public void taskDone() {
        if (unfinished == 0) {
            throw new IllegalStateException("taskDone() was called more times than items were put;"
                    + " call it once for each item taken with get()");
        }
        if (--unfinished == 0 && !joiners.isEmpty()) {
            List<Hub.Waiter> woken = new ArrayList<>(joiners);
            joiners.clear();
            for (Hub.Waiter w : woken) {
                w.wake();
            }
        }
    }

    /** Waits until every item put has been marked done with {@link #taskDone()}. */
    @Suspendable
    public void join() {
        joinFor(null);
    }

    /**
     * Waits at most {@code timeout} until every item put has been marked done with {@link #taskDone()}.
     *
     * @param timeout the longest time to wait
     * @return true when none is unfinished, false when the time ran out
     */
    @Suspendable
    public boolean join(Duration timeout) {
        return joinFor(Objects.requireNonNull(timeout, "timeout"));
    }

    @Suspendable
    private boolean joinFor(Duration timeout) {
        if (unfinished == 0) {
            return true;
        }
        Hub.Waiter w = waiter("Queue.join", timeout);
        joiners.add(w);
        try {
            w.park(timeout);
        } finally {
            joiners.remove(w);
        }
        return unfinished == 0;
    }

    /** A waiter for the current greenlet: its own, reused, for a wait with no time limit (no allocation). */
    private static Hub.Waiter waiter(String what, Duration timeout) {
        return timeout == null ? Hub.Waiter.ownForCurrent(what, null) : Hub.Waiter.forCurrent(what);
    }

    private void handToGetter(T item) {
        Slot<T> g = getters.poll();
        g.item = item;
        g.done = true;
        g.waiter.wake();
    }

    private void giveBack(T item) {
        if (!getters.isEmpty()) {
            handToGetter(item);
        } else if (items instanceof ArrayDeque) {
            // FIFO: it was the head; put it back there
            ((ArrayDeque<T>) items).addFirst(item);
        } else {
            // LIFO (whose add pushes) and priority order put it back where it belongs
            items.add(item);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + items.size() + (capacity == Integer.MAX_VALUE ? "" : "/" + capacity) + " items, "
                + getters.size() + " getters, " + putters.size() + " putters waiting, " + unfinished + " unfinished]";
    }

    /** A waiting greenlet with the item it puts, or the item handed to it. */
    private static final class Slot<T> {
        final Hub.Waiter waiter;
        T item;
        boolean done;

        Slot(Hub.Waiter waiter, T item) {
            this.waiter = waiter;
            this.item = item;
        }
    }
}
