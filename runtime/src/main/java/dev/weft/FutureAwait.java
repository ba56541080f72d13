package dev.weft;

import dev.weft.internal.Futures;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One {@link Hub#await} that had to wait: the callback registered on the stage, and the hand-over of
 * its outcome to the waiting greenlet.
 *
 * <p>Whichever comes first claims the wait, once, by a compare-and-set: the stage completing (on any
 * thread), which stores the outcome and submits this object to the hub; or the greenlet leaving the
 * wait otherwise (killed, a {@link Timeout}, the time of a timed await up), which drops its references
 * at once. So a stage that never completes keeps neither the greenlet nor its hub reachable, and a
 * completion after the greenlet left submits nothing. A completion that claimed the wait just before
 * the greenlet left is submitted anyway: its wake-up then finds the waiter no longer parked, and the
 * hub skips it (a stale run-queue entry).
 *
 * <p>While a wait is claimable it counts as outstanding work of the hub (as a {@link Hub#keepAlive()}
 * does), so that a hub with nothing else to do waits for the completion instead of failing with
 * {@link LoopExit}. The outcome is written by the completing thread before it submits and read on the
 * hub's thread after the submitted callback ran, so the submit orders the two.
 */
final class FutureAwait<T> implements BiConsumer<T, Throwable>, Runnable {
    private static final VarHandle CLAIMED;

    static {
        try {
            CLAIMED = MethodHandles.lookup().findVarHandle(FutureAwait.class, "claimed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Set once, by the completion or by the greenlet leaving: whoever set it owns what follows. */
    @SuppressWarnings("unused") // through CLAIMED
    private volatile boolean claimed;
    /** The waiting greenlet's hub and waiter; dropped once the wait is over either way. */
    private Hub hub;
    private Hub.Waiter waiter;
    private T value;
    private Throwable failure;

    private FutureAwait(Hub hub, Hub.Waiter waiter) {
        this.hub = hub;
        this.waiter = waiter;
    }

    /** The slow path of {@link Hub#await(CompletionStage)}, for a stage that {@link Futures#valueIfDone} did not answer. */
    @Suspendable
    static <T> T await(CompletionStage<T> stage) {
        CompletableFuture<T> f = Futures.asFuture(stage);
        if (f != null && f.isDone()) {
            return now(f);
        }
        FutureAwait<T> a = park(stage, f, false, 0);
        return a.result();
    }

    /** {@link Hub#await(CompletionStage, Duration)}. */
    @Suspendable
    static <T> T await(CompletionStage<T> stage, Duration timeout) throws TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        CompletableFuture<T> f = Futures.asFuture(Objects.requireNonNull(stage, "stage"));
        if (f != null && f.isDone()) {
            return now(f);
        }
        Hub hub = Hub.get();
        FutureAwait<T> a = park(stage, f, true, hub.deadlineAfter(Hub.saturatedNanos(timeout)));
        if (a == null) {
            throw new TimeoutException("the future did not complete within " + timeout);
        }
        return a.result();
    }

    /** The value of a completed future, or its exception as {@link Hub#await} throws it. */
    static <T> T now(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw Futures.rethrown(e);
        }
    }

    /**
     * Registers the callback and waits for it; returns the wait with its outcome, or null when the
     * time ran out first. Throws whatever ends the wait otherwise ({@code GreenletExit}, a {@link Timeout}).
     */
    @Suspendable
    private static <T> FutureAwait<T> park(CompletionStage<T> stage, CompletableFuture<T> f, boolean timed,
            long deadline) {
        Hub hub = Hub.get();
        FutureAwait<T> a = new FutureAwait<>(hub, new Hub.Waiter(hub, hub.home.current, "Hub.await", stage));
        Hub.Waiter w = a.waiter;
        hub.outstanding.incrementAndGet();
        try {
            if (f != null) {
                f.whenComplete(a);
            } else {
                stage.whenComplete(a);
            }
        } catch (RuntimeException | Error e) {
            a.leave();
            throw e;
        }
        boolean completed;
        try {
            completed = w.parkUntil(timed, deadline);
        } finally {
            a.leave();
        }
        return completed ? a : null;
    }

    /** On the completing thread: claims the wait, keeps the outcome and hands it to the hub. */
    @Override
    public void accept(T v, Throwable e) {
        if (!CLAIMED.compareAndSet(this, false, true)) {
            return; // the greenlet has left
        }
        value = v;
        failure = e;
        try {
            hub.submit(this);
        } catch (IllegalStateException threadEnded) {
            // the waiting greenlet's thread has ended: nobody is left to take the outcome
        }
    }

    /** On the hub's thread, submitted by {@link #accept}: wakes the greenlet unless it has left. */
    @Override
    public void run() {
        Hub h = hub;
        Hub.Waiter w = waiter;
        hub = null;
        waiter = null;
        h.outstanding.decrementAndGet();
        // a waiter that is no longer parked is skipped by the hub
        w.wake();
    }

    /** On the hub's thread, as the wait ends: when the stage has not completed, the wait is given up. */
    private void leave() {
        if (CLAIMED.compareAndSet(this, false, true)) {
            hub.outstanding.decrementAndGet();
            hub = null;
            waiter = null;
        }
    }

    private T result() {
        if (failure != null) {
            throw Futures.rethrown(failure);
        }
        return value;
    }

    /**
     * The body of a greenlet spawned by {@link Hub#submitSpawn}: runs {@code call} and completes
     * {@code future} with its outcome, in the greenlet, as it ends. An exception is the future's, so
     * the greenlet itself ends normally (nothing printed); a kill completes the future with a
     * {@code CancellationException} and goes on ending the greenlet.
     */
    @Suspendable
    static <T> Void completing(CompletableFuture<T> future, SuspendableCallable<T> call) {
        try {
            future.complete(call.call());
        } catch (GreenletExit killed) {
            CancellationException cancelled = new CancellationException("the greenlet was killed");
            cancelled.initCause(killed);
            future.completeExceptionally(cancelled);
            throw killed;
        } catch (Throwable e) {
            future.completeExceptionally(e);
        }
        return null;
    }
}
