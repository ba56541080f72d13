package dev.weft;

import dev.weft.internal.HubHooks;
import dev.weft.internal.VirtualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * {@link #joinAll} from {@code main} runs the hub until the greenlets are done.
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
    /** Greenlets to switch to, in order; a {@link Kill} raises {@code GreenletExit} in its greenlet instead. */
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long timerSequence;
    /** Set by the JUnit extension on the threads it starts: told of spawns and failures; null elsewhere. */
    final HubHooks.Observer observer = HubHooks.bound();
    /** The virtual clock under {@code @WeftTest(virtualTime = true)}; null for real time. */
    private final VirtualClock clock = observer == null ? null : observer.clock();

    private Hub() {
        greenlet = new Greenlet(this::loop);
        greenlet.setParent(home.root);
    }

    /** Returns the current thread's hub, creating it on first use. */
    static Hub get() {
        return LOCAL.get();
    }

    /**
     * Returns the current thread's hub, creating it on first use (gevent's {@code get_hub}).
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
        if (hub.observer != null) {
            hub.observer.spawned(spawned);
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
        spawned.startTimer = hub.schedule(hub.deadlineAfter(saturatedNanos(delay)), new Waiter(hub, spawned.greenlet));
        if (hub.observer != null) {
            hub.observer.spawned(spawned);
        }
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
                g.joinUntil(false, 0);
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
            g.joinUntil(false, 0);
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
            if (!g.joinUntil(true, deadline)) {
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

    @Suspendable
    private static void sleepNanos(long nanos) {
        Hub hub = get();
        Greenlet me = hub.waiter("Hub.sleep");
        if (nanos == 0) {
            // behind every greenlet ready now: each runs once before this one continues
            hub.ready.add(me);
            hub.greenlet.switchTo();
            return;
        }
        Timer timer = hub.schedule(hub.deadlineAfter(nanos), new Waiter(hub, me));
        try {
            hub.greenlet.switchTo();
        } finally {
            timer.cancel();
        }
    }

    /** The current greenlet, which is about to wait in this hub; refuses the hub itself. */
    Greenlet waiter(String what) {
        Greenlet me = home.current;
        if (me == greenlet) {
            throw new IllegalStateException(what + " was called in the hub's own greenlet, which must never wait");
        }
        return me;
    }

    /** Wakes {@code waiter} at {@code deadline} (a {@link #nanoTime} value) unless cancelled first. */
    Timer schedule(long deadline, Waiter waiter) {
        Timer timer = new Timer(deadline, timerSequence++, waiter);
        timers.add(timer);
        return timer;
    }

    /** Puts {@code g} on the run queue. */
    void makeReady(Greenlet g) {
        ready.add(g);
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
                    home.root.throwInto(new IllegalStateException("the hub of thread \"" + home.thread.getName()
                            + "\" has nothing ready to run and no timers: the wait can never end"));
                } else {
                    long wait = next.deadline - nanoTime();
                    if (wait > 0) {
                        if (clock != null) {
                            // virtual time: nothing can happen before the next timer, so skip to it
                            clock.advanceTo(next.deadline);
                        } else {
                            LockSupport.parkNanos(this, wait);
                        }
                    }
                }
                continue;
            }
            // only the greenlets ready at the start of the pass: sleep(0) puts its caller behind them
            for (int i = 0; i < n; i++) {
                Object next = ready.poll();
                if (next instanceof Kill) {
                    ((Kill) next).greenlet.exit();
                } else {
                    ((Greenlet) next).switchTo();
                }
            }
        }
    }

    private void fireDueTimers() {
        long now = nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && (t.cancelled || t.deadline - now <= 0)) {
            timers.poll();
            if (!t.cancelled) {
                t.waiter.expire();
            }
        }
    }

    /** The {@link #nanoTime} value {@code nanos} from now; waits beyond ~73 years are cut to that. */
    long deadlineAfter(long nanos) {
        // nanoTime values are compared by difference, so deadlines must stay within 2^62 ns of now
        return nanoTime() + Math.min(nanos, Long.MAX_VALUE / 4);
    }

    private static long saturatedNanos(Duration d) {
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
     * A waiter belongs to the hub of the thread that created it and is used on that thread only.
     */
    public static final class Waiter {
        private final Hub hub;
        final Greenlet greenlet;
        private boolean woken;
        private boolean expired;

        Waiter(Hub hub, Greenlet greenlet) {
            this.hub = hub;
            this.greenlet = greenlet;
        }

        /**
         * Returns a waiter for the current greenlet (or plain code) on this thread's hub.
         *
         * @param what the waiting operation, named in the error when the hub itself would wait
         * @return a waiter that has not been woken
         * @throws IllegalStateException when called in the hub's own greenlet
         */
        public static Waiter forCurrent(String what) {
            Hub hub = get();
            return new Waiter(hub, hub.waiter(what));
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
            Timer timer = timeout == null ? null : hub.schedule(hub.deadlineAfter(saturatedNanos(timeout)), this);
            try {
                hub.greenlet.switchTo();
            } finally {
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
            hub.makeReady(greenlet);
            return true;
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

    /** A waiter's deadline on the heap; a cancelled timer stays there until it comes up and is dropped. */
    static final class Timer implements Comparable<Timer> {
        final long deadline;
        final long sequence;
        final Waiter waiter;
        boolean cancelled;

        Timer(long deadline, long sequence, Waiter waiter) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.waiter = waiter;
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
