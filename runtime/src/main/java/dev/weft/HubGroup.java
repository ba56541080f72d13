package dev.weft;

import dev.weft.internal.CarrierThread;
import dev.weft.internal.Task;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Several hubs, each on a thread of its own, to use every core: gevent's one-thread model, n times.
 *
 * <pre>{@code
 * try (HubGroup group = HubGroup.start()) {              // one hub per core
 *     CompletableFuture<String> f = group.spawn(1, () -> fetch("a"));
 *     System.out.println(f.join());
 * }
 * }</pre>
 *
 * <p>A greenlet stays on the hub that spawned it, so the greenlets of one hub share data without
 * locks as they would on a single thread; data shared between hubs needs the usual thread-safe
 * hand-over. Work is handed to a hub with {@link #spawn(int, SuspendableCallable)} or
 * {@code hub(i).submit(callback)}, from any thread. A {@code dev.weft.net.StreamServer} started on a
 * group spreads its connections over the group's hubs.
 *
 * <p>The threads, {@code weft-hub-0} to {@code weft-hub-(n-1)}, run their hubs until {@link #close()},
 * which kills every greenlet still running on them (their {@code finally} blocks run), closes their
 * selectors, and waits for the threads to end. They are not daemon threads: a program ends once its
 * group is closed.
 */
public final class HubGroup implements AutoCloseable {
    private final Hub[] hubs;
    private final Thread[] threads;
    /** Per hub, the waiter of its thread's plain code, which serves until woken by {@link #close()}. */
    private final Hub.Waiter[] serving;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Completed with the error that ended a hub's thread, should one end so. */
    private final CompletableFuture<Void> hubFailure = new CompletableFuture<>();

    private HubGroup(int n) {
        hubs = new Hub[n];
        threads = new Thread[n];
        serving = new Hub.Waiter[n];
    }

    /**
     * Starts {@code n} threads, named {@code weft-hub-0} onwards, each running its own hub until the
     * group is closed; returns once every hub exists.
     *
     * @param n how many hubs, at least 1
     * @return the running group
     * @throws IllegalArgumentException when {@code n} is less than 1
     */
    public static HubGroup start(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a HubGroup needs at least 1 hub, but " + n + " were asked for");
        }
        // nothing woven: one error here, in the caller, rather than one per hub thread as each starts
        Task.requireWoven();
        HubGroup group = new HubGroup(n);
        CountDownLatch ready = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            Thread t = new CarrierThread(() -> group.serve(index, ready), "weft-hub-" + i);
            group.threads[i] = t;
            t.start();
        }
        boolean interrupted = false;
        while (true) {
            try {
                ready.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return group;
    }

    /**
     * Starts one hub per available processor (see {@link #start(int)}).
     *
     * @return the running group
     */
    public static HubGroup start() {
        return start(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A hub thread's body: serves until woken by close, then kills what runs, ends the hub's
     * submissions (running those it accepted, and killing the greenlets they spawn before these start)
     * and closes the selector.
     */
    private void serve(int index, CountDownLatch ready) {
        Hub hub = Hub.current();
        Hub.KeepAlive alive = hub.keepAlive();
        Hub.Waiter waiter = Hub.Waiter.forCurrent("HubGroup: serving until closed", this);
        hubs[index] = hub;
        serving[index] = waiter;
        ready.countDown();
        Throwable failure = null;
        try {
            try {
                waiter.park(null);
            } catch (Throwable died) {
                // the hub's loop could not go on (an error escaped it): its greenlets are lost for good
                failure = died;
                hub.died = died;
                hubFailure.completeExceptionally(died);
            }
            if (failure == null) {
                killLive(hub);
            }
        } finally {
            try {
                // a submit from now on is refused; one accepted before runs now, and its greenlets are killed unstarted
                if (hub.endSubmissions()) {
                    killLive(hub);
                }
            } finally {
                alive.close();
                hub.closeSelector();
            }
        }
        if (failure != null) {
            // the thread dies of it, and its uncaught-exception handler prints it
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            throw failure instanceof RuntimeException ? (RuntimeException) failure : new IllegalStateException(failure);
        }
    }

    /** Kills the hub's greenlets; killing may spawn more (a finally block that spawns): goes on until none is left. */
    private static void killLive(Hub hub) {
        List<SpawnedGreenlet<?>> live = new ArrayList<>();
        while (hub.firstLive != null) {
            live.clear();
            for (SpawnedGreenlet<?> g = hub.firstLive; g != null; g = g.nextLive) {
                live.add(g);
            }
            Hub.killAll(live.toArray(new SpawnedGreenlet<?>[0]));
        }
    }

    /**
     * Calls {@code callback} with the error that ended a hub's thread, should one end so before the group
     * is closed: its loop met an error it could not go on after, and the greenlets on that hub are
     * lost. The callback runs on the dying hub's thread (at once when a hub has died already); it must
     * not wait. A server on the group stops on it, so that a program serving in {@code main} ends.
     *
     * @param callback what to do with the error
     */
    public void onHubFailure(Consumer<? super Throwable> callback) {
        Objects.requireNonNull(callback, "callback");
        hubFailure.whenComplete((nothing, died) -> {
            if (died != null) {
                callback.accept(died);
            }
        });
    }

    /**
     * Returns the number of hubs.
     *
     * @return the size, at least 1
     */
    public int size() {
        return hubs.length;
    }

    /**
     * Returns the hub of thread {@code weft-hub-<index>}: {@link Hub#submit} on it hands work to that
     * thread.
     *
     * @param index 0 to {@code size() - 1}
     * @return the hub
     * @throws IndexOutOfBoundsException when {@code index} is out of range
     */
    public Hub hub(int index) {
        Objects.checkIndex(index, hubs.length);
        return hubs[index];
    }

    /**
     * Spawns a greenlet computing {@code call} on hub {@code index}; callable from any thread. The
     * future completes with its value or its exception (not printed, as it is the future's), or with
     * a {@link CancellationException} when the greenlet is killed (the group closed, say).
     *
     * @param index 0 to {@code size() - 1}
     * @param call the greenlet's body
     * @param <T> the type of the value
     * @return the future of its value
     * @throws IndexOutOfBoundsException when {@code index} is out of range
     * @throws IllegalStateException when the group is closed
     */
    public <T> CompletableFuture<T> spawn(int index, SuspendableCallable<T> call) {
        Objects.requireNonNull(call, "call");
        Hub hub = hub(index);
        if (closed.get()) {
            throw new IllegalStateException("cannot spawn on a closed HubGroup");
        }
        try {
            return hub.submitSpawn(call);
        } catch (IllegalStateException ended) {
            throw new IllegalStateException("cannot spawn on hub " + index + " of a closed HubGroup", ended);
        }
    }

    /**
     * Kills every greenlet running on the group's hubs, ends their threads and waits for them; closing
     * again waits for them too (a close under way on another thread, say) and does nothing more.
     * Callable from any thread; from one of the group's own threads it does not wait for that thread,
     * which ends once the current greenlet has been killed, and closing again there returns at once
     * (two threads of the group would otherwise wait for each other).
     *
     * <p>As a hub's thread ends, the callbacks submitted to it before run (a spawn's greenlet is then
     * killed before it starts, and its future cancelled), and a later submit or spawn throws
     * {@link IllegalStateException}: work handed to the group while it closes is either refused at
     * once or ends, and every future that {@link #spawn} returned completes.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            wakeAll();
        } else if (Arrays.asList(threads).contains(Thread.currentThread())) {
            return;
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wakes every hub's serving thread, which then kills its greenlets and ends. */
    private void wakeAll() {
        for (int i = 0; i < hubs.length; i++) {
            Hub.Waiter w = serving[i];
            try {
                hubs[i].submit(w::wake);
            } catch (IllegalStateException ended) {
                // that thread has ended already
            }
        }
    }

    @Override
    public String toString() {
        return "HubGroup[" + hubs.length + " hubs" + (closed.get() ? ", closed]" : "]");
    }
}
