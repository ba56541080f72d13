package dev.weft.bench;

import dev.weft.Hub;
import dev.weft.Suspendable;
import dev.weft.sync.Event;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
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
 * {@link Hub#await} of a {@code CompletableFuture}, against the JDK's own ways of waiting for one.
 *
 * <ul>
 *   <li>{@link #awaitCompleted} against {@link #joinCompleted}: a future that has completed already,
 *       {@code Hub.await} (no switch, no callback) beside a plain {@code future.join()}, each called
 *       once from a plain method (not made resumable; the agent still gives its call of
 *       {@code Hub.await} the completed-future test and, after it, the check for a lost suspension).
 *   <li>{@link #awaitCompletedInWovenCode} against {@link #joinCompletedInLoop}: the same, {@value #AWAITS}
 *       times in a loop of a method the agent weaves, where a greenlet's code awaits: there the call
 *       site reads a completed future itself (the agent's completed-future test before the call) and
 *       enters {@code Hub.await} only for one that has not completed; beside the same loop of
 *       {@code join()}.
 *   <li>{@link #awaitFromThread} against {@link #virtualThreadJoin}: a round trip to a platform thread
 *       that completes each future it is handed (a ping-pong): a greenlet that hands over a new future
 *       and awaits it (one wake-up of the hub through {@code submit}), beside a virtual thread that
 *       hands over a new future and {@code join}s it (one unpark of the virtual thread). Each does
 *       {@value #ROUNDS} round trips per invocation, started and awaited once by the benchmark thread.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AwaitBench {
    static final int ROUNDS = 1_000;
    static final int AWAITS = 100;

    /** A future completed before the benchmark, in a field so that the compiler cannot fold it. */
    @State(Scope.Thread)
    public static class Completed {
        CompletableFuture<Integer> future;

        @Setup(Level.Trial)
        public void complete() {
            future = CompletableFuture.completedFuture(42);
        }
    }

    /** Weft: {@code Hub.await} of a completed future. */
    @Benchmark
    public Integer awaitCompleted(Completed c) {
        return Hub.await(c.future);
    }

    /** The anchor: {@code join()} of a completed future. */
    @Benchmark
    public Integer joinCompleted(Completed c) {
        return c.future.join();
    }

    /** Weft: {@value #AWAITS} {@code Hub.await}s of a completed future in woven code (as a greenlet's code awaits). */
    @Benchmark
    @OperationsPerInvocation(AWAITS)
    @Suspendable
    public long awaitCompletedInWovenCode(Completed c) {
        long sum = 0;
        for (int i = 0; i < AWAITS; i++) {
            sum += Hub.await(c.future);
        }
        return sum;
    }

    /** The anchor: {@value #AWAITS} {@code join()}s of a completed future in the same loop. */
    @Benchmark
    @OperationsPerInvocation(AWAITS)
    public long joinCompletedInLoop(Completed c) {
        long sum = 0;
        for (int i = 0; i < AWAITS; i++) {
            sum += c.future.join();
        }
        return sum;
    }

    /** Weft: {@value #ROUNDS} round trips of a greenlet awaiting futures that a platform thread completes. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public void awaitFromThread(Greenlets g) {
        g.go.set();
        g.done.await();
        g.done.clear();
    }

    /** A greenlet of the benchmark thread's hub that, on each go, makes {@value #ROUNDS} round trips to the completer. */
    @State(Scope.Thread)
    public static class Greenlets {
        final Event go = new Event();
        final Event done = new Event();
        final Completer completer = new Completer();
        private long sum;

        @Setup(Level.Trial)
        public void setUp() {
            completer.start();
            Hub.spawn(() -> {
                while (true) {
                    go.await();
                    go.clear();
                    for (int i = 0; i < ROUNDS; i++) {
                        CompletableFuture<Long> f = new CompletableFuture<>();
                        completer.requests.put(f);
                        sum += Hub.await(f);
                    }
                    done.set();
                }
            });
            go.set();
            done.await();
            done.clear();
            if (sum != ROUNDS) {
                throw new IllegalStateException("the greenlet did not make its round trips: is the Weft agent attached?");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            completer.stop();
        }
    }

    /** Loom: {@value #ROUNDS} round trips of a virtual thread joining futures that a platform thread completes. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Object virtualThreadJoin(VirtualThread v) throws InterruptedException {
        v.go.put(Boolean.TRUE);
        return v.done.take();
    }

    /** A virtual thread that, on each go, makes {@value #ROUNDS} round trips to the completer. */
    @State(Scope.Thread)
    public static class VirtualThread {
        final SynchronousQueue<Object> go = new SynchronousQueue<>();
        final SynchronousQueue<Object> done = new SynchronousQueue<>();
        final Completer completer = new Completer();
        private Thread thread;

        @Setup(Level.Trial)
        public void setUp() {
            completer.start();
            thread = VirtualThreads.factory().newThread(() -> {
                try {
                    while (true) {
                        go.take();
                        long sum = 0;
                        for (int i = 0; i < ROUNDS; i++) {
                            CompletableFuture<Long> f = new CompletableFuture<>();
                            completer.requests.put(f);
                            sum += f.join();
                        }
                        done.put(sum);
                    }
                } catch (InterruptedException stop) {
                    // the trial is over
                }
            });
            thread.start();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
            completer.stop();
        }
    }

    /** A platform thread completing, with 1, each future put on its queue, in turn. */
    static final class Completer {
        final BlockingQueue<CompletableFuture<Long>> requests = new LinkedBlockingQueue<>();
        private final Thread thread = new Thread(this::serve, "await-bench-completer");

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            thread.interrupt();
            thread.join(10_000);
        }

        private void serve() {
            try {
                while (true) {
                    requests.take().complete(1L);
                }
            } catch (InterruptedException stop) {
                // the trial is over
            }
        }
    }
}
