package dev.weft.sync;

import dev.weft.CoroutineException;
import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.SuspendableFunction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;

/**
 * The results of {@link Group#imap} or {@link Group#imapUnordered}, taken one at a time as they come:
 * gevent's {@code IMap} and {@code IMapUnordered}.
 *
 * <p>{@link #hasNext()} and {@link #next()} wait (suspending the greenlet) until the next result is
 * ready. They are {@code @Suspendable}, which is why this is not a {@code java.util.Iterator}: an
 * enhanced {@code for} loop calls {@code Iterator.hasNext()}, which woven code cannot suspend through.
 * Iterate with a {@code while} loop:
 *
 * <pre>{@code
 * try (MapResults<String> pages = pool.imap(url -> fetch(url), urls)) {
 *     while (pages.hasNext()) {
 *         System.out.println(pages.next()); // in the order of urls, each as soon as it is ready
 *     }
 * }
 * }</pre>
 *
 * <p>The items are taken from their iterable by a greenlet of the hub, one at a time as workers
 * start. When the function fails, {@link #next()} throws the exception at the failing item's turn
 * (see {@link Group} for which workers are killed); the iteration then ends. A worker killed from
 * outside (by {@link Group#killAll()}, say) ends the iteration the same way, with a
 * {@link CancellationException}. {@link #close()} stops the iteration early and kills the workers
 * still running.
 *
 * @param <R> the type of the results
 */
public final class MapResults<R> implements AutoCloseable {
    private final Group group;
    private final SuspendableFunction<Object, ? extends R> fn;
    private final Iterator<?> input;
    /** imap (input order) or imapUnordered (finish order). */
    private final boolean ordered;
    /** Called by a pool's member: no workers, each item is mapped in the caller's {@link #next()}. */
    private final boolean direct;
    /** Takes the items and spawns the workers; null when direct. */
    private SpawnedGreenlet<Void> feeder;
    /** Workers that have not reported, by position. */
    private final TreeMap<Integer, SpawnedGreenlet<?>> running = new TreeMap<>();
    /** Ordered: outcomes by position until handed out. */
    private final Map<Integer, Outcome> byPosition = new HashMap<>();
    /** Unordered: outcomes in the order they came. */
    private final ArrayDeque<Outcome> arrivals = new ArrayDeque<>();
    private final WaitList waiters = new WaitList();
    /** Items taken from the input so far; the next item's position. */
    private int positions;
    private int delivered;
    /** The feeder has finished: no more positions. */
    private boolean inputDone;
    /** The position of the failure to be thrown (ordered: the earliest failed item); MAX_VALUE while none. */
    private int failedAt = Integer.MAX_VALUE;
    /** The caller has had the end, the failure, or has closed the iteration. */
    private boolean finished;

    private MapResults(Group group, SuspendableFunction<Object, ? extends R> fn, Iterator<?> input, boolean ordered) {
        this.group = group;
        this.fn = fn;
        this.input = input;
        this.ordered = ordered;
        this.direct = group.runsDirectly();
    }

    @SuppressWarnings("unchecked")
    static <T, R> MapResults<R> start(Group group, SuspendableFunction<? super T, ? extends R> fn,
            Iterable<? extends T> items, boolean ordered) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        MapResults<R> results = new MapResults<>(group, (SuspendableFunction<Object, ? extends R>) fn,
                Objects.requireNonNull(items.iterator(), "items.iterator()"), ordered);
        if (!results.direct) {
            results.feeder = Hub.spawn(() -> results.feed());
        }
        return results;
    }

    /**
     * Waits until the next result is ready, or until there is none left.
     *
     * @return true when {@link #next()} has a result (or the failure) to hand out
     */
    @Suspendable
    public boolean hasNext() {
        while (true) {
            if (finished) {
                return false;
            }
            if (direct) {
                return directHasNext();
            }
            if (ordered ? byPosition.containsKey(delivered) : !arrivals.isEmpty()) {
                return true;
            }
            if (inputDone && (ordered ? delivered >= positions : running.isEmpty())) {
                finished = true;
                return false;
            }
            waiters.await(ordered ? "MapResults.hasNext (imap)" : "MapResults.hasNext (imapUnordered)", null);
        }
    }

    /**
     * Waits until the next result is ready and returns it, or throws the failure whose turn it is (a
     * checked exception wrapped in {@link CoroutineException}) once the other workers have finished.
     *
     * @return the next result
     * @throws NoSuchElementException when every result has been handed out
     */
    @Suspendable
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more results: every item has been mapped");
        }
        if (direct) {
            return directNext();
        }
        Outcome o = ordered ? byPosition.remove(delivered) : arrivals.poll();
        delivered++;
        if (o.failure != null) {
            finished = true;
            stopAll();
            throw unchecked(o.failure);
        }
        @SuppressWarnings("unchecked")
        R value = (R) o.value;
        return value;
    }

    /** Ends the iteration: kills the workers still running and stops taking items; waits until they have finished. */
    @Override
    @Suspendable
    public void close() {
        finished = true;
        byPosition.clear();
        arrivals.clear();
        stopAll();
    }

    private boolean directHasNext() {
        try {
            return input.hasNext();
        } catch (Throwable e) {
            finished = true;
            throw unchecked(e);
        }
    }

    @Suspendable
    private R directNext() {
        try {
            R value = fn.apply(input.next());
            delivered++;
            return value;
        } catch (Throwable e) {
            finished = true;
            throw unchecked(e);
        }
    }

    /** The feeder's body: takes each item, waits for room in the group, and spawns its worker. */
    @Suspendable
    private void feed() {
        try {
            while (!stopped() && input.hasNext()) {
                Object item = input.next();
                group.reserve();
                if (stopped()) {
                    group.unreserve();
                    return;
                }
                int pos = positions++;
                SpawnedGreenlet<Void> worker = group.spawnReserved(() -> {
                    work(pos, item);
                    return null;
                }, () -> report(pos, null, killed(pos, "before it started")));
                running.put(pos, worker);
            }
        } catch (GreenletExit killed) {
            report(positions, null, new CancellationException("the greenlet taking the items of "
                    + (ordered ? "Group.imap" : "Group.imapUnordered") + " was killed"));
            throw killed;
        } catch (Throwable e) {
            // the input itself failed: at the position of the item it could not give
            report(positions, null, e);
        } finally {
            inputDone = true;
            waiters.wakeAll(this);
        }
    }

    private boolean stopped() {
        return finished || failedAt != Integer.MAX_VALUE;
    }

    /** A worker's body. */
    @Suspendable
    private void work(int pos, Object item) {
        R value;
        try {
            value = fn.apply(item);
        } catch (GreenletExit exit) {
            report(pos, null, killed(pos, "while it ran"));
            throw exit;
        } catch (Throwable e) {
            report(pos, null, e);
            return;
        }
        report(pos, value, null);
    }

    private CancellationException killed(int pos, String when) {
        return new CancellationException("the greenlet mapping item " + pos + " of "
                + (ordered ? "Group.imap" : "Group.imapUnordered") + " was killed " + when);
    }

    /** Keeps the outcome of position {@code pos} for the caller, unless it can no longer be handed out. */
    private void report(int pos, Object value, Throwable failure) {
        running.remove(pos);
        if (finished || (ordered ? pos > failedAt : failedAt != Integer.MAX_VALUE)) {
            return;
        }
        Outcome o = new Outcome(value, failure);
        if (ordered) {
            byPosition.put(pos, o);
        } else {
            arrivals.add(o);
        }
        if (failure != null) {
            failedAt = pos;
            if (ordered) {
                byPosition.keySet().removeIf(p -> p > pos);
            }
            stopOthers(pos);
        }
        waiters.wakeAll(this);
    }

    /**
     * Kills, from a greenlet of its own so that the caller need not wait, the workers whose results
     * can no longer be handed out after a failure at {@code pos}, and the feeder.
     */
    private void stopOthers(int pos) {
        List<SpawnedGreenlet<?>> victims = new ArrayList<>(ordered ? running.tailMap(pos, false).values() : running.values());
        SpawnedGreenlet<Void> f = feeder;
        Hub.spawn(() -> {
            group.killMembers(victims);
            if (f != null) {
                f.kill();
            }
        });
    }

    /** Kills every worker still running and the feeder, and waits until they have finished. */
    @Suspendable
    private void stopAll() {
        if (direct) {
            return;
        }
        if (!running.isEmpty()) {
            group.killMembers(new ArrayList<>(running.values()));
        }
        feeder.kill();
    }

    /** {@code t} as an unchecked exception: itself, or wrapped in {@link CoroutineException} when checked. */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new CoroutineException(t);
    }

    @Override
    public String toString() {
        String state = finished ? "finished" : failedAt != Integer.MAX_VALUE ? "failed at item " + failedAt
                : inputDone ? "all items started" : "taking items";
        return "MapResults[" + (ordered ? "input order" : "finish order") + ", " + state + ", " + delivered
                + " handed out, " + running.size() + " running]";
    }

    /** A worker's result or failure. */
    private static final class Outcome {
        final Object value;
        final Throwable failure;

        Outcome(Object value, Throwable failure) {
            this.value = value;
            this.failure = failure;
        }
    }
}
