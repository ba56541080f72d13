package dev.weft;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A greenlet started by {@link Hub#spawn}: gevent's {@code Greenlet}, with its value or exception.
 *
 * <p>It runs on the hub of the thread that spawned it. An exception escaping its body is printed once,
 * with its stack, to {@code System.err}, kept as {@link #exception()}, and does not stop the hub.
 *
 * @param <T> the type of the value
 */
public final class SpawnedGreenlet<T> {
    private final Hub hub;
    final Greenlet greenlet;
    private SuspendableCallable<T> call;
    private final List<Hub.Waiter> waiters = new ArrayList<>(1);
    private boolean ready;
    private T value;
    private Throwable exception;
    /** For {@link Hub#spawnLater}: the timer that starts it, cancelled when it is killed before then. */
    Hub.Timer startTimer;

    SpawnedGreenlet(Hub hub, SuspendableCallable<T> call) {
        this.hub = hub;
        this.call = call;
        this.greenlet = new Greenlet(this::run);
        // a body that ends goes back to the hub, which runs the next ready greenlet
        greenlet.setParent(hub.greenlet);
    }

    @Suspendable
    private void run() {
        SuspendableCallable<T> body = call;
        call = null;
        try {
            value = body.call();
        } catch (GreenletExit killed) {
            // killed: successful, with no value (gevent's value would be the GreenletExit)
        } catch (Throwable e) {
            exception = e;
            e.printStackTrace();
            System.err.println(this + " failed with " + e.getClass().getName());
            if (hub.observer != null) {
                hub.observer.failed(this, e);
            }
        }
        finish();
    }

    private void finish() {
        ready = true;
        for (Hub.Waiter w : waiters) {
            w.wake();
        }
        waiters.clear();
    }

    /** Called in the hub for a kill request: raises {@code GreenletExit} in it unless it has finished meanwhile. */
    @Suspendable
    void exit() {
        if (ready) {
            return;
        }
        greenlet.throwInto(new GreenletExit());
    }

    /** True once the body has returned, thrown, or been killed. */
    public boolean isReady() {
        return ready;
    }

    /** True once the body has returned or been killed, false while it runs or when it threw. */
    public boolean isSuccessful() {
        return ready && exception == null;
    }

    /**
     * Returns the exception that escaped the body, or null.
     *
     * @return the exception, or null while running or when the body returned
     */
    public Throwable exception() {
        if (exception != null && hub.observer != null) {
            hub.observer.observed(this);
        }
        return exception;
    }

    /** Waits until this greenlet has finished; the caller's hub runs meanwhile. */
    @Suspendable
    public void join() {
        joinUntil(false, 0);
    }

    /**
     * Waits until this greenlet has finished or {@code timeout} has passed.
     *
     * @param timeout the longest time to wait
     * @return whether it has finished
     */
    @Suspendable
    public boolean join(Duration timeout) {
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE;
        }
        return joinUntil(true, hub.deadlineAfter(nanos));
    }

    /**
     * Waits until this greenlet has finished and returns its value, or throws its exception (a checked
     * one wrapped in {@link CoroutineException}).
     *
     * @return the body's result; null for a runnable body or a killed greenlet
     */
    @Suspendable
    public T get() {
        join();
        if (exception != null) {
            if (hub.observer != null) {
                hub.observer.observed(this);
            }
            throw Greenlet.unchecked(exception);
        }
        return value;
    }

    /**
     * Raises {@link GreenletExit} in this greenlet at its suspension point (its {@code finally} blocks
     * run) and waits until it has finished; an unstarted one ends without running. Does nothing when
     * it has finished already.
     */
    @Suspendable
    public void kill() {
        if (Greenlet.current() == greenlet && !ready) {
            throw new GreenletExit();
        }
        if (requestKill()) {
            join();
        }
    }

    /**
     * Ends an unstarted greenlet at once, or queues a kill request for a started one (not the current
     * greenlet); returns whether a request was queued, which the caller then waits for.
     */
    boolean requestKill() {
        if (ready) {
            return false;
        }
        if (!greenlet.isStarted()) {
            // ends it unrun, at once; its run-queue entry then switches to the hub, which does nothing
            call = null;
            if (startTimer != null) {
                startTimer.cancel();
            }
            greenlet.kill();
            finish();
            return false;
        }
        hub.kill(this);
        return true;
    }

    @Suspendable
    boolean joinUntil(boolean timed, long deadline) {
        if (ready) {
            return true;
        }
        if (Trampoline.get() != hub.home) {
            throw new IllegalStateException("cannot join a greenlet of thread \"" + hub.home.thread.getName()
                    + "\" from thread \"" + Thread.currentThread().getName() + "\"; a hub serves only its own thread");
        }
        if (Greenlet.current() == greenlet) {
            throw new IllegalStateException("a greenlet cannot join itself: it would wait forever");
        }
        Hub.Waiter w = new Hub.Waiter(hub, hub.waiter("SpawnedGreenlet.join"));
        waiters.add(w);
        Hub.Timer timer = timed ? hub.schedule(deadline, w) : null;
        try {
            hub.greenlet.switchTo();
        } finally {
            waiters.remove(w);
            if (timer != null) {
                timer.cancel();
            }
        }
        return ready;
    }

    @Override
    public String toString() {
        String state = ready ? (exception == null ? "done" : "failed") : greenlet.isStarted() ? "started" : "scheduled";
        return "SpawnedGreenlet@" + Integer.toHexString(hashCode()) + "[" + state + "]";
    }
}
