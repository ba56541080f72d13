package dev.weft;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A greenlet started by {@link Hub#spawn}: gevent's {@code Greenlet}, with its value or exception. As
 * gevent's is a greenlet, it is a {@link Greenlet}: {@code Greenlet.current()} in its body returns it,
 * and one object serves both (a server keeps many of them).
 *
 * <p>It runs on the hub of the thread that spawned it. An exception escaping its body is printed once,
 * with its stack, to {@code System.err}, kept as {@link #exception()}, and does not stop the hub.
 *
 * <p>Callbacks linked with {@link #onComplete}, {@link #onSuccess} and {@link #onFailure} (gevent's
 * {@code link}, {@code link_value} and {@code link_exception}) run after it has finished, in the hub's
 * own greenlet. Callbacks and joiners are notified in the order they were linked: a greenlet that joins
 * after linking a callback resumes once the callback has run.
 *
 * <pre>{@code
 * SpawnedGreenlet<Integer> g = Hub.spawn(() -> compute());
 * g.onSuccess(v -> results.add(v)).onFailure(e -> errors.add(e));
 * }</pre>
 *
 * @param <T> the type of the value
 */
public final class SpawnedGreenlet<T> extends Greenlet implements Waitable {
    /** The {@link #outcome} of a greenlet that has not finished. */
    private static final Object UNFINISHED = new Object();

    /**
     * The number in its name, which is built only when asked for (spawning stays cheap); counted
     * modulo 2^32 (an int, not a long: the greenlet's fields then fit in 56 bytes).
     */
    private final int number;
    /**
     * In one list (a server keeps many greenlets, most never joined one by one): raw links
     * ({@link #rawLink}: joiners' waiters and {@code Hub.wait}'s), woken as it finishes, and the
     * {@link Link}s of callbacks, run in the hub once it has finished; null until the first.
     */
    private List<Runnable> links;
    /**
     * {@link #UNFINISHED} until it has finished; then the body's value (null for a runnable or a killed
     * greenlet; set by {@code Greenlet.resume} as a callable body returns), or a {@link Failure} with the
     * exception that escaped the body: one field for the state, the value and the exception.
     */
    Object outcome = UNFINISHED;
    /** Its neighbours in the hub's list of unfinished greenlets, for {@link Hub#dump()}. */
    SpawnedGreenlet<?> previousLive;
    SpawnedGreenlet<?> nextLive;

    SpawnedGreenlet(Hub hub, SuspendableCallable<T> call) {
        this(hub, call, null);
    }

    /**
     * A greenlet running {@code runBody} when it is not null, otherwise computing {@code call}. Either
     * is the task's own body, with nothing around it (no object more, no frame more at every switch;
     * a callable's value is kept as its task ends); the trampoline finishes the greenlet when its task
     * ends ({@link #ended}).
     */
    SpawnedGreenlet(Hub hub, SuspendableCallable<T> call, SuspendableRunnable runBody) {
        // a body that ends goes back to the hub, which runs the next ready greenlet
        super(hub.home, hub.greenlet, runBody, call);
        this.number = (int) ++hub.spawned;
        hub.born(this);
    }

    /**
     * Called by the trampoline when the task has ended: normally ({@code died} null), killed (a
     * {@link GreenletExit}: successful, with no value, as gevent's would be the exit) or with an
     * exception that its code did not catch, which is printed once and kept. A suspension lost in a
     * method that is not woven ends it here too, failed with the error that says so.
     */
    void ended(Throwable died) {
        if (died != null && !(died instanceof GreenletExit)) {
            try {
                died.printStackTrace();
                System.err.println(this + " failed with " + died.getClass().getName());
            } catch (Throwable unprintable) {
                // out of memory, printing may fail too: the greenlet must still finish, and its links run
            }
            outcome = new Failure(died);
            if (hub().observer != null) {
                hub().observer.failed(this, died);
            }
        }
        finish();
    }

    private void finish() {
        if (outcome == UNFINISHED) {
            outcome = null; // a runnable's, or a killed greenlet's: finished with no value
        }
        hub().died(this);
        List<Runnable> all = links;
        if (all == null) {
            return;
        }
        boolean callbacks = false;
        for (Runnable r : all) {
            callbacks |= r instanceof Link;
        }
        if (!callbacks) {
            // the usual case, joiners' waiters only: wake them, nothing more to keep
            links = null;
            for (Runnable w : all) {
                notifyLink(w);
            }
            return;
        }
        // everything in the order it was linked: a callback goes on the run queue, in turn with the waiters
        // woken, so that a joiner linked after a callback resumes once the callback has run
        Runnable[] inOrder = all.toArray(new Runnable[0]);
        // the callbacks stay listed until they run, so that unlink can still remove them
        all.clear();
        for (Runnable r : inOrder) {
            if (r instanceof Link) {
                all.add(r);
            }
        }
        for (Runnable r : inOrder) {
            if (r instanceof Link) {
                hub().callSoon(r);
            } else {
                notifyLink(r);
            }
        }
    }

    /**
     * Wakes a joiner's waiter, or calls a raw link, as this greenlet finishes: inside the trampoline, on the
     * Java stack of the plain code running the hub, or in the greenlet that killed this one unstarted. What
     * a raw link throws is reported by the hub and goes no further.
     */
    private void notifyLink(Runnable r) {
        try {
            r.run();
        } catch (Throwable e) {
            hub().linkFailed(this, r, e);
        }
    }

    /**
     * Links {@code callback} to this greenlet (gevent's {@code link}): once it has finished, however it
     * finished, the hub calls {@code callback} with it. Callbacks run in the hub's own greenlet, not in
     * the finishing one, in the order they were linked, each once; a callback linked to a greenlet that
     * has finished already runs when the hub next runs. Callbacks and joiners take turns in the order
     * they were linked: after {@code g.onComplete(c); g.join();} the callback has run when {@code join}
     * returns, and a joiner that joined before {@code c} was linked runs before it. A callback must not wait
     * (a wait in the hub's greenlet throws {@code IllegalStateException}; spawn a greenlet for work that
     * waits). An exception from a callback is reported by the hub, printed once with a line naming this
     * greenlet, and stops neither the other callbacks, the joiners nor the hub.
     *
     * @param callback the callback, called with this greenlet
     * @return this greenlet, to link more
     */
    public SpawnedGreenlet<T> onComplete(Consumer<? super SpawnedGreenlet<T>> callback) {
        return link(Objects.requireNonNull(callback, "callback"), Link.COMPLETE);
    }

    /**
     * Links {@code callback} to this greenlet's success (gevent's {@code link_value}): when the body
     * returns, or the greenlet is killed, the hub calls it with the value (null for a runnable body or
     * a killed greenlet); when the body throws, it is not called. Runs like {@link #onComplete}.
     *
     * @param callback the callback, called with the value
     * @return this greenlet, to link more
     */
    public SpawnedGreenlet<T> onSuccess(Consumer<? super T> callback) {
        return link(Objects.requireNonNull(callback, "callback"), Link.SUCCESS);
    }

    /**
     * Links {@code callback} to this greenlet's failure (gevent's {@code link_exception}): when an
     * exception escapes the body, the hub calls it with that exception; otherwise it is not called.
     * Runs like {@link #onComplete}.
     *
     * @param callback the callback, called with the exception
     * @return this greenlet, to link more
     */
    public SpawnedGreenlet<T> onFailure(Consumer<? super Throwable> callback) {
        return link(Objects.requireNonNull(callback, "callback"), Link.FAILURE);
    }

    /**
     * Removes the first link of {@code callback} (the same object given to {@link #onComplete},
     * {@link #onSuccess} or {@link #onFailure}) that has not run yet (gevent's {@code unlink}).
     *
     * @param callback the callback to remove
     * @return true when a link was removed, false when none was pending
     */
    public boolean unlink(Consumer<?> callback) {
        if (links == null) {
            return false;
        }
        for (int i = 0; i < links.size(); i++) {
            Runnable r = links.get(i);
            if (r instanceof Link && ((Link) r).callback == callback) {
                Link l = (Link) r;
                l.done = true;
                links.remove(i);
                return true;
            }
        }
        return false;
    }

    private SpawnedGreenlet<T> link(Consumer<?> callback, int kind) {
        Link l = new Link(this, callback, kind);
        // kept until it runs, so that unlink can still remove it
        links().add(l);
        if (isReady()) {
            hub().callSoon(l);
        }
        return this;
    }

    /** A linked callback and which outcomes it wants. */
    private static final class Link implements Runnable {
        static final int COMPLETE = 0;
        static final int SUCCESS = 1;
        static final int FAILURE = 2;
        final SpawnedGreenlet<?> greenlet;
        final Consumer<?> callback;
        final int kind;
        boolean done;

        Link(SpawnedGreenlet<?> greenlet, Consumer<?> callback, int kind) {
            this.greenlet = greenlet;
            this.callback = callback;
            this.kind = kind;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void run() {
            if (done) {
                return;
            }
            done = true;
            SpawnedGreenlet<?> g = greenlet;
            g.links.remove(this);
            try {
                if (kind == COMPLETE) {
                    ((Consumer<Object>) callback).accept(g);
                } else if (kind == SUCCESS && !g.failed()) {
                    ((Consumer<Object>) callback).accept(g.outcome);
                } else if (kind == FAILURE && g.failed()) {
                    if (g.hub().observer != null) {
                        g.hub().observer.observed(g); // a failure callback handles it
                    }
                    ((Consumer<Object>) callback).accept(((Failure) g.outcome).exception);
                }
            } catch (Throwable e) {
                g.hub().linkFailed(g, callback, e);
            }
        }
    }

    /**
     * Returns a {@code CompletableFuture} of this greenlet's outcome, for plain Java code on any thread
     * to wait on or compose with: completed with the value (null for a runnable body or a killed
     * greenlet) or exceptionally with the exception that escaped the body. It is completed in the hub's
     * own greenlet once the greenlet has finished (as an {@link #onComplete} link), or at once when it
     * has finished already; so actions that other threads chain to it without an executor may run on the
     * hub's thread, and must not block there.
     *
     * <p>Each call returns a new future. Cancelling it completes that future only: the greenlet runs on
     * (to stop it, kill it on its hub, for example from another thread
     * {@code hub().submit(() -> Hub.spawn(greenlet::kill))}). Call this on the greenlet's own thread; the
     * future may then go anywhere. A greenlet that failed counts as observed (as by {@link #exception()}).
     *
     * @return a future of this greenlet's value
     * @throws IllegalStateException when called on another thread than the greenlet's hub's
     */
    public CompletableFuture<T> toFuture() {
        if (Trampoline.get() != hub().home) {
            throw new IllegalStateException("toFuture of a greenlet of thread \"" + hub().home.thread.getName()
                    + "\" was called on thread \"" + Thread.currentThread().getName()
                    + "\"; call it on the greenlet's thread and hand the future over");
        }
        CompletableFuture<T> future = new CompletableFuture<>();
        if (isReady()) {
            completeNow(future);
        } else {
            link(g -> completeNow(future), Link.COMPLETE);
        }
        return future;
    }

    private void completeNow(CompletableFuture<? super T> future) {
        Throwable e = exception();
        if (e != null) {
            future.completeExceptionally(e);
        } else {
            future.complete(value());
        }
    }

    /** Called in the hub for a kill request: raises {@code GreenletExit} in it unless it has finished meanwhile. */
    @Suspendable
    void exit() {
        if (isReady()) {
            return;
        }
        throwInto(new GreenletExit());
    }

    /**
     * Returns this greenlet's name, {@code greenlet-N} for the N-th greenlet spawned on its hub, as the
     * hub's messages and {@link Hub#dump()} name it.
     *
     * @return the name
     */
    public String name() {
        return "greenlet-" + Integer.toUnsignedString(number);
    }

    /** True once the body has returned, thrown, or been killed. */
    @Override
    public boolean isReady() {
        return outcome != UNFINISHED;
    }

    /** {@return true when it has finished with an exception escaping its body} */
    private boolean failed() {
        return outcome instanceof Failure;
    }

    /** The outcome of a greenlet whose body threw: the exception. */
    private static final class Failure {
        final Throwable exception;

        Failure(Throwable exception) {
            this.exception = exception;
        }
    }

    /**
     * Calls {@code callback} once, as this greenlet finishes (at once when it has finished already), in
     * turn with the other links; for {@link Hub#wait} and {@link Hub#iwait}. Prefer {@link #onComplete},
     * whose callbacks run in the hub. An exception from it is reported by the hub, printed once with a line
     * naming this greenlet, and goes no further: not into whatever code finished or killed the greenlet.
     *
     * @param callback called once; must not wait
     */
    @Override
    public void rawLink(Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        if (isReady()) {
            notifyLink(callback);
        } else {
            links().add(callback);
        }
    }

    private List<Runnable> links() {
        List<Runnable> l = links;
        if (l == null) {
            l = new ArrayList<>(2);
            links = l;
        }
        return l;
    }

    /**
     * Removes a callback added with {@link #rawLink} that has not run.
     *
     * @param callback the callback
     */
    @Override
    public void rawUnlink(Runnable callback) {
        if (links != null) {
            links.remove(callback);
        }
    }

    /** {@return true once the body has returned or been killed, false while it runs or when it threw} */
    public boolean isSuccessful() {
        return isReady() && !failed();
    }

    /**
     * Returns the exception that escaped the body, or null.
     *
     * @return the exception, or null while running or when the body returned
     */
    public Throwable exception() {
        if (!failed()) {
            return null;
        }
        Hub hub = hub();
        if (hub.observer != null) {
            hub.observer.observed(this);
        }
        return ((Failure) outcome).exception;
    }

    /** The hub it runs on: its greenlet's. */
    private Hub hub() {
        return home.hub;
    }

    @SuppressWarnings("unchecked")
    private T value() {
        return failed() ? null : (T) outcome;
    }

    /**
     * Waits until this greenlet has finished; the caller's hub runs meanwhile. Callbacks linked before the
     * join have run when it returns.
     */
    @Suspendable
    public void join() {
        joinUntil("SpawnedGreenlet.join", false, 0);
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
        return joinUntil("SpawnedGreenlet.join", true, hub().deadlineAfter(nanos));
    }

    /**
     * Waits until this greenlet has finished and returns its value, or throws its exception (a checked
     * one wrapped in {@link CoroutineException}).
     *
     * @return the body's result; null for a runnable body or a killed greenlet
     */
    @Suspendable
    public T get() {
        joinUntil("SpawnedGreenlet.get", false, 0);
        if (failed()) {
            throw Greenlet.unchecked(exception());
        }
        return value();
    }

    /**
     * Raises {@link GreenletExit} in this greenlet at its suspension point (its {@code finally} blocks
     * run) and waits until it has finished; an unstarted one ends without running. Does nothing when
     * it has finished already.
     */
    @Suspendable
    public void kill() {
        if (Greenlet.current() == this && !isReady()) {
            throw new GreenletExit();
        }
        if (requestKill()) {
            joinUntil("SpawnedGreenlet.kill", false, 0);
        }
    }

    /**
     * Ends an unstarted greenlet at once, or queues a kill request for a started one (not the current
     * greenlet); returns whether a request was queued, which the caller then waits for.
     */
    boolean requestKill() {
        if (isReady()) {
            return false;
        }
        if (!isStarted()) {
            // ends it unrun, at once; its run-queue entry then switches to the hub, which does nothing (and
            // a spawnLater timer, which would start it, is dropped: see Timer.Action)
            killUnstarted();
            finish();
            return false;
        }
        hub().kill(this);
        return true;
    }

    @Suspendable
    boolean joinUntil(String what, boolean timed, long deadline) {
        if (isReady()) {
            if (links != null && !links.isEmpty()) {
                // callbacks linked before this join have not all run: their entries are on the run queue, and
                // the join returns after them (only callbacks stay listed once it has finished)
                awaitCallbacks(what);
            }
            return true;
        }
        if (Trampoline.get() != hub().home) {
            throw new IllegalStateException("cannot join a greenlet of thread \"" + hub().home.thread.getName()
                    + "\" from thread \"" + Thread.currentThread().getName() + "\"; a hub serves only its own thread");
        }
        if (Greenlet.current() == this) {
            throw new IllegalStateException("a greenlet cannot join itself: it would wait forever");
        }
        // in the hub's own greenlet, only a join whose time is up answers (see Waiter.parkUntil)
        Hub.Waiter w = new Hub.Waiter(hub().home.current, what, this);
        links().add(w);
        try {
            w.parkUntil(timed, deadline);
        } finally {
            if (links != null) {
                links.remove(w);
            }
        }
        return isReady();
    }

    /**
     * Waits until the callbacks linked to this finished greenlet so far have run: a join that comes after
     * them returns after them. Returns at once where the current code cannot wait (the hub's own greenlet).
     */
    @Suspendable
    private void awaitCallbacks(String what) {
        Hub.Waiter w = Hub.Waiter.ownForTurn(what, this);
        if (w != null) {
            w.park(null);
        }
    }

    @Override
    public String toString() {
        String state = isReady() ? (failed() ? "failed" : "done") : isStarted() ? "started" : "scheduled";
        return name() + "[" + state + "]";
    }
}
