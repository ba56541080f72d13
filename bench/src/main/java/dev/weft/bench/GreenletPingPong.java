package dev.weft.bench;

import dev.weft.Greenlet;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * Two greenlets switching to each other, beside two virtual threads handing a token to each other
 * with {@code LockSupport.park}/{@code unpark} (as {@code ../shared/anchors/LoomAnchors.java} does).
 *
 * <p>One operation is one switch: control passing from one of the two to the other. Each invocation
 * makes {@value #SWITCHES} of them, entered from and returned to the benchmark thread once (for
 * greenlets: two more switches, to and from the root; for virtual threads: one unpark of the first
 * and one park of the benchmark thread), so that entry and exit weigh about 0.2% of the figure.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GreenletPingPong {
    static final int SWITCHES = 1_000;

    /** Weft: {@value #SWITCHES} switches between two greenlets. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void greenlets(Greenlets g) {
        g.ping.switchTo();
    }

    /** Two greenlets, ping and pong, that switch to each other {@value #SWITCHES} times per switch into ping. */
    @State(Scope.Thread)
    public static class Greenlets {
        private Greenlet root;
        private Greenlet ping;
        private Greenlet pong;

        @Setup(Level.Trial)
        public void setUp() {
            root = Greenlet.current();
            pong = new Greenlet(() -> {
                while (true) {
                    ping.switchTo();
                }
            });
            ping = new Greenlet(() -> {
                while (true) {
                    for (int i = 0; i < SWITCHES / 2; i++) {
                        pong.switchTo();
                    }
                    root.switchTo();
                }
            });
            ping.switchTo();
            if (ping.isDead() || pong.isDead() || !pong.isStarted()) {
                throw new IllegalStateException("the greenlets did not switch: is the Weft agent attached?");
            }
        }
    }

    /** Loom: {@value #SWITCHES} park/unpark hand-overs between two virtual threads. */
    @Benchmark
    @OperationsPerInvocation(SWITCHES)
    public void virtualThreads(VirtualThreads vt) {
        vt.handTo(vt.ping);
        vt.waitTurn(vt.benchThread);
    }

    /** Two virtual threads waiting for a token, for {@code virtualThreads} here and {@code SyncPingPong.virtualThreadsPark}. */
    @State(Scope.Thread)
    public static class VirtualThreads {
        Thread benchThread;
        Thread ping;
        private Thread pong;
        // Who holds the token: the benchmark thread, ping or pong. Each parks until it is its turn.
        private volatile Thread turn;
        private volatile boolean stopping;

        @Setup(Level.Trial)
        public void startVirtualThreads() {
            benchThread = Thread.currentThread();
            turn = benchThread;
            ping = virtualThread(() -> {
                while (waitTurn(ping)) {
                    for (int i = 0; i < SWITCHES / 2 && !stopping; i++) {
                        handTo(pong);
                        waitTurn(ping);
                    }
                    handTo(benchThread);
                }
            });
            pong = virtualThread(() -> {
                while (waitTurn(pong)) {
                    handTo(ping);
                }
            });
            ping.start();
            pong.start();
        }

        @TearDown(Level.Trial)
        public void stopVirtualThreads() throws InterruptedException {
            stopping = true;
            LockSupport.unpark(ping);
            LockSupport.unpark(pong);
            ping.join(10_000);
            pong.join(10_000);
        }

        void handTo(Thread next) {
            turn = next;
            LockSupport.unpark(next);
        }

        /** Parks until {@code me} holds the token; false once the benchmark is stopping. */
        boolean waitTurn(Thread me) {
            while (turn != me) {
                if (stopping) {
                    return false;
                }
                LockSupport.park(this);
            }
            return true;
        }

        /** {@code Thread.ofVirtual().unstarted(body)}, reached by reflection: this module compiles for Java 17. */
        private static Thread virtualThread(Runnable body) {
            try {
                Method ofVirtual = Thread.class.getMethod("ofVirtual");
                Method unstarted = Class.forName("java.lang.Thread$Builder").getMethod("unstarted", Runnable.class);
                return (Thread) unstarted.invoke(ofVirtual.invoke(null), body);
            } catch (NoSuchMethodException | ClassNotFoundException e) {
                throw new IllegalStateException("virtual threads need JDK 21 or later, but this JVM is Java "
                        + System.getProperty("java.version") + ": run bench/run.sh with JDK=/path/to/jdk21+", e);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("could not create a virtual thread through Thread.ofVirtual()", e);
            }
        }
    }
}
