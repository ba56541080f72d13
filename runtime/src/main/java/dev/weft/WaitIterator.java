package dev.weft;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The objects given to {@link Hub#iwait} as they become ready (gevent's {@code iwait}): objects ready
 * already come first, in the given order, then each one as it becomes ready. Stops after
 * {@code count} objects, when every object has come out, or when the timeout, counted from
 * {@code iwait}, has passed.
 *
 * <p>{@link #hasNext()} and {@link #next()} wait, so they are {@link Suspendable}, and this is not a
 * {@code java.util.Iterator} (whose {@code next} cannot suspend): loop with {@code hasNext}.
 * {@link #close()} (or running to the end) removes what it left with the objects that are not ready.
 *
 * <pre>{@code
 * try (WaitIterator<SpawnedGreenlet<String>> it = Hub.iwait(fetches, Duration.ofSeconds(5), 3)) {
 *     while (it.hasNext()) {
 *         print(it.next().get()); // the first three to finish, as they finish
 *     }
 * }
 * }</pre>
 *
 * @param <W> the type of the objects
 */
public final class WaitIterator<W extends Waitable> implements AutoCloseable {
    private final String what;
    private final ArrayDeque<W> ready = new ArrayDeque<>();
    /** The links left with objects not ready yet. */
    private final List<Link> pending = new ArrayList<>();
    private final boolean timed;
    private final long deadline;
    private int remaining;
    /** The waiter of the greenlet waiting in {@link #hasNext()}, or null. */
    private Hub.Waiter waiter;
    private boolean ended;

    WaitIterator(Collection<W> objects, Duration timeout, int count, String what) {
        if (count < 1) {
            throw new IllegalArgumentException(what + " count must be at least 1, but was " + count);
        }
        this.what = what;
        this.timed = timeout != null;
        this.deadline = timeout == null ? 0 : Hub.get().deadlineAfter(Hub.saturatedNanos(timeout));
        this.remaining = count;
        for (W o : objects) {
            Objects.requireNonNull(o, "a waitable object is null");
            Link l = new Link(o);
            pending.add(l);
            o.rawLink(l);
        }
    }

    /**
     * Waits until an object is ready, and returns true, or until none can come (all have come out,
     * {@code count} of them have, or the time ran out), and returns false.
     *
     * @return whether {@link #next()} has an object
     */
    @Suspendable
    public boolean hasNext() {
        while (!ended) {
            if (remaining == 0) {
                break;
            }
            if (!ready.isEmpty()) {
                return true;
            }
            if (pending.isEmpty()) {
                break;
            }
            if (timed && deadline - Hub.get().nanoTime() <= 0) {
                break;
            }
            Hub.Waiter mine = Hub.Waiter.forCurrent(what, objectsPending());
            waiter = mine;
            try {
                mine.parkUntil(timed, deadline);
            } finally {
                waiter = null;
            }
        }
        close();
        return false;
    }

    /**
     * Returns the next ready object, waiting for it.
     *
     * @return the object
     * @throws NoSuchElementException when {@link #hasNext()} is false
     */
    @Suspendable
    public W next() {
        if (!hasNext()) {
            throw new NoSuchElementException(what + ": no more objects (all came out, the count was reached, or the time ran out)");
        }
        remaining--;
        return ready.poll();
    }

    /** Stops: removes the callbacks left with the objects that are not ready. Idempotent. */
    @Override
    public void close() {
        ended = true;
        for (Link l : pending) {
            l.object.rawUnlink(l);
        }
        pending.clear();
    }

    private List<W> objectsPending() {
        List<W> objects = new ArrayList<>(pending.size());
        for (Link l : pending) {
            objects.add(l.object);
        }
        return objects;
    }

    /** Left with an object: when it is ready, queues it and wakes the waiting greenlet. */
    private final class Link implements Runnable {
        final W object;

        Link(W object) {
            this.object = object;
        }

        @Override
        public void run() {
            if (ended) {
                return;
            }
            pending.remove(this);
            ready.add(object);
            if (waiter != null) {
                waiter.wake();
            }
        }
    }
}
