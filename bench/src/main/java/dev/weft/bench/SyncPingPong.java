package dev.weft.bench;

import dev.weft.Hub;
import dev.weft.sync.Channel;
import dev.weft.sync.Event;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Two greenlets of the hub taking turns through {@code dev.weft.sync}: through two {@link Event}s, and
 * through two {@link Channel}s; beside two virtual threads taking turns by {@code LockSupport}
 * hand-off (the anchor of {@link GreenletPingPong}) and through two {@code SynchronousQueue}s.
 *
 * <p>One operation is one hand-off: control passing from one of the two to the other through the
 * hub (for greenlets: the waiter made ready on the hub's run queue, and one switch from the greenlet
 * that waits straight to it, as the hub would take it; see {@code Hub.next()}). Each invocation makes
 * {@value #HANDOFFS} of them, started and awaited once from the benchmark thread. The greenlets'
 * bodies never return, so {@code Hub.spawn} takes them as callables (the body is the greenlet's own
 * either way).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SyncPingPong {
    static final int HANDOFFS = 1_000;
    private static final Object TOKEN = "token";

    /** Weft: {@value #HANDOFFS} hand-offs between two greenlets, each setting the event the other awaits. */
    @Benchmark
    @OperationsPerInvocation(HANDOFFS)
    public void event(Events e) {
        e.go.set();
        e.done.await();
        e.done.clear();
    }

    /** Two greenlets of the benchmark thread's hub: ping sets toPong and awaits toPing; pong the reverse. */
    @State(Scope.Thread)
    public static class Events {
        final Event go = new Event();
        final Event done = new Event();
        private final Event toPong = new Event();
        private final Event toPing = new Event();
        private int rounds;

        @Setup(Level.Trial)
        public void setUp() {
            Hub.spawn(() -> {
                while (true) {
                    go.await();
                    go.clear();
                    for (int i = 0; i < HANDOFFS / 2; i++) {
                        toPong.set();
                        toPing.await();
                        toPing.clear();
                    }
                    rounds++;
                    done.set();
                }
            });
            Hub.spawn(() -> {
                while (true) {
                    toPong.await();
                    toPong.clear();
                    toPing.set();
                }
            });
            go.set();
            done.await();
            done.clear();
            if (rounds != 1) {
                throw new IllegalStateException("the greenlets did not take turns: is the Weft agent attached?");
            }
        }
    }

    /** Weft: {@value #HANDOFFS} hand-offs between two greenlets, each putting into the channel the other takes from. */
    @Benchmark
    @OperationsPerInvocation(HANDOFFS)
    public Object channel(Channels c) {
        c.go.put(TOKEN);
        return c.done.get();
    }

    /** Two greenlets of the benchmark thread's hub: ping puts into toPong and takes from toPing; pong the reverse. */
    @State(Scope.Thread)
    public static class Channels {
        final Channel<Object> go = new Channel<>();
        final Channel<Object> done = new Channel<>();
        private final Channel<Object> toPong = new Channel<>();
        private final Channel<Object> toPing = new Channel<>();

        @Setup(Level.Trial)
        public void setUp() {
            Hub.spawn(() -> {
                while (true) {
                    Object token = go.get();
                    for (int i = 0; i < HANDOFFS / 2; i++) {
                        toPong.put(token);
                        token = toPing.get();
                    }
                    done.put(token);
                }
            });
            Hub.spawn(() -> {
                while (true) {
                    toPing.put(toPong.get());
                }
            });
            go.put(TOKEN);
            if (done.get() != TOKEN) {
                throw new IllegalStateException("the greenlets did not take turns: is the Weft agent attached?");
            }
        }
    }

    /** Loom: {@value #HANDOFFS} {@code LockSupport} hand-offs between two virtual threads. */
    @Benchmark
    @OperationsPerInvocation(HANDOFFS)
    public void virtualThreadsPark(GreenletPingPong.VirtualThreads vt) {
        vt.handTo(vt.ping);
        vt.waitTurn(vt.benchThread);
    }

    /** Loom: {@value #HANDOFFS} hand-offs between two virtual threads through {@code SynchronousQueue}s. */
    @Benchmark
    @OperationsPerInvocation(HANDOFFS)
    public Object virtualThreadsSynchronousQueue(Queues q) throws InterruptedException {
        q.go.put(TOKEN);
        return q.done.take();
    }

    /** Two virtual threads: ping puts into toPong and takes from toPing; pong the reverse. */
    @State(Scope.Thread)
    public static class Queues {
        final SynchronousQueue<Object> go = new SynchronousQueue<>();
        final SynchronousQueue<Object> done = new SynchronousQueue<>();
        private final SynchronousQueue<Object> toPong = new SynchronousQueue<>();
        private final SynchronousQueue<Object> toPing = new SynchronousQueue<>();
        private Thread ping;
        private Thread pong;

        @Setup(Level.Trial)
        public void startVirtualThreads() {
            ThreadFactory virtual = VirtualThreads.factory();
            ping = virtual.newThread(() -> {
                try {
                    while (true) {
                        Object token = go.take();
                        for (int i = 0; i < HANDOFFS / 2; i++) {
                            toPong.put(token);
                            token = toPing.take();
                        }
                        done.put(token);
                    }
                } catch (InterruptedException stop) {
                    // the trial is over
                }
            });
            pong = virtual.newThread(() -> {
                try {
                    while (true) {
                        toPing.put(toPong.take());
                    }
                } catch (InterruptedException stop) {
                    // the trial is over
                }
            });
            ping.start();
            pong.start();
        }

        @TearDown(Level.Trial)
        public void stopVirtualThreads() throws InterruptedException {
            ping.interrupt();
            pong.interrupt();
            ping.join(10_000);
            pong.join(10_000);
        }
    }
}
