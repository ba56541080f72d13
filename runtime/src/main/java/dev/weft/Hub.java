package dev.weft;

import dev.weft.internal.Futures;
import dev.weft.internal.HubHooks;
import dev.weft.internal.Stack;
import dev.weft.internal.Task;
import dev.weft.internal.VirtualClock;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectableChannel;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/*
 * Long because the hub's public API (spawn, sleep, joins, waits, timeouts) and its machinery (the loop,
 * the run-queue ring, timers, the registries of live and parked greenlets, cross-thread submission) are
 * still one class, so that the hot paths reach the hub's fields directly; splitting them into files of
 * their own, with the hand-off measured before and after, is the next change to this class.
 */

/**
 * gevent's scheduler for one thread: spawned greenlets, sleeps and joins, run by the thread's hub.
 *
 * <p>Each thread gets its own hub on first use. The hub is a greenlet of that thread (as in gevent)
 * whose body is the loop: it fires due timers, then switches once to each greenlet that was ready at
 * the start of the pass, in FIFO order; with nothing ready it parks the thread until the next timer.
 * A greenlet that waits (sleep, join) switches to the hub; whatever ends the wait puts the greenlet
 * back on the run queue. Plain code (the thread's root greenlet) waits the same way, so calling
 * {@link #joinAll} from {@code main} runs the hub until the greenlets are done. A wait that nothing
 * could ever end throws {@link LoopExit}, naming who waits for what; {@link #dump()} shows every
 * greenlet with its state and stack.
 *
 * <pre>{@code
 * SpawnedGreenlet<?> foo = Hub.spawn(() -> { print("foo"); Hub.sleep(20); print("foo again"); });
 * SpawnedGreenlet<?> bar = Hub.spawn(() -> { print("bar"); Hub.sleep(10); print("bar again"); });
 * Hub.joinAll(foo, bar); // foo, bar, bar again, foo again
 * }</pre>
 *
 * <p>A hub is not thread-safe: a hub, its greenlets and the objects they share are used from the
 * hub's own thread only. Other threads hand work to it with {@link #submit}, the one thread-safe
 * method, and {@link #blocking} runs work on other threads for a greenlet.
 *
 * <p>The hub owns a NIO {@link java.nio.channels.Selector}, opened the first time a greenlet waits for
 * a channel (see {@link Waiter#parkUntilReady}). Until then it waits by parking its thread; from then
 * on it waits in the selector, which a submit wakes.
 */
public final class Hub {
    private static final ThreadLocal<Hub> LOCAL = ThreadLocal.withInitial(Hub::new);

    final Trampoline home = Trampoline.get();
    /** The hub's own greenlet, whose body is {@link #loop}; its parent is the root greenlet. */
    final Greenlet greenlet;
    /**
     * What the loop does next, in order: a {@link Waiter} whose greenlet to switch to (unless its wait
     * has ended otherwise since), a {@link Greenlet} to start, a {@link Kill} that raises
     * {@code GreenletExit} in its greenlet, or a {@link Runnable} callback run in the hub.
     */
    private Object[] ready = new Object[16];
    /** Where the run queue starts in {@link #ready}, a ring whose length is a power of two. */
    private int readyHead;
    /** How many entries the run queue holds. */
    private int readyCount;
    /**
     * How many entries at the head of {@link #ready} the current pass has still to take: those that
     * were ready when it started. The loop takes them, and so does {@link #next} when a greenlet hands
     * control straight to the next one.
     */
    private int passLeft;
    final TimerQueue timers = new TimerQueue();
    /**
     * The sequence of the next timer scheduled, and the stamp of the next wait with no time limit (see
     * {@link #nextStamp}): one count for both, so that waits are ordered by it whichever they are. Never
     * 0, which marks a {@link Timer} not scheduled yet.
     */
    private int timerSequence = 1;
    /** Callbacks from {@link #submit}, newest first: a lock-free stack that the loop takes whole and reverses. */
    private volatile Callback submitted;
    private static final java.lang.invoke.VarHandle SUBMITTED;

    static {
        try {
            // a field of the hub's own rather than an AtomicReference: one object less to read at every
            // hand-off that starts a pass (see startPass)
            SUBMITTED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Hub.class, "submitted", Callback.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Work on other threads that will end with a submit: open {@link KeepAlive}s and {@link #blocking} calls. */
    final AtomicInteger outstanding = new AtomicInteger();
    /** True while the loop is about to wait or waiting; the first submit then wakes it. */
    private final AtomicBoolean waiting = new AtomicBoolean();
    /** The thread was interrupted while the loop waited: the interrupt goes back to plain code. */
    private boolean interrupted;
    /** The selector and the greenlets waiting for channels; created when the first greenlet waits for one. */
    private volatile Poller poller;
    /** True once the hub's greenlet runs its loop: a greenlet may then start a pass itself (see {@link #startPass}). */
    private boolean looping;
    /**
     * True while the hub's own greenlet runs a callback (a submitted one, a link): plain code, which
     * cannot switch (see {@link Trampoline#transfer}).
     */
    boolean inCallback;
    /** True while the loop waits for work: the monitor then knows nothing is running. */
    volatile boolean idle;
    /**
     * What killed this hub's loop, set by its {@link HubGroup} as the thread ends: the futures of
     * greenlets then killed before they start complete with it rather than a bare cancellation.
     */
    Throwable died;
    /** Set by the JUnit extension on the threads it starts: told of spawns and failures; null elsewhere. */
    final HubHooks.Observer observer = HubHooks.bound();
    /** The virtual clock under {@code @WeftTest(virtualTime = true)}; null for real time. */
    private final VirtualClock clock = observer == null ? null : observer.clock();
    /** How many greenlets were spawned on this hub: the number in their names. */
    long spawned;
    /**
     * The waiters whose greenlets wait now, in the order they started waiting, for the hub's reports,
     * except the own waiters of plain code and of spawned greenlets, which it finds through them (see
     * {@link #parkedWaiters}).
     */
    dev.weft.Waiter firstParked;
    private dev.weft.Waiter lastParked;
    /** The spawned greenlets that have not finished, in spawn order: for {@link #dump()}. */
    SpawnedGreenlet<?> firstLive;
    private SpawnedGreenlet<?> lastLive;

    /**
     * How long the loop spins for a callback from another thread before it parks, when work is
     * outstanding there ({@code -Dweft.hub.spinMicros}, 20 by default; 0 parks at once, the default
     * on a single processor, where the spin would only delay the thread that is to submit).
     */
    private final long spinNanos = spinNanos(System.getProperty("weft.hub.spinMicros",
            Runtime.getRuntime().availableProcessors() > 1 ? "20" : "0"));

    private Hub() {
        greenlet = new Greenlet(this::loop);
        greenlet.setParent(home.root);
        home.hub = this;
        Monitor.watch(this);
    }

    /** Returns the current thread's hub, creating it on first use. */
    static Hub get() {
        // in a greenlet (every wait of dev.weft.sync), its trampoline knows the hub: no thread-local lookup
        Object running = Stack.current().owner();
        if (running instanceof Greenlet) {
            Hub hub = ((Greenlet) running).home.hub;
            if (hub != null) {
                return hub;
            }
        }
        return LOCAL.get();
    }

    /**
     * Returns the current thread's hub, creating it on first use: the object other threads need to
     * {@link #submit} work to it.
     *
     * @return this thread's hub
     */
    public static Hub current() {
        return LOCAL.get();
    }

    /**
     * Returns the time this hub's timers run on, in nanoseconds: {@code System.nanoTime()}, or under
     * virtual time ({@code @WeftTest(virtualTime = true)}) a clock that moves only when the hub skips
     * ahead to its next timer. Only differences between readings mean anything.
     *
     * @return the hub's time now
     */
    public long nanoTime() {
        return clock == null ? System.nanoTime() : clock.nanoTime();
    }

    /**
     * Runs {@code callback} in this hub's own greenlet, on the hub's thread, on the loop's next pass;
     * callable from any thread (the only method of a hub that is).
     *
     * <p>Callbacks run in the order they were submitted, before the greenlets ready on that pass, and
     * wake the hub if it is waiting. A callback must not wait (it runs in the hub itself, which must
     * never wait), but it may do anything else on the hub's thread: spawn, set an {@code Event} or an
     * {@code AsyncResult}, put on a {@code Queue}. A callback that throws is printed once, with its
     * stack, to {@code System.err}; the hub goes on.
     *
     * <p>A callback runs only while the hub runs, that is while something on its thread waits. When
     * another thread will submit the work that ends such a wait, hold a {@link #keepAlive()} until it
     * has: a hub with nothing ready, no timers, no I/O and nothing outstanding ends the wait with an
     * error. Once the hub's thread has ended, {@code submit} throws; a callback submitted just before
     * the thread ended is never run. A hub of a {@link HubGroup} ends its submissions as its thread
     * ends: every callback it accepted runs (once the group's close has killed its greenlets, so that a
     * greenlet such a late callback spawns is killed before it starts), and a later {@code submit}
     * throws.
     *
     * @param callback the work to run on the hub's thread
     * @throws IllegalStateException when the hub's thread has ended, or its submissions have
     */
    public void submit(Runnable callback) {
        Callback c = new Callback(Objects.requireNonNull(callback, "callback"));
        if (!home.thread.isAlive() || !push(c)) {
            throw new IllegalStateException("cannot submit to the hub of thread \"" + home.thread.getName()
                    + (home.thread.isAlive() ? "\": the hub has ended (its HubGroup closed)" : "\": the thread has ended")
                    + ", so the callback would never run");
        }
    }

    /**
     * Pushes a callback onto the submitted ones and wakes the loop, from any thread; false, pushing
     * nothing, once the hub has ended its submissions ({@link #endSubmissions}).
     */
    private boolean push(Callback c) {
        Callback head;
        do {
            head = submitted;
            if (head == ENDED) {
                return false;
            }
            c.next = head;
        } while (!SUBMITTED.compareAndSet(this, head, c));
        wake();
        return true;
    }

    /**
     * Ends the hub's submissions, on its thread, as a {@link HubGroup}'s thread ends: a submit from now
     * on is refused, and the callbacks submitted before run now, oldest first, in the plain code of
     * the hub's thread (the caller). Every callback is thus either refused at once (its submitter
     * knows) or run; the end marker is the head of the submitted stack itself, so no submit slips in
     * between the last look and the end. Returns whether any callback ran; calling it again runs nothing.
     */
    boolean endSubmissions() {
        Callback c = (Callback) SUBMITTED.getAndSet(this, ENDED);
        if (c == ENDED || c == null) {
            return false;
        }
        runAll(c);
        return true;
    }

    /** True when a callback waits in the submitted stack (not the end marker). */
    private boolean hasSubmitted() {
        Callback s = submitted;
        return s != null && s != ENDED;
    }

    /**
     * Makes the loop look again, from any thread, by submitting a callback that does nothing (never
     * refused, even after the thread ended). A {@link #wake()} alone is enough only for what the loop
     * reads again after it says it waits (the submitted callbacks): a keep-alive closed between the
     * loop's last look at the outstanding work and its wait would be lost, and the hub would wait for
     * ever instead of raising {@link LoopExit}.
     */
    void nudge() {
        push(new Callback(NOTHING)); // refused once submissions have ended: nothing more runs then
    }

    private static final Runnable NOTHING = () -> { };
    /** The head of the submitted stack once the hub has ended its submissions (see {@link #endSubmissions}). */
    private static final Callback ENDED = new Callback(NOTHING);

    /**
     * Tells the hub that another thread will {@link #submit} work to it: until the returned keep-alive
     * is closed, a wait on this hub's thread that nothing else could end waits for that work instead of
     * failing. Callable from any thread.
     *
     * @return an open keep-alive, to be closed (from any thread) once the work has been submitted
     */
    public KeepAlive keepAlive() {
        outstanding.incrementAndGet();
        return new KeepAlive(this);
    }

    /** Wakes the loop if it waits; called after anything that may end its wait, from any thread. */
    void wake() {
        if (waiting.get() && waiting.compareAndSet(true, false)) {
            Poller p = poller;
            if (p != null) {
                p.wakeup();
            } else {
                LockSupport.unpark(home.thread);
            }
        }
    }

    /** The hub's poller, created on first use; on the hub's thread only. */
    Poller poller() {
        Poller p = poller;
        if (p == null) {
            p = new Poller(this);
            poller = p;
        }
        return p;
    }

    /**
     * Closes the hub's selector, if it has opened one, so that its file descriptors do not wait for the
     * hub to become unreachable; for {@link HubGroup}, on the hub's thread as that thread ends. A
     * later wait for a channel would open a new one.
     */
    void closeSelector() {
        Poller p = poller;
        if (p != null) {
            poller = null;
            p.close();
        }
    }

    /**
     * Creates a greenlet running {@code run} and schedules it: it starts when the hub next runs, after
     * the greenlets already ready.
     *
     * @param run the body
     * @return the spawned greenlet, whose value is null
     */
    public static SpawnedGreenlet<Void> spawn(SuspendableRunnable run) {
        Hub hub = get();
        // the body runs as it is, with no callable around it: one object less here, one frame less at every switch
        SpawnedGreenlet<Void> spawned = new SpawnedGreenlet<>(hub, null, Objects.requireNonNull(run, "run"));
        return hub.scheduled(spawned);
    }

    /**
     * Creates a greenlet computing {@code call} and schedules it: it starts when the hub next runs,
     * after the greenlets already ready.
     *
     * @param call the body; its result is the greenlet's value
     * @param <T> the type of the value
     * @return the spawned greenlet
     */
    public static <T> SpawnedGreenlet<T> spawn(SuspendableCallable<T> call) {
        Hub hub = get();
        return hub.scheduled(new SpawnedGreenlet<>(hub, Objects.requireNonNull(call, "call")));
    }

    /** Puts a new greenlet on the run queue and tells the observer. */
    private <T> SpawnedGreenlet<T> scheduled(SpawnedGreenlet<T> spawned) {
        readyAdd(spawned);
        if (observer != null) {
            observer.spawned(spawned);
        }
        return spawned;
    }

    /**
     * Creates a greenlet running {@code run} and starts it once {@code delay} has passed (gevent's
     * {@code spawn_later}).
     *
     * @param delay the time until it starts, not negative
     * @param run the body
     * @return the spawned greenlet, whose value is null
     * @throws IllegalArgumentException when {@code delay} is negative
     */
    public static SpawnedGreenlet<Void> spawnLater(Duration delay, SuspendableRunnable run) {
        Objects.requireNonNull(run, "run");
        return spawnLater(delay, () -> {
            run.run();
            return null;
        });
    }

    /**
     * Creates a greenlet computing {@code call} and starts it once {@code delay} has passed (gevent's
     * {@code spawn_later}).
     *
     * @param delay the time until it starts, not negative
     * @param call the body; its result is the greenlet's value
     * @param <T> the type of the value
     * @return the spawned greenlet
     * @throws IllegalArgumentException when {@code delay} is negative
     */
    public static <T> SpawnedGreenlet<T> spawnLater(Duration delay, SuspendableCallable<T> call) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("spawnLater delay must not be negative, but was " + delay);
        }
        Hub hub = get();
        SpawnedGreenlet<T> spawned = new SpawnedGreenlet<>(hub, Objects.requireNonNull(call, "call"));
        // killed before then, it is dead, and the timer is dropped (see Timer.Action)
        hub.schedule(hub.deadlineAfter(saturatedNanos(delay)), spawned);
        if (hub.observer != null) {
            hub.observer.spawned(spawned);
        }
        return spawned;
    }

    /**
     * Kills every one of {@code greenlets} (see {@link SpawnedGreenlet#kill()}) and waits until they
     * have all finished; the kills are delivered in the given order. When the current greenlet is
     * among them it is killed last, after the others have finished. A greenlet that catches its
     * {@code GreenletExit} and goes on keeps this waiting: to stop waiting at a time limit, use
     * {@link #killAll(Duration, SpawnedGreenlet...)}.
     *
     * @param greenlets the greenlets to kill, of this thread's hub
     */
    @Suspendable
    public static void killAll(SpawnedGreenlet<?>... greenlets) {
        killAll(greenlets, false, 0);
    }

    /**
     * Kills every one of {@code greenlets} as {@link #killAll(SpawnedGreenlet...)} does, but waits at
     * most {@code timeout} for them to finish, and returns those that had not finished when the time
     * ran out: greenlets that caught their {@code GreenletExit} and went on, or whose {@code finally}
     * blocks are still waiting. They are left running.
     *
     * <p>The kills are always delivered before it returns: each greenlet has had its
     * {@code GreenletExit} raised and has run until it finished or waited again, so
     * {@code killAll(Duration.ZERO, gs...)} returns after one pass of the hub, and a greenlet that ends
     * when killed (the usual case) is never listed. When the current greenlet is among them it is
     * killed last, once the others have finished or the time is up, and this does not return.
     *
     * @param timeout the longest time to wait for the greenlets to finish, counted from this call
     * @param greenlets the greenlets to kill, of this thread's hub
     * @return the greenlets that had not finished, in the given order; empty when all have
     */
    @Suspendable
    public static List<SpawnedGreenlet<?>> killAll(Duration timeout, SpawnedGreenlet<?>... greenlets) {
        Objects.requireNonNull(timeout, "timeout");
        return killAll(greenlets, true, get().deadlineAfter(saturatedNanos(timeout)));
    }

    /**
     * Both {@code killAll}s: kills the greenlets in order, the current one last, waiting for them until
     * {@code deadline} when {@code timed}; returns those that had not finished.
     */
    @Suspendable
    private static List<SpawnedGreenlet<?>> killAll(SpawnedGreenlet<?>[] greenlets, boolean timed, long deadline) {
        SpawnedGreenlet<?> self = null;
        for (SpawnedGreenlet<?> g : greenlets) {
            if (g == Greenlet.current()) {
                self = g;
            } else {
                g.requestKill();
            }
        }
        // a kill is a run-queue entry queued before the joiner's timer can fire, so even a deadline that
        // has passed lets every kill be delivered first
        for (SpawnedGreenlet<?> g : greenlets) {
            if (g != self && !g.joinUntil("Hub.killAll", timed, deadline)) {
                break;
            }
        }
        List<SpawnedGreenlet<?>> left = new ArrayList<>();
        for (SpawnedGreenlet<?> g : greenlets) {
            if (g != self && !g.isReady()) {
                left.add(g);
            }
        }
        if (self != null) {
            self.kill();
        }
        return left;
    }

    /**
     * Suspends the current greenlet (or plain code, running the hub meanwhile) for {@code millis}
     * milliseconds; {@code sleep(0)} lets every other ready greenlet run once first.
     *
     * @param millis the time to sleep, at least 0
     * @throws IllegalArgumentException when {@code millis} is negative
     */
    @Suspendable
    public static void sleep(long millis) {
        // a suspension primitive itself, not woven (it calls nothing that suspends): see sleepNanos
        Stack s = Stack.current();
        if (s.mode == Stack.RESUMING) {
            endSleep(s, SLEEP_ID);
            return;
        }
        if (millis < 0) {
            throw new IllegalArgumentException("sleep time must be at least 0 ms, but was " + millis + " ms");
        }
        sleepNanos(s, millis > Long.MAX_VALUE / 1_000_000L ? Long.MAX_VALUE : millis * 1_000_000L, SLEEP_ID);
    }

    /**
     * Suspends the current greenlet (or plain code, running the hub meanwhile) for {@code duration};
     * a zero duration lets every other ready greenlet run once first.
     *
     * @param duration the time to sleep, not negative
     * @throws IllegalArgumentException when {@code duration} is negative
     */
    @Suspendable
    public static void sleep(Duration duration) {
        Stack s = Stack.current();
        if (s.mode == Stack.RESUMING) {
            endSleep(s, SLEEP_DURATION_ID);
            return;
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep time must not be negative, but was " + duration);
        }
        sleepNanos(s, saturatedNanos(duration), SLEEP_DURATION_ID);
    }

    /**
     * Waits until every one of {@code greenlets} has finished.
     *
     * @param greenlets the greenlets to wait for, of this thread's hub
     */
    @Suspendable
    public static void joinAll(SpawnedGreenlet<?>... greenlets) {
        for (SpawnedGreenlet<?> g : greenlets) {
            g.joinUntil("Hub.joinAll", false, 0);
        }
    }

    /**
     * Waits until every one of {@code greenlets} has finished or {@code timeout} has passed, and returns
     * those that finished, in the given order.
     *
     * @param timeout the longest time to wait
     * @param greenlets the greenlets to wait for, of this thread's hub
     * @return the greenlets that are ready
     */
    @Suspendable
    public static List<SpawnedGreenlet<?>> joinAll(Duration timeout, SpawnedGreenlet<?>... greenlets) {
        long deadline = get().deadlineAfter(saturatedNanos(timeout));
        for (SpawnedGreenlet<?> g : greenlets) {
            if (!g.joinUntil("Hub.joinAll", true, deadline)) {
                break;
            }
        }
        List<SpawnedGreenlet<?>> done = new ArrayList<>();
        for (SpawnedGreenlet<?> g : greenlets) {
            if (g.isReady()) {
                done.add(g);
            }
        }
        return done;
    }

    /**
     * True when the current code runs in a greenlet served by this thread's hub (one it spawned, or one
     * created in such a greenlet), in its body or in a {@code Coroutine}'s or {@code Generator}'s body
     * that the greenlet drives: where a wait suspends only the greenlet. False in plain code, in the
     * hub's own greenlet, and on a thread with no hub. Woven code's {@code Thread.sleep} is cooperative
     * where this is true (and blocks the thread in a body whose driver cannot suspend, see
     * {@link Generator}).
     *
     * @return whether a wait here suspends only the current greenlet
     */
    public static boolean inHubGreenlet() {
        Trampoline home = Trampoline.get();
        Hub hub = home.hub;
        Greenlet g = home.current;
        if (hub == null || g == home.root || g == hub.greenlet) {
            return false;
        }
        Stack s = Stack.current();
        if (s.owner() != g && !Nesting.isBody(s)) {
            return false;
        }
        for (Greenlet p = g.parent; p != null; p = p.parent) {
            if (p == hub.greenlet) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code task} on Weft's pool of blocking threads and suspends the current greenlet (or plain
     * code, running the hub meanwhile) until it has finished: for blocking work that would otherwise
     * stop every greenlet of the thread (file I/O, a JDBC call, a blocking library).
     *
     * <p>The pool is shared by every hub: daemon threads named {@code weft-blocking-N}, at most 16 of
     * them ({@code -Dweft.blocking.threads=N}), created when needed and ended after a minute idle;
     * tasks beyond that wait their turn. The task runs as plain code on that thread, so it must not
     * suspend. A greenlet killed while it waits goes at once; the task runs on to its end and its
     * result is dropped.
     *
     * @param task the work; a lambda here is a plain {@code Callable}, not woven
     * @param <T> the type of its result
     * @return what {@code task} returned
     * @throws CoroutineException wrapping a checked exception thrown by {@code task}; an unchecked
     *     one, or an error, is rethrown as it is
     * @throws IllegalStateException when called in the hub's own greenlet (in a submitted callback)
     */
    @Suspendable
    public static <T> T blocking(Callable<T> task) {
        return BlockingCall.await(BlockingCall.pool(), task);
    }

    /**
     * Like {@link #blocking(Callable)}, on {@code executor} instead of Weft's pool.
     *
     * @param executor runs the task (on any thread; on the caller's, it blocks the hub meanwhile)
     * @param task the work
     * @param <T> the type of its result
     * @return what {@code task} returned
     * @throws java.util.concurrent.RejectedExecutionException when {@code executor} refuses the task
     */
    @Suspendable
    public static <T> T blocking(Executor executor, Callable<T> task) {
        return BlockingCall.await(executor, task);
    }

    /**
     * Suspends the current greenlet (or plain code, running the hub meanwhile) until {@code stage}
     * completes, and returns its value or throws its exception: for the {@code CompletableFuture}s of
     * the JDK's {@code HttpClient}, async drivers and thread pools. The other greenlets of the hub run
     * meanwhile; completion on any thread wakes the hub through {@link #submit}, and until then the
     * wait counts as work another thread will submit (see {@link #keepAlive()}), so it is never
     * reported as a wait that nothing could end.
     *
     * <p>A stage that has completed already is answered at once, without a switch and without a
     * callback on it. A failed stage's exception is thrown unwrapped from {@code CompletionException}
     * and {@code ExecutionException}, as {@link SpawnedGreenlet#get()} throws a greenlet's: unchecked
     * ones and errors as they are, a checked one wrapped in {@link CoroutineException}; a cancelled
     * future throws {@code CancellationException}.
     *
     * <p>Killing the greenlet, or a {@link Timeout} raised in it, ends the wait at once and leaves the
     * stage alone: it is not cancelled, and its work goes on. The callback left on the stage then holds
     * nothing of the greenlet, and a later completion wakes nothing.
     *
     * @param stage what to wait for; when {@code toCompletableFuture()} is not supported by it, it is
     *     waited for through {@code whenComplete} only
     * @param <T> the type of its value
     * @return the stage's value
     * @throws IllegalStateException when it has to wait in the hub's own greenlet (in a submitted callback)
     */
    @Suspendable
    public static <T> T await(CompletionStage<T> stage) {
        Object now = Futures.valueIfDone(stage);
        @SuppressWarnings("unchecked")
        T value = now != Futures.PENDING ? (T) now : FutureAwait.await(stage);
        return value;
    }

    /**
     * Like {@link #await(CompletionStage)}, waiting at most {@code timeout}. When the time runs out
     * first it throws {@code java.util.concurrent.TimeoutException}, as {@code Future.get} and
     * {@link dev.weft.sync.AsyncResult#get(Duration)} do (a {@link Timeout} is what
     * {@link Timeout#start} and {@link #withTimeout} raise); the stage is left alone, as when the
     * greenlet is killed.
     *
     * @param stage what to wait for
     * @param timeout the longest time to wait; zero or less waits until the hub's next pass only
     * @param <T> the type of its value
     * @return the stage's value
     * @throws TimeoutException when the stage did not complete within {@code timeout}
     */
    @Suspendable
    public static <T> T await(CompletionStage<T> stage, Duration timeout) throws TimeoutException {
        return FutureAwait.await(stage, timeout);
    }

    /**
     * Spawns a greenlet computing {@code call} on this hub, from any thread, and returns a future of
     * its result: for plain Java code (a thread pool, a servlet, {@code main}) handing work that
     * suspends to a hub. The spawn is {@link #submit submitted}, so it happens on the hub's thread on
     * the loop's next pass, while the hub runs (something on its thread waits).
     *
     * <p>The greenlet completes the future as it ends, on the hub's thread: with the value; with the
     * exception that escaped {@code call}, which is the future's (not printed, and the greenlet ends
     * normally); or, when the greenlet is killed, with a {@code CancellationException}. A future
     * cancelled before the hub spawned the greenlet spawns nothing; cancelling it later does not kill
     * the greenlet. A greenlet killed before it started (its {@code HubGroup} closing, say) completes
     * the future with a {@code CancellationException} too. (A {@code HubGroup}'s
     * {@code spawn(index, call)} works the same way.)
     *
     * @param call the body; its result completes the future
     * @param <T> the type of the value
     * @return a future of the greenlet's value
     * @throws IllegalStateException when the hub's thread has ended, or its submissions have
     */
    public <T> CompletableFuture<T> submitSpawn(SuspendableCallable<T> call) {
        Objects.requireNonNull(call, "call");
        CompletableFuture<T> future = new CompletableFuture<>();
        submit(() -> {
            if (!future.isDone()) {
                SpawnedGreenlet<Void> g = spawn(() -> FutureAwait.completing(future, call));
                // killed before it starts, the body that completes the future never runs
                g.rawLink(() -> {
                    if (!future.isDone()) {
                        Throwable why = died;
                        if (why != null) {
                            // the hub died: that is the reason, not a cancellation
                            future.completeExceptionally(why);
                        } else {
                            future.completeExceptionally(new CancellationException("the greenlet was killed before it started"));
                        }
                    }
                });
            }
        });
        return future;
    }

    /**
     * Like {@link #submitSpawn(SuspendableCallable)}, for a body without a value: the future completes
     * with null.
     *
     * @param run the body
     * @return a future completed when the greenlet has finished
     * @throws IllegalStateException when the hub's thread has ended
     */
    public CompletableFuture<Void> submitSpawn(SuspendableRunnable run) {
        Objects.requireNonNull(run, "run");
        return submitSpawn(() -> {
            run.run();
            return null;
        });
    }

    /**
     * Waits until {@code count} of {@code greenlets} have finished (gevent's {@code joinall} with
     * {@code count}) and returns them in the order they finished; those finished already come first,
     * in the given order. A greenlet that failed counts as finished.
     *
     * @param count how many to wait for, at least 1; more than there are greenlets means all of them
     * @param greenlets the greenlets to wait for, of this thread's hub
     * @return the first {@code count} greenlets to finish, in finish order
     * @throws IllegalArgumentException when {@code count} is less than 1
     */
    @Suspendable
    public static List<SpawnedGreenlet<?>> joinFirst(int count, SpawnedGreenlet<?>... greenlets) {
        return wait(Arrays.asList(greenlets), null, count);
    }

    /**
     * Waits until {@code count} of {@code greenlets} have finished or {@code timeout} has passed, and
     * returns those that finished, in the order they finished (see {@link #joinFirst(int, SpawnedGreenlet...)}).
     *
     * @param count how many to wait for, at least 1; more than there are greenlets means all of them
     * @param timeout the longest time to wait
     * @param greenlets the greenlets to wait for, of this thread's hub
     * @return at most {@code count} greenlets that finished, in finish order
     * @throws IllegalArgumentException when {@code count} is less than 1
     */
    @Suspendable
    public static List<SpawnedGreenlet<?>> joinFirst(int count, Duration timeout, SpawnedGreenlet<?>... greenlets) {
        return wait(Arrays.asList(greenlets), Objects.requireNonNull(timeout, "timeout"), count);
    }

    /**
     * Waits until every one of {@code greenlets} has finished, but throws the exception of the first
     * one to fail as soon as it fails (gevent's {@code joinall} with {@code raise_error}): its
     * exception is rethrown as {@link SpawnedGreenlet#get()} would (a checked one wrapped in
     * {@link CoroutineException}). The other greenlets go on running. One that has failed already is
     * found at once.
     *
     * @param greenlets the greenlets to wait for, of this thread's hub
     */
    @Suspendable
    public static void joinAllOrThrow(SpawnedGreenlet<?>... greenlets) {
        joinOrThrow(null, greenlets);
    }

    /**
     * Like {@link #joinAllOrThrow(SpawnedGreenlet...)}, waiting at most {@code timeout}; returns those that
     * finished, in the given order.
     *
     * @param timeout the longest time to wait
     * @param greenlets the greenlets to wait for, of this thread's hub
     * @return the greenlets that are ready, all successful
     */
    @Suspendable
    public static List<SpawnedGreenlet<?>> joinAllOrThrow(Duration timeout, SpawnedGreenlet<?>... greenlets) {
        joinOrThrow(Objects.requireNonNull(timeout, "timeout"), greenlets);
        List<SpawnedGreenlet<?>> done = new ArrayList<>();
        for (SpawnedGreenlet<?> g : greenlets) {
            if (g.isReady()) {
                done.add(g);
            }
        }
        return done;
    }

    @Suspendable
    private static void joinOrThrow(Duration timeout, SpawnedGreenlet<?>[] greenlets) {
        try (WaitIterator<SpawnedGreenlet<?>> it = new WaitIterator<>(Arrays.asList(greenlets), timeout,
                Integer.MAX_VALUE, "Hub.joinAllOrThrow")) {
            while (it.hasNext()) {
                SpawnedGreenlet<?> g = it.next();
                if (g.exception() != null) {
                    throw Greenlet.unchecked(g.exception());
                }
            }
        }
    }

    /**
     * Waits until every one of {@code objects} is ready (gevent's {@code wait}): a spawned greenlet
     * has finished, an {@link dev.weft.sync.Event} is set, an {@link dev.weft.sync.AsyncResult} has its
     * value, or any other {@link Waitable} says so.
     *
     * @param objects what to wait for
     * @return the objects, in the order they became ready (those ready already first, in the given order)
     */
    @Suspendable
    public static List<Waitable> wait(Waitable... objects) {
        return wait(Arrays.asList(objects), null, Integer.MAX_VALUE);
    }

    /**
     * Waits until every one of {@code objects} is ready or {@code timeout} has passed (gevent's
     * {@code wait} with a timeout).
     *
     * @param timeout the longest time to wait
     * @param objects what to wait for
     * @return the objects that became ready, in that order (those ready already first, in the given order)
     */
    @Suspendable
    public static List<Waitable> wait(Duration timeout, Waitable... objects) {
        return wait(Arrays.asList(objects), Objects.requireNonNull(timeout, "timeout"), Integer.MAX_VALUE);
    }

    /**
     * Waits until {@code count} of {@code objects} are ready or {@code timeout} has passed (gevent's
     * {@code wait(objects, timeout, count)}).
     *
     * @param objects what to wait for
     * @param timeout the longest time to wait, or null for no limit
     * @param count how many to wait for, at least 1; more than there are objects means all of them
     * @param <W> the type of the objects
     * @return at most {@code count} objects, in the order they became ready (those ready already
     *     first, in the given order)
     * @throws IllegalArgumentException when {@code count} is less than 1
     */
    @Suspendable
    public static <W extends Waitable> List<W> wait(Collection<W> objects, Duration timeout, int count) {
        List<W> done = new ArrayList<>();
        try (WaitIterator<W> it = new WaitIterator<>(objects, timeout, count, "Hub.wait")) {
            while (it.hasNext()) {
                done.add(it.next());
            }
        }
        return done;
    }

    /**
     * Returns the objects as they become ready (gevent's {@code iwait}); see {@link WaitIterator}.
     *
     * @param objects what to wait for
     * @return an iterator whose {@code hasNext} and {@code next} wait for the next ready object
     */
    public static WaitIterator<Waitable> iwait(Waitable... objects) {
        return new WaitIterator<>(Arrays.asList(objects), null, Integer.MAX_VALUE, "Hub.iwait");
    }

    /**
     * Returns at most {@code count} of the objects as they become ready, until {@code timeout} has
     * passed (gevent's {@code iwait(objects, timeout, count)}); see {@link WaitIterator}.
     *
     * @param objects what to wait for
     * @param timeout the longest time to wait, counted from this call, or null for no limit
     * @param count how many to return at most, at least 1
     * @param <W> the type of the objects
     * @return an iterator whose {@code hasNext} and {@code next} wait for the next ready object
     * @throws IllegalArgumentException when {@code count} is less than 1
     */
    public static <W extends Waitable> WaitIterator<W> iwait(Collection<W> objects, Duration timeout, int count) {
        return new WaitIterator<>(objects, timeout, count, "Hub.iwait");
    }

    /**
     * Runs {@code call} in the current greenlet under a {@link Timeout} of {@code timeout} (gevent's
     * {@code with_timeout}): returns its result, or lets the timeout propagate when the time is up at
     * one of its suspension points.
     *
     * @param timeout the longest time {@code call} may take
     * @param call what to run; a checked exception from it is wrapped in {@link CoroutineException}
     * @param <T> the type of the result
     * @return the result of {@code call}
     * @throws Timeout when the time ran out
     */
    @Suspendable
    public static <T> T withTimeout(Duration timeout, SuspendableCallable<T> call) {
        Objects.requireNonNull(call, "call");
        Timeout t = Timeout.start(timeout);
        try (t) {
            return call.call();
        } catch (Exception e) {
            // a Timeout, an Error, passes untouched
            throw Greenlet.unchecked(e);
        }
    }

    /**
     * Like {@link #withTimeout(Duration, SuspendableCallable)}, but returns {@code valueOnTimeout}
     * instead of throwing when its own timeout expires (gevent's {@code timeout_value}); an outer
     * timeout still propagates.
     *
     * @param timeout the longest time {@code call} may take
     * @param call what to run; a checked exception from it is wrapped in {@link CoroutineException}
     * @param valueOnTimeout what to return when the time ran out
     * @param <T> the type of the result
     * @return the result of {@code call}, or {@code valueOnTimeout}
     */
    @Suspendable
    public static <T> T withTimeout(Duration timeout, SuspendableCallable<T> call, T valueOnTimeout) {
        Objects.requireNonNull(call, "call");
        Timeout t = Timeout.start(timeout);
        try (t) {
            return call.call();
        } catch (Timeout e) {
            if (e != t) {
                throw e;
            }
            return valueOnTimeout;
        } catch (Exception e) {
            throw Greenlet.unchecked(e);
        }
    }

    /** The identities of the two sleeps, which their callers' saved frames expect above them. */
    private static final int SLEEP_ID = Stack.primitive("sleep(J)V", "Hub.sleep");
    private static final int SLEEP_DURATION_ID = Stack.primitive("sleep(Ljava/time/Duration;)V", "Hub.sleep");

    /**
     * Bits of {@link Greenlet#sleep} above the sequence of its timer: the sleep has a timer (not a
     * {@code sleep(0)}), and the sleep is over and the greenlet on the run queue.
     */
    static final long SLEEP_TIMED = 1L << 32;
    static final long SLEEP_WOKEN = 1L << 33;
    /**
     * Bit of {@link Greenlet#sleep}: the hub has taken the greenlet's live entry to resume it (see
     * {@link #taken}); a sleep resumed without it was resumed by a stray switch.
     */
    static final long SLEEP_TAKEN = 1L << 34;
    /** The bits of {@link Greenlet#sleep} that describe the sleep it is in now: 0 when it is not asleep. */
    static final long SLEEP_NOW = 0xFFFFFFFFL | SLEEP_TIMED | SLEEP_WOKEN | SLEEP_TAKEN;
    /**
     * One stale run-queue entry, counted in the bits above {@link #SLEEP_NOW}: left by a sleep that was
     * ended by a timeout or a kill while its greenlet waited on the run queue.
     */
    private static final long SLEEP_STALE_ONE = 1L << 35;

    /**
     * The sleep of both {@code sleep} methods, which are suspension primitives of their own, as
     * {@code Greenlet.switchTo} is: the woven caller's frames sit directly above the sleep's own (its identity), and a
     * sleeping greenlet keeps no waiter: it is its own entry in the timer queue and, once woken, on the run
     * queue, where {@link Greenlet#sleep} tells a live entry from a stale one (see {@link #isCancelled} and
     * {@link #isStale}). Plain code sleeps through a waiter, as every other wait does; a generator's or
     * coroutine's body running in a greenlet sleeps with that greenlet, its task suspended (see {@link Nesting}).
     */
    private static void sleepNanos(Stack s, long nanos, int id) {
        Hub hub = get();
        Greenlet me = hub.waiter("Hub.sleep");
        if (me == hub.home.root) {
            sleepWithWaiter(hub, nanos);
            return;
        }
        int sequence = hub.nextStamp();
        long stale = me.sleep & ~SLEEP_NOW;
        if (nanos == 0) {
            // behind every greenlet ready now: each runs once before this one continues
            me.sleep = stale | (sequence & 0xFFFFFFFFL) | SLEEP_WOKEN;
            hub.readyAdd(me);
        } else {
            me.sleep = stale | (sequence & 0xFFFFFFFFL) | SLEEP_TIMED;
            hub.timers.add(me, hub.deadlineAfter(nanos), sequence);
        }
        if (s.owner() != me) {
            // a generator's or coroutine's body running in the greenlet: it sleeps with the greenlet (see Nesting)
            try {
                Nesting.suspendBody(hub.home, hub.next(), null, null, id, "Hub.sleep", s);
            } catch (RuntimeException | Error e) {
                me.sleep = stale;
                throw e;
            }
            return;
        }
        hub.home.request(hub.next(), null, null);
        Task.suspend(null, id, "Hub.sleep", s);
    }

    /** Ends a sleep's restore: the greenlet is no longer asleep, whatever woke it (a kill, a timeout). */
    private static void endSleep(Stack s, int id) {
        Object owner = s.owner();
        // a generator's or coroutine's body sleeps with the greenlet that runs it (see Nesting)
        Greenlet g = owner instanceof Greenlet ? (Greenlet) owner : owner != null ? Greenlet.current() : null;
        boolean wasTaken = false;
        if (g != null) {
            long sleep = g.sleep;
            wasTaken = (sleep & SLEEP_TAKEN) != 0;
            long stale = sleep & ~SLEEP_NOW;
            if ((sleep & SLEEP_WOKEN) != 0) {
                // woken, and then resumed by a timeout or a kill raised before its turn: its run-queue
                // entry, the first of its entries the hub will take, is stale (see isStale)
                stale += SLEEP_STALE_ONE;
            }
            g.sleep = stale;
        }
        Object back = Task.suspend(null, id, "Hub.sleep", s);
        if (g != null && !wasTaken) {
            // resumed by a switch, not by the hub (which takes the entry first); a kill or a timeout threw above
            throw InvalidSwitchError.of(g, "Hub.sleep", back);
        }
    }

    /**
     * The sleep of plain code (and of code that cannot suspend here): not woven, and need not be, since
     * it never suspends: plain code's switch runs the hub until the switch back.
     */
    private static void sleepWithWaiter(Hub hub, long nanos) {
        Waiter w = new Waiter(hub.waiter("Hub.sleep"), "Hub.sleep", null);
        if (nanos == 0) {
            w.wake();
            w.parkUntil(false, 0);
            return;
        }
        w.parkUntil(true, hub.deadlineAfter(nanos));
    }

    /**
     * True when a timer entry is to be dropped instead of fired: a cancelled {@link Timer}, or a greenlet
     * no longer in the sleep that queued it (woken otherwise, by a kill or a timeout, since).
     */
    static boolean isCancelled(Object entry, int sequence) {
        if (entry instanceof Greenlet) {
            long sleep = ((Greenlet) entry).sleep;
            return (sleep & (SLEEP_TIMED | SLEEP_WOKEN)) != SLEEP_TIMED || (int) sleep != sequence;
        }
        return ((Timer) entry).isCancelled();
    }

    /**
     * True when a greenlet on the run queue is to be dropped instead of switched to: one that has started
     * is there only when woken from {@code sleep}, and only until that sleep ends; an entry left from an
     * earlier sleep, ended otherwise, is stale.
     */
    static boolean isStale(Greenlet g) {
        long sleep = g.sleep;
        if (sleep >= SLEEP_STALE_ONE) {
            // entries are taken in the order they were queued: the first of g's is the oldest, the stale one
            g.sleep = sleep - SLEEP_STALE_ONE;
            return true;
        }
        return g.task != null && !g.task.isNew() && (sleep & SLEEP_WOKEN) == 0;
    }

    /**
     * Takes {@code g}, a greenlet on the run queue, off it to switch to it now: a greenlet woken from
     * {@code sleep} trades its mark for {@link #SLEEP_TAKEN}, so that its sleep, as it ends, knows the
     * entry has been taken, and that it is the hub that resumes it.
     */
    private static Greenlet taken(Greenlet g) {
        long sleep = g.sleep;
        if ((sleep & SLEEP_WOKEN) != 0) {
            g.sleep = (sleep & ~SLEEP_WOKEN) | SLEEP_TAKEN;
        }
        return g;
    }

    /**
     * Describes every greenlet of the current thread's hub, like a thread dump: the thread's plain code
     * and each spawned greenlet that has not finished, in spawn order, with its state and, unless it has
     * not started, its stack (innermost frame first, as {@code pkg.Class.method(File.java:line)}).
     *
     * <p>The states: {@code running} (the caller), {@code waiting in <operation>[ for <what>]},
     * {@code ready, woken from <operation>} (its wait is over and it runs when its turn comes),
     * {@code not started} (spawned, or waiting for its {@code spawnLater} delay), and
     * {@code suspended} (switched away by hand, not waiting on the hub). Finished greenlets are not
     * kept, so they are not listed. A suspended greenlet's frames are those saved by woven code,
     * which the agent names by class, method and line; the frames of the running greenlet and of plain
     * code come from the thread's stack.
     *
     * <pre>
     * Hub of thread "main": 2 greenlets and plain code, 1 ready, 1 timer
     *
     * "main" (plain code) running
     *     at com.example.App.main(App.java:12)
     *
     * "greenlet-1" waiting in Event.await
     *     at Event.await
     *     at com.example.App.waitForIt(App.java:20)
     *     at com.example.App.lambda$main$0(App.java:9)
     * </pre>
     *
     * @return the description, one block per greenlet
     */
    public static String dump() {
        return new HubDump(get(), new Throwable().getStackTrace()).toString();
    }

    /**
     * Prints {@link #dump()} to {@code out}.
     *
     * @param out where to print, {@code System.err} for example
     */
    public static void dump(PrintStream out) {
        out.print(new HubDump(get(), new Throwable().getStackTrace()));
        out.flush();
    }

    /** The current greenlet, which is about to wait in this hub; refuses the hub itself. */
    Greenlet waiter(String what) {
        Greenlet me = home.current;
        if (me == greenlet) {
            throw new IllegalStateException(what + " was called in the hub's own greenlet, which must never wait");
        }
        return me;
    }

    /**
     * Fires at {@code deadline} (a {@link #nanoTime} value) unless cancelled first: puts a
     * {@link Greenlet} on the run queue, or raises a {@link Timeout}.
     */
    Timer.Action schedule(long deadline, Object action) {
        Timer.Action timer = new Timer.Action(action);
        schedule(timer, deadline);
        return timer;
    }

    /**
     * Puts {@code timer} on the timer queue, to come up at {@code deadline} (a {@link #nanoTime} value).
     *
     * @throws IllegalStateException when it has been scheduled before: an entry is queued once
     */
    void schedule(Timer timer, long deadline) {
        if (timer.sequence != 0) {
            throw new IllegalStateException("a waiter waits with a time limit once: use a new one for each wait");
        }
        timer.deadline = deadline;
        timer.sequence = nextStamp();
        timers.add(timer, deadline, timer.sequence);
    }

    /** Puts {@code g} on the run queue. */
    void makeReady(Greenlet g) {
        readyAdd(g);
    }

    /** Adds a new spawned greenlet to the unfinished ones. */
    void born(SpawnedGreenlet<?> g) {
        g.previousLive = lastLive;
        if (lastLive == null) {
            firstLive = g;
        } else {
            lastLive.nextLive = g;
        }
        lastLive = g;
    }

    /** Removes a finished greenlet from the unfinished ones. */
    void died(SpawnedGreenlet<?> g) {
        if (g.previousLive == null) {
            firstLive = g.nextLive;
        } else {
            g.previousLive.nextLive = g.nextLive;
        }
        if (g.nextLive == null) {
            lastLive = g.previousLive;
        } else {
            g.nextLive.previousLive = g.previousLive;
        }
        g.previousLive = null;
        g.nextLive = null;
    }

    /** Adds {@code w} at the tail of the parked waiters. */
    void parked(dev.weft.Waiter w) {
        w.previous = lastParked;
        if (lastParked == null) {
            firstParked = w;
        } else {
            lastParked.next = w;
        }
        lastParked = w;
    }

    /** Removes {@code w} from the parked waiters. */
    void unparked(dev.weft.Waiter w) {
        if (w.previous == null) {
            firstParked = w.next;
        } else {
            w.previous.next = w.next;
        }
        if (w.next == null) {
            lastParked = w.previous;
        } else {
            w.next.previous = w.previous;
        }
        w.previous = null;
        w.next = null;
    }

    /**
     * Puts {@code callback} on the run queue: the hub runs it in its own greenlet, in turn with the
     * greenlets; an exception from it is printed and goes no further. It must not wait.
     */
    void callSoon(Runnable callback) {
        readyAdd(callback);
    }

    /** Puts a request on the run queue to raise {@code GreenletExit} in {@code g} at its suspension point. */
    void kill(SpawnedGreenlet<?> g) {
        readyAdd(new Kill(g));
    }

    /** The hub greenlet's body: never returns. */
    @Suspendable
    private void loop() {
        looping = true;
        while (true) {
            try {
                runSubmitted();
                fireDueTimers();
                int n = readyCount;
                if (n == 0) {
                    boolean noTimer = timers.isEmpty();
                    if (noTimer && !expectsWork()) {
                        restoreInterrupt();
                        home.root.throwInto(new LoopExit(home.thread.getName(), waits()));
                    } else if (!noTimer && clock != null && outstanding.get() == 0) {
                        // virtual time: take what channels and other threads have ready now, without waiting;
                        // if that is nothing, nothing can happen before the next timer, so skip to it. Work
                        // outstanding on other threads (Hub.blocking) is waited for below, in real time: the
                        // clock must not run ahead of it.
                        Poller io = poller;
                        if (io != null && io.hasWaits()) {
                            io.select(0);
                        }
                        if (readyCount == 0 && !hasSubmitted()) {
                            clock.advanceTo(timers.peekDeadline());
                        }
                    } else {
                        awaitWork(noTimer ? -1 : Math.max(0, timers.peekDeadline() - nanoTime()));
                    }
                    continue;
                }
                Poller io = poller;
                if (io != null && io.hasWaits()) {
                    // greenlets whose channels are ready now run on the next pass, behind these
                    io.select(0);
                }
                // only the greenlets ready at the start of the pass: sleep(0) puts its caller behind them;
                // a greenlet that waits or ends may take the next ones itself (see next()), so the count is a field
                passLeft = n;
                while (passLeft > 0) {
                    passLeft--;
                    Object next = readyPoll();
                    if (next instanceof Waiter) {
                        Waiter w = (Waiter) next;
                        w.queued = false;
                        // a waiter whose wait ended otherwise (killed, say) is stale: its greenlet may wait anew
                        if (w.parked) {
                            if (w.greenlet == home.root) {
                                restoreInterrupt();
                            }
                            w.greenlet.switchTo();
                        }
                    } else if (next instanceof Greenlet) {
                        if (isStale((Greenlet) next)) {
                            continue;
                        }
                        if (next == home.root) {
                            restoreInterrupt();
                        }
                        taken((Greenlet) next).switchTo();
                    } else if (next instanceof Kill) {
                        ((Kill) next).greenlet.exit();
                    } else {
                        runCallback((Runnable) next);
                    }
                }
    
            } catch (Throwable died) {
                if (died instanceof dev.weft.internal.NotWovenError) {
                    // nothing is woven: every greenlet would fail the same way, so the hub stops with the error
                    throw (dev.weft.internal.NotWovenError) died;
                }
                // A greenlet's exception reaches its parent, this greenlet, only when its own code did not
                // catch it: spawned greenlets catch everything, so this is a driver's error, such as a
                // suspension lost in a method that is not woven. It is that greenlet's end, not the hub's.
                died.printStackTrace();
                System.err.println("[weft] a greenlet of the hub of thread \"" + home.thread.getName()
                        + "\" ended with " + died.getClass().getName() + "; the hub goes on");
                forgetDeadWaiters(null);
            }
        }
    }

    // ---- the run queue: a ring in the hub's own fields (one dependent load less than a deque) ----

    /** Puts {@code entry} at the tail of the run queue. */
    void readyAdd(Object entry) {
        Object[] r = ready;
        int n = readyCount;
        r[(readyHead + n) & (r.length - 1)] = entry;
        readyCount = n + 1;
        if (n + 1 == r.length) {
            growReady();
        }
    }

    /** Puts {@code entry} at the head of the run queue: it is taken next. */
    void readyAddFirst(Object entry) {
        Object[] r = ready;
        int h = (readyHead - 1) & (r.length - 1);
        r[h] = entry;
        readyHead = h;
        if (++readyCount == r.length) {
            growReady();
        }
    }

    /** {@return the entry at the head of the run queue, or null when it is empty} */
    Object readyPeek() {
        return readyCount == 0 ? null : ready[readyHead];
    }

    /** Takes the entry at the head of the run queue; null when it is empty. */
    Object readyPoll() {
        if (readyCount == 0) {
            return null;
        }
        Object[] r = ready;
        int h = readyHead;
        Object entry = r[h];
        r[h] = null;
        readyHead = (h + 1) & (r.length - 1);
        readyCount--;
        return entry;
    }

    /** {@return the run queue's entry {@code i} places from its head, for reports} */
    Object readyAt(int i) {
        return ready[(readyHead + i) & (ready.length - 1)];
    }

    /** {@return how many entries the run queue holds} */
    int readySize() {
        return readyCount;
    }

    /** Doubles the ring once full, its entries in order from index 0. */
    private void growReady() {
        Object[] r = ready;
        Object[] grown = new Object[r.length * 2];
        int h = readyHead;
        System.arraycopy(r, h, grown, 0, r.length - h);
        System.arraycopy(r, 0, grown, r.length - h, h);
        ready = grown;
        readyHead = 0;
    }

    /**
     * Puts back at the head of the run queue a greenlet that {@link #next()} took for a greenlet that
     * then died instead of switching to it; the hub's own greenlet and plain code need nothing.
     */
    void requeue(Greenlet g) {
        if (g == greenlet || g == home.root || g.isDead()) {
            return;
        }
        Object entry = g;
        if (g.isStarted()) {
            if (g.isAsleep()) {
                // taken from its sleep's entry (see taken): the entry is live again
                g.sleep = (g.sleep & ~SLEEP_TAKEN) | SLEEP_WOKEN;
            } else {
                // taken from the entry of the waiter that woke it
                dev.weft.Waiter w = wokenWaiterOf(g);
                if (w == null) {
                    return;
                }
                w.queued = true;
                entry = w;
            }
        }
        readyAddFirst(entry);
        passLeft++;
    }

    /** The waiter of {@code g} that has been woken while {@code g} still waits in it, or null. */
    private dev.weft.Waiter wokenWaiterOf(Greenlet g) {
        dev.weft.Waiter own = g.waiter;
        if (own != null && own.parked && own.isWoken()) {
            return own;
        }
        for (dev.weft.Waiter w = firstParked; w != null; w = w.next) {
            if (w.greenlet == g && w.isWoken()) {
                return w;
            }
        }
        return null;
    }

    /**
     * Drops the waits of greenlets that ended while parked: a greenlet whose suspension was lost ended
     * without leaving its wait, and its timer or a wake would otherwise switch to a dead greenlet.
     * Only after such an error; a greenlet that ends normally has left its waits.
     *
     * @param dead the spawned greenlet that has just ended so, or null
     */
    void forgetDeadWaiters(Greenlet dead) {
        if (dead != null) {
            // its sleep's entries, if any, are stale from now on
            dead.sleep = 0;
            // finished already, so no longer among the spawned greenlets that parkedWaiters() looks at
            dev.weft.Waiter own = dead.waiter;
            if (own != null && own.parked && own.isOwn()) {
                own.forget();
            }
        }
        for (dev.weft.Waiter w : parkedWaiters()) {
            if (w.greenlet.isDead()) {
                boolean listed = !w.isOwn();
                w.forget();
                if (listed) {
                    unparked(w);
                }
            }
        }
    }

    /**
     * Where a greenlet of this hub that is about to wait, or has just ended, hands control: straight to
     * the next greenlet of the run queue, taken as the loop would take it, or to the hub's own greenlet
     * when the loop has something to do first (a callback, a kill, a timer due, channels, plain code
     * to wake, an empty queue). Going straight to the next greenlet saves two switches (to the hub and
     * back out) per hand-off, and the order in which greenlets run is the loop's. Does not suspend.
     *
     * @return the greenlet to switch to: a taken greenlet, or {@link #greenlet}
     */
    Greenlet next() {
        while (passLeft > 0 || startPass()) {
            Object e = readyPeek();
            Greenlet g;
            if (e instanceof Waiter) {
                Waiter w = (Waiter) e;
                if (!w.parked) {
                    w.queued = false;
                    // stale, as the loop would find it: dropped
                    readyPoll();
                    passLeft--;
                    continue;
                }
                // parked, so its greenlet is suspended in that wait: alive
                g = w.greenlet;
            } else if (e instanceof Greenlet) {
                g = (Greenlet) e;
                if (isStale(g)) {
                    readyPoll();
                    passLeft--;
                    continue;
                }
                g = g.alive();
            } else {
                return greenlet;
            }
            if (g == home.root || g == home.current) {
                // plain code gets its interrupt status back from the loop; a greenlet woken before it
                // waited goes through the hub too, so that it switches (the monitor counts switches)
                return greenlet;
            }
            readyPoll();
            passLeft--;
            if (e instanceof Waiter) {
                ((Waiter) e).queued = false;
            } else {
                taken((Greenlet) e);
            }
            if (g == greenlet) {
                // a greenlet killed before it started: the loop's switch to it would do nothing
                continue;
            }
            return g;
        }
        return greenlet;
    }

    /**
     * Starts the loop's next pass without the loop, when the loop would do nothing else first: no
     * submitted callback, no timer due, no channel waits, and something ready. Cancelled timers at the
     * head of the queue are dropped on the way, as the loop drops them.
     */
    private boolean startPass() {
        if (readyCount == 0 || submitted != null || !looping) {
            return false;
        }
        Poller io = poller;
        if (io != null && io.hasWaits()) {
            return false;
        }
        while (!timers.isEmpty()) {
            if (isCancelled(timers.peek(), timers.peekSequence())) {
                timers.poll();
                continue;
            }
            if (timers.peekDeadline() - nanoTime() <= 0) {
                return false;
            }
            break;
        }
        passLeft = readyCount;
        return true;
    }

    /**
     * True when work may still come from elsewhere: a submitted callback, work outstanding on other
     * threads, or a greenlet waiting for a channel.
     */
    private boolean expectsWork() {
        Poller io = poller;
        return hasSubmitted() || outstanding.get() > 0 || (io != null && io.hasWaits());
    }

    /**
     * Waits until {@code nanos} have passed (forever when negative) or something wakes the loop: a
     * submit, a keep-alive closed, a channel ready. Waits in the selector once there is one, and parks
     * the thread before. May return early; the loop looks again.
     */
    private void awaitWork(long nanos) {
        if (nanos == 0) {
            return;
        }
        if (spinNanos > 0 && outstanding.get() > 0 && submitted == null && (poller == null || !poller.hasWaits())) {
            // waiting, for the monitor, though the thread runs: it only looks for a submission
            idle = true;
            boolean came = spinForSubmit(nanos < 0 ? spinNanos : Math.min(nanos, spinNanos));
            idle = false;
            if (came) {
                home.countSwitch();
                return;
            }
        }
        waiting.set(true);
        idle = true;
        if (!hasSubmitted()) {
            Poller io = poller;
            if (io != null) {
                io.select(nanos);
            } else if (nanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, nanos);
            }
        }
        waiting.set(false);
        idle = false;
        home.countSwitch();
        if (Thread.interrupted()) {
            // parking returns at once while the interrupt status is set: keep it for plain code instead
            interrupted = true;
        }
    }

    /**
     * Parses {@code -Dweft.hub.spinMicros}.
     *
     * @throws IllegalArgumentException unless it is a number of at least 0
     */
    static long spinNanos(String setting) {
        long micros;
        try {
            micros = Long.parseLong(setting.trim());
        } catch (NumberFormatException e) {
            micros = -1;
        }
        if (micros < 0) {
            throw new IllegalArgumentException("weft.hub.spinMicros must be a number of microseconds, at least 0 "
                    + "(0 parks the hub's thread at once), but was '" + setting + "'");
        }
        return TimeUnit.MICROSECONDS.toNanos(micros);
    }

    /**
     * Spins up to {@code nanos} for a callback from another thread, before parking: returns true when
     * one came. Only while work is outstanding on other threads (a {@link #await} of a future, a
     * {@link #blocking} call, a {@link #keepAlive()}) and no channel waits: a completion that comes
     * within the spin is taken without the hub's thread being parked and woken again, which costs tens
     * of microseconds on some machines. A pool of platform threads spins the same way before its
     * threads park (the carriers of virtual threads do).
     */
    private boolean spinForSubmit(long nanos) {
        long end = System.nanoTime() + nanos;
        do {
            Thread.onSpinWait();
            if (submitted != null) {
                return true;
            }
        } while (System.nanoTime() - end < 0);
        return false;
    }

    /** Sets the interrupt status again if an interrupt came while the hub waited: it belongs to plain code. */
    private void restoreInterrupt() {
        if (interrupted) {
            interrupted = false;
            home.thread.interrupt();
        }
    }

    /** Runs the callbacks submitted since the last pass, oldest first; one that throws is printed and the rest run. */
    private void runSubmitted() {
        Callback head = submitted;
        if (head == null || head == ENDED) {
            return;
        }
        // only this thread ends the submissions, so the stack cannot have ended since the read above
        runAll((Callback) SUBMITTED.getAndSet(this, (Callback) null));
    }

    /** Runs the callbacks of a submitted stack taken whole, oldest first; one that throws is printed and the rest run. */
    private void runAll(Callback c) {
        Callback fifo = null;
        while (c != null) {
            Callback next = c.next;
            c.next = fifo;
            fifo = c;
            c = next;
        }
        for (; fifo != null; fifo = fifo.next) {
            inCallback = true;
            try {
                fifo.run.run();
            } catch (Throwable e) {
                e.printStackTrace();
                System.err.println("a callback submitted to the hub of thread \"" + home.thread.getName()
                        + "\" failed with " + e.getClass().getName());
            } finally {
                inCallback = false;
            }
        }
    }

    /** One line per parked waiter, in the order they started waiting: who waits in what, for what. */
    List<String> waits() {
        List<String> lines = new ArrayList<>();
        for (dev.weft.Waiter w : parkedWaiters()) {
            lines.add(nameOf(w.greenlet) + " waits in " + w.describe());
        }
        return lines;
    }

    /**
     * Every waiter whose greenlet waits now, in the order they started waiting: those of the list,
     * and the own waiters of plain code and of the unfinished spawned greenlets, which a wait does not
     * list (one store less per wait); ordered by their stamps. For reports and errors only.
     */
    List<dev.weft.Waiter> parkedWaiters() {
        List<dev.weft.Waiter> all = new ArrayList<>();
        for (dev.weft.Waiter w = firstParked; w != null; w = w.next) {
            all.add(w);
        }
        addOwnParked(all, home.root);
        for (SpawnedGreenlet<?> g = firstLive; g != null; g = g.nextLive) {
            addOwnParked(all, g);
        }
        // stamps come from one count that may wrap around: ordered by how long ago each was taken
        int now = timerSequence;
        all.sort((a, b) -> Long.compare(Integer.toUnsignedLong(now - b.stamp()), Integer.toUnsignedLong(now - a.stamp())));
        return all;
    }

    private static void addOwnParked(List<dev.weft.Waiter> all, Greenlet g) {
        dev.weft.Waiter w = g.waiter;
        if (w != null && w.parked && w.isOwn()) {
            all.add(w);
        }
    }

    /** The stamp of a wait with no time limit that starts now: the order of waits, for reports. */
    int nextStamp() {
        int s = timerSequence;
        timerSequence = s == -1 ? 1 : s + 1;
        return s;
    }

    /** A greenlet's name in reports: a spawned greenlet's name, the thread's name for plain code. */
    String nameOf(Greenlet g) {
        if (g == home.root) {
            return home.thread.getName();
        }
        if (g == greenlet) {
            return "hub";
        }
        if (g.spawned() != null) {
            return g.spawned().name();
        }
        return g.toString();
    }

    /** What a waiter waits for, in reports: a greenlet by name, a collection item by item. */
    static String describe(Object on) {
        if (on instanceof SpawnedGreenlet) {
            return ((SpawnedGreenlet<?>) on).name();
        }
        if (on instanceof Collection) {
            StringBuilder b = new StringBuilder();
            for (Object o : (Collection<?>) on) {
                b.append(b.length() == 0 ? "" : ", ").append(describe(o));
            }
            return b.toString();
        }
        return String.valueOf(on);
    }

    /**
     * Reports a callback linked to {@code linkedTo} (a greenlet, an {@code Event}, an {@code AsyncResult})
     * that threw {@code e}: printed once, with its stack and a line naming what it was linked to and the
     * callback, and told to the test harness, if any. It goes no further: the caller, whoever made the
     * object ready, goes on with the other callbacks and waiters.
     */
    void linkFailed(Object linkedTo, Object callback, Throwable e) {
        String description = "a callback linked to " + linkedTo;
        e.printStackTrace();
        System.err.println(description + " failed with " + e.getClass().getName() + " (callback: " + callback
                + "); the other callbacks and waiters are notified all the same");
        if (observer != null) {
            observer.callbackFailed(description, e);
        }
    }

    /** Runs a callback in the hub; whatever it throws is printed once and stops nothing. */
    private void runCallback(Runnable callback) {
        inCallback = true;
        try {
            callback.run();
        } catch (Throwable e) {
            e.printStackTrace();
            System.err.println("a callback run by the hub failed with " + e.getClass().getName());
        } finally {
            inCallback = false;
        }
    }

    /**
     * Fires the timers that are due: a waiter's wakes it, a timeout is raised in its greenlet at once
     * (at the point where it waits, even when it was about to be woken), anything else goes on the run queue.
     */
    @Suspendable
    private void fireDueTimers() {
        long now = nanoTime();
        while (!timers.isEmpty()) {
            Object e = timers.peek();
            boolean cancelled = isCancelled(e, timers.peekSequence());
            if (!cancelled && timers.peekDeadline() - now > 0) {
                break;
            }
            timers.poll();
            if (cancelled) {
                continue;
            }
            if (e instanceof Greenlet) {
                // its sleep is over: on the run queue, where the mark says the entry is live
                Greenlet g = (Greenlet) e;
                g.sleep |= SLEEP_WOKEN;
                readyAdd(g);
                continue;
            }
            if (e instanceof dev.weft.Waiter) {
                ((dev.weft.Waiter) e).expire();
                continue;
            }
            Object action = ((Timer.Action) e).action;
            if (action instanceof Timeout) {
                ((Timeout) action).raise();
            } else {
                readyAdd(action);
            }
        }
    }

    /** The {@link #nanoTime} value {@code nanos} from now; waits beyond ~73 years are cut to that. */
    long deadlineAfter(long nanos) {
        // nanoTime values are compared by difference, so deadlines must stay within 2^62 ns of now
        return nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
    }

    static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * A greenlet waiting to be woken once, by whichever comes first: its time limit, a finished
     * greenlet, or (for {@code dev.weft.sync}) whoever calls {@link #wake()}; see {@code park},
     * {@code wake} and the other methods it inherits.
     *
     * <p>Internal, not API: public only so that {@code dev.weft.sync} (and, for channels,
     * {@code dev.weft.net}) can wait on this thread's hub. A waiter belongs to the hub of the thread
     * that created it, is used on that thread only, and waits once (except the greenlet's own, from
     * {@link #ownForCurrent}). It is also a {@code Runnable} that wakes it, to be linked to a
     * {@link Waitable}.
     */
    public static final class Waiter extends dev.weft.Waiter {
        Waiter(Greenlet greenlet, String what, Object on) {
            super(greenlet, what, on);
        }

        /** A waiter for {@code greenlet}, which waits on {@code hub}. */
        Waiter(Hub hub, Greenlet greenlet, String what, Object on) {
            super(greenlet, what, on);
            assert hub == hub() : "a waiter waits on its greenlet's hub";
        }

        /**
         * Returns a waiter for the current greenlet (or plain code) on this thread's hub. In the hub's own
         * greenlet, which must never wait, only a wait whose time limit has passed already is allowed
         * (the non-blocking forms of the waits, such as {@code get(Duration.ZERO)}): it ends at once, as
         * expired; any other {@code park} throws {@code IllegalStateException}.
         *
         * @param what the waiting operation, named in the error when the hub itself would wait and in
         *     the hub's reports ({@link LoopExit}, {@link Hub#dump()})
         * @return a waiter that has not been woken
         */
        public static Waiter forCurrent(String what) {
            return forCurrent(what, null);
        }

        /**
         * Like {@link #forCurrent(String)}, for a wait on {@code on}, which the hub's reports name
         * ({@link LoopExit}, {@link Hub#dump()}): a lock, say, whose {@code toString} tells who holds it.
         *
         * @param what the waiting operation
         * @param on what it waits for (an object, or a collection of them), or null
         * @return a waiter that has not been woken
         */
        public static Waiter forCurrent(String what, Object on) {
            return new Waiter(get().home.current, what, on);
        }

        /**
         * Like {@link #forCurrent(String, Object)}, for a wait with no time limit ({@code park(null)}):
         * the current greenlet's own waiter, reused from one such wait to the next whenever nothing
         * left from the last one can wake it, so that a greenlet waiting again and again allocates
         * nothing. The caller unlinks it before its wait returns, as for any waiter, keeps no
         * reference to it afterwards, and never parks it with a time limit.
         *
         * @param what the waiting operation
         * @param on what it waits for (an object, or a collection of them), or null
         * @return a waiter that has not been woken
         * @throws IllegalStateException when called in the hub's own greenlet
         */
        public static Waiter ownForCurrent(String what, Object on) {
            return reusable(Stack.current(), what, on);
        }

        /**
         * Like {@link #ownForCurrent(String, Object)}, for a caller that holds the current stack already
         * (a suspension primitive such as {@code Event.await}): a spawned greenlet is found through it.
         *
         * @param s the current stack
         * @param what the waiting operation
         * @param on what it waits for, or null
         * @return a waiter that has not been woken
         * @throws IllegalStateException when called in the hub's own greenlet
         */
        public static Waiter ownForCurrent(Stack s, String what, Object on) {
            return reusable(s, what, on);
        }

        /**
         * Returns the current greenlet's own waiter, woken already, for a wait that only lets the greenlets
         * ready now have their turn first ({@code park(null)}, or {@code parkAsPrimitive} in a primitive,
         * then ends once they have run): a late waiter queuing behind the waiters woken before it, a
         * channel's putter letting its getter run. Returns null in the hub's own greenlet, which cannot wait,
         * and in a {@code Coroutine} or {@code Generator} body running in a greenlet, whose driver may not be
         * able to suspend: the caller goes on at once. The caller unlinks the waiter before its wait returns, as for any.
         *
         * @param s the current stack
         * @param what the waiting operation
         * @param on what it waits for, or null
         * @return a woken waiter to park with no time limit, or null
         */
        public static Waiter ownForTurn(Stack s, String what, Object on) {
            return forTurn(s, what, on);
        }

        /**
         * Like {@link #ownForTurn(Stack, String, Object)}, for a woven caller, which does not hold the stack.
         *
         * @param what the waiting operation
         * @param on what it waits for, or null
         * @return a woken waiter to park with no time limit, or null
         */
        public static Waiter ownForTurn(String what, Object on) {
            return forTurn(Stack.current(), what, on);
        }

        /**
         * Calls {@code callback}, a raw link of {@code linkedTo} (for {@code dev.weft.sync}'s waitable
         * objects): one that throws is reported by this thread's hub, printed once with a line naming
         * {@code linkedTo} and told to a test harness, and goes no further, so that the caller goes on
         * with the other callbacks and waiters.
         *
         * @param callback the callback
         * @param linkedTo what it is linked to, named in the report
         */
        public static void callLink(Runnable callback, Object linkedTo) {
            try {
                callback.run();
            } catch (Throwable e) {
                get().linkFailed(linkedTo, callback, e);
            }
        }

        /**
         * Returns the own waiter of the greenlet whose stack is {@code s}, resuming from a wait of
         * {@code parkAsPrimitive}: the waiter it parked on.
         *
         * @param s the current stack, resuming a greenlet
         * @return that greenlet's own waiter
         */
        public static Waiter ownOf(Stack s) {
            Object owner = s.owner();
            // a generator's or coroutine's body waits with the greenlet that runs it (see Nesting)
            return (owner instanceof Greenlet ? (Greenlet) owner : Greenlet.current()).waiter;
        }

        /**
         * Registers {@code channel} with the hub's selector for {@code ops} and switches to the hub
         * until the channel is ready for one of them or {@code timeout} has passed. For
         * {@code dev.weft.net}: a greenlet (or plain code, running the hub meanwhile) waiting for I/O.
         *
         * <p>The channel stays registered with the hub's selector after the wait, with no interest,
         * until it is closed. Close a channel that greenlets may be waiting for through
         * {@link #cancelChannelWaits} first, or they wait on (a closed channel is never selected).
         *
         * @param channel a channel in non-blocking mode
         * @param ops the {@link java.nio.channels.SelectionKey} operations to wait for, valid for the channel
         * @param timeout the longest time to wait, or null for no limit
         * @return true when the channel is ready, false when the time ran out
         * @throws java.nio.channels.ClosedChannelException when the channel is closed, before or (as
         *     {@link AsynchronousCloseException}) through {@link #cancelChannelWaits} during the wait
         * @throws IllegalArgumentException when the channel is in blocking mode or {@code ops} are not valid for it
         */
        @Suspendable
        public boolean parkUntilReady(SelectableChannel channel, int ops, Duration timeout) throws IOException {
            if (channel.isBlocking()) {
                throw new IllegalArgumentException(channel + " is in blocking mode; a greenlet can wait only for a "
                        + "channel in non-blocking mode: call configureBlocking(false) first");
            }
            if (ops == 0 || (ops & ~channel.validOps()) != 0) {
                throw new IllegalArgumentException("operations " + ops + " are not valid for " + channel
                        + ", whose valid operations are " + channel.validOps());
            }
            Hub hub = hub();
            Poller.Wait w = hub.poller().add(channel, ops, this);
            boolean ready;
            try {
                ready = park(timeout);
            } finally {
                hub.poller.remove(w);
            }
            if (w.cancelled) {
                throw new AsynchronousCloseException();
            }
            return ready;
        }

        /**
         * Wakes every greenlet of this thread's hub that waits in {@link #parkUntilReady} for
         * {@code channel}; each of those waits throws {@link AsynchronousCloseException}. For
         * {@code dev.weft.net}, before it closes the channel.
         *
         * @param channel the channel about to be closed
         */
        public static void cancelChannelWaits(SelectableChannel channel) {
            Poller io = get().poller;
            if (io != null) {
                io.cancel(channel);
            }
        }
    }

    /**
     * A promise that another thread will {@link Hub#submit} work to a hub: while it is open, the hub
     * waits for that work rather than ending a wait that nothing else could end. Thread-safe.
     */
    public static final class KeepAlive implements AutoCloseable {
        private final Hub hub;
        private final AtomicBoolean open = new AtomicBoolean(true);

        KeepAlive(Hub hub) {
            this.hub = hub;
        }

        /**
         * Submits {@code callback} to the hub (see {@link Hub#submit}), whether or not this keep-alive
         * is still open; submitting does not close it.
         *
         * @param callback the work to run on the hub's thread
         * @throws IllegalStateException when the hub's thread has ended
         */
        public void submit(Runnable callback) {
            hub.submit(callback);
        }

        /** Releases the promise and wakes the hub, so that it looks again; closing twice does nothing. */
        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                hub.outstanding.decrementAndGet();
                hub.nudge();
            }
        }
    }

    /** A submitted callback, linked to the one submitted before it (after it, once the loop has reversed them). */
    private static final class Callback {
        final Runnable run;
        Callback next;

        Callback(Runnable run) {
            this.run = run;
        }
    }

    /** A request to raise {@code GreenletExit} in a greenlet. */
    private static final class Kill {
        final SpawnedGreenlet<?> greenlet;

        Kill(SpawnedGreenlet<?> greenlet) {
            this.greenlet = greenlet;
        }
    }
}
