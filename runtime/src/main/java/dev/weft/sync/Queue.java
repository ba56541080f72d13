package dev.weft.sync;

import dev.weft.Hub;
import dev.weft.Suspendable;
import dev.weft.internal.Stack;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
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
    /** The waiters of greenlets waiting in {@code get}; non-empty only while {@code items} is empty. */
    private final ArrayDeque<Hub.Waiter> getters = new ArrayDeque<>();
    /**
     * Items handed to getters that have not run since, in pairs: the getter's waiter, then the item. A
     * getter takes its item from here when it runs; one whose wait ends otherwise (a kill, a timeout
     * raised before its turn) passes it on. A pair, not an object per wait: a waiting greenlet keeps no
     * frame of its wait in {@link #get()} (see there), and allocates nothing. Room for one pair at first,
     * as many as getters are woken and not yet run: one, passing items back and forth.
     */
    private final ArrayDeque<Object> handed = new ArrayDeque<>(2);
    /**
     * Greenlets waiting in {@code put}, in pairs: the putter's waiter, then its item; non-empty only while
     * the queue is full. A putter whose item is taken in leaves the list and is woken: its waiter tells
     * it so.
     */
    private final ArrayDeque<Object> putters = new ArrayDeque<>();
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
        // a suspension primitive itself, not woven (it calls nothing that suspends), as Event.await is: a
        // greenlet waiting here saves no frame of the wait, and its item waits in the putters' list
        Stack s = Stack.current();
        if (s.mode == Stack.RESUMING) {
            // called again by the restore, with a dummy item: the wait ends here
            Hub.Waiter w = Hub.Waiter.ownOf(s);
            try {
                w.endResumedPark(s, PUT_ID, "Queue.put");
            } finally {
                leavePut(w, w.wasWoken());
            }
            return;
        }
        Objects.requireNonNull(item, "item");
        Hub.Waiter w;
        if (!offer(item)) {
            w = Hub.Waiter.ownForCurrent(s, "Queue.put", null);
            putters.add(w);
            putters.add(item);
        } else if (capacity != 0 || (w = Hub.Waiter.ownForTurn(s, "Queue.put", null)) == null) {
            // in a queue, or where a Channel's putter cannot wait (the hub's own greenlet): done
            return;
        }
        // a putter waiting for room, or a Channel's putter whose item a getter was handed: a rendezvous, so
        // it waits, woken already, until the getter has run
        boolean over;
        try {
            over = w.parkAsPrimitive(s, PUT_ID, "Queue.put");
        } catch (Throwable t) {
            leavePut(w, w.wasWoken());
            throw t;
        }
        if (over) {
            leavePut(w, w.wasWoken());
        }
    }

    /** The identity of {@link #put(Object)}, which its callers' saved frames expect above them. */
    private static final int PUT_ID = Stack.primitive("put(Ljava/lang/Object;)V", "Queue.put");

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
        // a suspension primitive itself, as put(item) is: the item handed to a waiting getter waits for it
        // in the list of handed items, and the greenlet's own waiter, reused, serves the wait
        Stack s = Stack.current();
        if (s.mode == Stack.RESUMING) {
            Hub.Waiter w = Hub.Waiter.ownOf(s);
            try {
                w.endResumedPark(s, GET_ID, "Queue.get");
            } catch (Throwable t) {
                leaveGet(w);
                throw t;
            }
            return takeHanded(w);
        }
        if (!items.isEmpty()) {
            return takeHead();
        }
        if (!putters.isEmpty()) {
            return takeFromPutter();
        }
        Hub.Waiter w = Hub.Waiter.ownForCurrent(s, "Queue.get", null);
        getters.add(w);
        boolean over;
        try {
            over = w.parkAsPrimitive(s, GET_ID, "Queue.get");
        } catch (Throwable t) {
            leaveGet(w);
            throw t;
        }
        // over: plain code's wait has ended; otherwise the greenlet has suspended, and its callers unwind
        // and ignore what this returns
        return over ? takeHanded(w) : null;
    }

    /** The identity of {@link #get()}, which its callers' saved frames expect above them. */
    private static final int GET_ID = Stack.primitive("get()Ljava/lang/Object;", "Queue.get");

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

    /** Adds the item at once when a getter waits or there is room: {@return false when the put must wait} */
    private boolean offer(T item) {
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
        return false;
    }

    @Suspendable
    private boolean putFor(T item, Duration timeout) {
        if (offer(item)) {
            if (capacity == 0) {
                letGetterRun();
            }
            return true;
        }
        // a waiter of its own, which its time limit puts on the hub's timer heap
        Hub.Waiter w = Hub.Waiter.forCurrent("Queue.put");
        putters.add(w);
        putters.add(item);
        try {
            w.park(timeout);
        } catch (Throwable t) {
            leavePut(w, w.wasWoken());
            throw t;
        }
        return leavePut(w, w.wasWoken());
    }

    /**
     * A Channel's putter whose item was handed to a waiting getter: waits until the getter has run, unless
     * it cannot wait here (the hub's own greenlet). The item is the getter's either way.
     */
    @Suspendable
    private void letGetterRun() {
        Hub.Waiter w = Hub.Waiter.ownForTurn("Queue.put", null);
        if (w != null) {
            w.park(null);
        }
    }

    /**
     * Ends a putter's wait: a putter is woken only once its item is taken in, and one whose item was taken
     * stays done, even if it is killed before it runs again; one whose wait ended otherwise leaves the
     * putters' list with its item, unless a getter took the item after its time limit ran out.
     *
     * @param w the putter's waiter
     * @param woken whether {@code w} was woken, so that its item was taken
     * @return true when its item was taken in
     */
    private boolean leavePut(Hub.Waiter w, boolean woken) {
        return woken || removePair(putters, w) == null;
    }

    @Suspendable
    private T getFor(Duration timeout) {
        if (!items.isEmpty()) {
            return takeHead();
        }
        if (!putters.isEmpty()) {
            return takeFromPutter();
        }
        Hub.Waiter w = Hub.Waiter.forCurrent("Queue.get");
        getters.add(w);
        boolean returned = false;
        try {
            w.park(timeout);
            returned = true;
        } finally {
            if (!returned) {
                leaveGet(w);
            }
        }
        // an item handed after the time ran out, before the greenlet ran again, is still taken
        return takeHanded(w);
    }

    /** Takes the head item, and lets the longest-waiting putter's item in. */
    private T takeHead() {
        T item = items.poll();
        if (!putters.isEmpty()) {
            Hub.Waiter p = (Hub.Waiter) putters.poll();
            unfinished++;
            items.add(item(putters.poll()));
            p.wake();
        }
        return item;
    }

    /** A Channel (capacity 0): takes the item straight from the longest-waiting putter. */
    private T takeFromPutter() {
        Hub.Waiter p = (Hub.Waiter) putters.poll();
        T item = item(putters.poll());
        unfinished++;
        p.wake();
        return item;
    }

    /**
     * Ends a getter's wait that went on as usual: {@return the item handed to it, or null when none was
     * (a greenlet switched to by hand while it waited), and then it no longer waits}
     */
    private T takeHanded(Hub.Waiter w) {
        Object item = removePair(handed, w);
        if (item == null) {
            getters.remove(w);
        }
        return item(item);
    }

    /**
     * Ends a getter's wait that ends in an exception (a kill, a timeout): it no longer waits, and an item
     * handed to it before it could take it goes to the next getter or back to the head.
     */
    private void leaveGet(Hub.Waiter w) {
        Object item = removePair(handed, w);
        if (item == null) {
            getters.remove(w);
        } else {
            giveBack(item(item));
        }
    }

    /**
     * Removes the pair of {@code w} from a list of pairs (a waiter, then its item): {@return the item, or
     * null when {@code w} has no pair there}
     */
    private static Object removePair(ArrayDeque<Object> pairs, Hub.Waiter w) {
        if (pairs.peekFirst() == w) {
            // the usual case: greenlets woken in turn run in turn
            pairs.pollFirst();
            return pairs.pollFirst();
        }
        for (Iterator<Object> i = pairs.iterator(); i.hasNext(); ) {
            // only the waiters' places are compared: an item may be any object
            if (i.next() == w) {
                i.remove();
                Object item = i.next();
                i.remove();
                return item;
            }
            i.next();
        }
        return null;
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

    /** Hands {@code item} to the longest-waiting getter, which takes it from {@link #handed} when it runs. */
    private void handToGetter(T item) {
        Hub.Waiter g = getters.poll();
        handed.add(g);
        handed.add(item);
        g.wake();
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
                + getters.size() + " getters, " + putters.size() / 2 + " putters waiting, " + unfinished + " unfinished]";
    }

    @SuppressWarnings("unchecked")
    private static <T> T item(Object item) {
        return (T) item;
    }
}
