package dev.weft;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

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
 * <p>This hub has no I/O yet and is not thread-safe: a hub, its greenlets and the objects they share
 * are used from the hub's own thread only.
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
    final ArrayDeque<Object> ready = new ArrayDeque<>();
    final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSequence;
    /** How many greenlets were spawned on this hub: the number in their names. */
    long spawned;
    /** The waiters whose greenlets wait now, in the order they started waiting: for the hub's reports. */
    Waiter firstParked;
    private Waiter lastParked;
    /** The spawned greenlets that have not finished, in spawn order: for {@link #dump()}. */
    SpawnedGreenlet<?> firstLive;
    private SpawnedGreenlet<?> lastLive;

    private Hub() {
        greenlet = new Greenlet(this::loop);
        greenlet.setParent(home.root);
    }

    /** Returns the current thread's hub, creating it on first use. */
    static Hub get() {
        return LOCAL.get();
    }

    /**
     * Creates a greenlet running {@code run} and schedules it: it starts when the hub next runs, after
     * the greenlets already ready.
     *
     * @param run the body
     * @return the spawned greenlet, whose value is null
     */
    public static SpawnedGreenlet<Void> spawn(SuspendableRunnable run) {
        Objects.requireNonNull(run, "run");
        return spawn(() -> {
            run.run();
            return null;
        });
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
        SpawnedGreenlet<T> spawned = new SpawnedGreenlet<>(hub, Objects.requireNonNull(call, "call"));
        hub.ready.add(spawned.greenlet);
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
        spawned.startTimer = hub.schedule(deadlineAfter(saturatedNanos(delay)), spawned.greenlet);
        return spawned;
    }

    /**
     * Kills every one of {@code greenlets} (see {@link SpawnedGreenlet#kill()}) and waits until they
     * have all finished; the kills are delivered in the given order. When the current greenlet is
     * among them it is killed last, after the others have finished.
     *
     * @param greenlets the greenlets to kill, of this thread's hub
     */
    @Suspendable
    public static void killAll(SpawnedGreenlet<?>... greenlets) {
        SpawnedGreenlet<?> self = null;
        for (SpawnedGreenlet<?> g : greenlets) {
            if (g.greenlet == Greenlet.current()) {
                self = g;
            } else {
                g.requestKill();
            }
        }
        for (SpawnedGreenlet<?> g : greenlets) {
            if (g != self) {
                g.joinUntil("Hub.killAll", false, 0);
            }
        }
        if (self != null) {
            self.kill();
        }
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
        if (millis < 0) {
            throw new IllegalArgumentException("sleep time must be at least 0 ms, but was " + millis + " ms");
        }
        sleepNanos(millis * 1_000_000L);
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
        if (duration.isNegative()) {
            throw new IllegalArgumentException("sleep time must not be negative, but was " + duration);
        }
        sleepNanos(saturatedNanos(duration));
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
        long deadline = deadlineAfter(saturatedNanos(timeout));
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
        } catch (Timeout e) {
            throw e;
        } catch (Exception e) {
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

    @Suspendable
    private static void sleepNanos(long nanos) {
        Hub hub = get();
        Waiter w = new Waiter(hub, hub.waiter("Hub.sleep"), "Hub.sleep", null);
        if (nanos == 0) {
            // behind every greenlet ready now: each runs once before this one continues
            w.wake();
            w.parkUntil(false, 0);
            return;
        }
        w.parkUntil(true, deadlineAfter(nanos));
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
     *     at Greenlet.switchTo()
     *     at dev.weft.Hub$Waiter.parkUntil(Hub.java:640)
     *     ...
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
     * Fires at {@code deadline} (a {@code System.nanoTime} value) unless cancelled first: expires a
     * {@link Waiter}, or puts a {@link Greenlet} on the run queue.
     */
    Timer schedule(long deadline, Object action) {
        Timer timer = new Timer(deadline, timerSequence++, action);
        timers.add(timer);
        return timer;
    }

    /** Puts {@code g} on the run queue. */
    void makeReady(Greenlet g) {
        ready.add(g);
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
    private void parked(Waiter w) {
        w.previous = lastParked;
        if (lastParked == null) {
            firstParked = w;
        } else {
            lastParked.next = w;
        }
        lastParked = w;
    }

    /** Removes {@code w} from the parked waiters. */
    private void unparked(Waiter w) {
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
        ready.add(callback);
    }

    /** Puts a request on the run queue to raise {@code GreenletExit} in {@code g} at its suspension point. */
    void kill(SpawnedGreenlet<?> g) {
        ready.add(new Kill(g));
    }

    /** The hub greenlet's body: never returns. */
    @Suspendable
    private void loop() {
        while (true) {
            fireDueTimers();
            int n = ready.size();
            if (n == 0) {
                Timer next = timers.peek();
                if (next == null) {
                    home.root.throwInto(new LoopExit(home.thread.getName(), waits()));
                } else {
                    long wait = next.deadline - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(this, wait);
                    }
                }
                continue;
            }
            // only the greenlets ready at the start of the pass: sleep(0) puts its caller behind them
            for (int i = 0; i < n; i++) {
                Object next = ready.poll();
                if (next instanceof Waiter) {
                    Waiter w = (Waiter) next;
                    // a waiter whose wait ended otherwise (killed, say) is stale: its greenlet may wait anew
                    if (w.parked) {
                        w.greenlet.switchTo();
                    }
                } else if (next instanceof Greenlet) {
                    ((Greenlet) next).switchTo();
                } else if (next instanceof Kill) {
                    ((Kill) next).greenlet.exit();
                } else {
                    runCallback((Runnable) next);
                }
            }
        }
    }

    /** One line per parked waiter, in the order they started waiting: who waits in what, for what. */
    List<String> waits() {
        List<String> lines = new ArrayList<>();
        for (Waiter w = firstParked; w != null; w = w.next) {
            lines.add(nameOf(w.greenlet) + " waits in " + w.describe());
        }
        return lines;
    }

    /** A greenlet's name in reports: a spawned greenlet's name, the thread's name for plain code. */
    String nameOf(Greenlet g) {
        if (g == home.root) {
            return home.thread.getName();
        }
        if (g == greenlet) {
            return "hub";
        }
        if (g.spawned != null) {
            return g.spawned.name();
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

    /** Runs a callback in the hub; whatever it throws is printed once and stops nothing. */
    private static void runCallback(Runnable callback) {
        try {
            callback.run();
        } catch (Throwable e) {
            e.printStackTrace();
            System.err.println("a callback run by the hub failed with " + e.getClass().getName());
        }
    }

    /**
     * Fires the timers that are due: a waiter's wakes it, a timeout is raised in its greenlet at once
     * (at the point where it waits, even when it was about to be woken), anything else goes on the run queue.
     */
    @Suspendable
    private void fireDueTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && (t.cancelled || t.deadline - now <= 0)) {
            timers.poll();
            if (!t.cancelled) {
                Object action = t.action;
                if (action instanceof Waiter) {
                    ((Waiter) action).expire();
                } else if (action instanceof Timeout) {
                    ((Timeout) action).raise();
                } else {
                    ready.add(action);
                }
            }
        }
    }

    /** The {@code System.nanoTime} value {@code nanos} from now; waits beyond ~73 years are cut to that. */
    static long deadlineAfter(long nanos) {
        // nanoTime values are compared by difference, so deadlines must stay within 2^62 ns of now
        return System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
    }

    static long saturatedNanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * A greenlet waiting to be woken once, by whichever comes first: a timer, a finished greenlet, or
     * (for {@code dev.weft.sync}) whoever calls {@link #wake()}.
     *
     * <p>Internal, not API: public only so that {@code dev.weft.sync} can wait on this thread's hub.
     * A waiter belongs to the hub of the thread that created it and is used on that thread only. It is
     * also a {@code Runnable} that wakes it, to be linked to a {@link Waitable}.
     */
    public static final class Waiter implements Runnable {
        private final Hub hub;
        final Greenlet greenlet;
        /** The waiting operation, for messages. */
        final String what;
        /** What it waits for (an object or a collection of them), or null, for messages. */
        final Object on;
        boolean woken;
        private boolean expired;
        /** True while its greenlet waits in {@link #park}: a run-queue entry for it is stale otherwise. */
        boolean parked;
        /** True while a timer may end the wait. */
        boolean timed;
        Waiter previous;
        Waiter next;

        Waiter(Hub hub, Greenlet greenlet, String what, Object on) {
            this.hub = hub;
            this.greenlet = greenlet;
            this.what = what;
            this.on = on;
        }

        /**
         * Returns a waiter for the current greenlet (or plain code) on this thread's hub.
         *
         * @param what the waiting operation, named in the error when the hub itself would wait and in
         *     the hub's reports ({@link LoopExit}, {@link Hub#dump()})
         * @return a waiter that has not been woken
         * @throws IllegalStateException when called in the hub's own greenlet
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
         * @throws IllegalStateException when called in the hub's own greenlet
         */
        public static Waiter forCurrent(String what, Object on) {
            Hub hub = get();
            return new Waiter(hub, hub.waiter(what), what, on);
        }

        /**
         * Switches to the hub until {@link #wake()} is called or {@code timeout} has passed; the
         * caller's {@code finally} must unlink this waiter from wherever it registered it.
         *
         * @param timeout the longest time to wait, or null for no limit
         * @return true when woken by {@link #wake()}, false when the time ran out
         */
        @Suspendable
        public boolean park(Duration timeout) {
            return timeout == null ? parkUntil(false, 0) : parkUntil(true, deadlineAfter(saturatedNanos(timeout)));
        }

        /** {@link #park}, with a {@code System.nanoTime} deadline when {@code timed}. */
        @Suspendable
        boolean parkUntil(boolean timed, long deadline) {
            Timer timer = timed ? hub.schedule(deadline, this) : null;
            this.timed = timed;
            parked = true;
            hub.parked(this);
            try {
                hub.greenlet.switchTo();
            } finally {
                parked = false;
                hub.unparked(this);
                if (timer != null) {
                    timer.cancel();
                }
            }
            return woken && !expired;
        }

        /**
         * Puts the greenlet back on the run queue unless it was woken already.
         *
         * @return true when this call woke it
         */
        public boolean wake() {
            if (woken) {
                return false;
            }
            woken = true;
            hub.ready.add(this);
            return true;
        }

        /** Same as {@link #wake()}, for lists of callbacks. */
        @Override
        public void run() {
            wake();
        }

        /** The operation, what it waits for, and whether a timer may end it, for reports. */
        String describe() {
            return what + (on == null ? "" : " for " + Hub.describe(on)) + (timed ? " (with a timeout)" : "");
        }

        /** Called by its timer: wakes the greenlet, and {@link #park} then reports that the time ran out. */
        void expire() {
            if (!woken) {
                expired = true;
                wake();
            }
        }
    }

    /** A request to raise {@code GreenletExit} in a greenlet. */
    private static final class Kill {
        final SpawnedGreenlet<?> greenlet;

        Kill(SpawnedGreenlet<?> greenlet) {
            this.greenlet = greenlet;
        }
    }

    /**
     * A deadline on the heap and what happens then (a {@link Waiter} expires, anything else goes on the
     * run queue); a cancelled timer stays there until it comes up and is dropped.
     */
    static final class Timer implements Comparable<Timer> {
        final long deadline;
        final long sequence;
        final Object action;
        boolean cancelled;

        Timer(long deadline, long sequence, Object action) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.action = action;
        }

        void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            long d = deadline - o.deadline;
            if (d != 0) {
                return d < 0 ? -1 : 1;
            }
            return Long.compare(sequence, o.sequence);
        }
    }
}
