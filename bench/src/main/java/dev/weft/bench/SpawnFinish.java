package dev.weft.bench;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.SuspendableRunnable;
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

/**
 * Starting a task that does almost nothing and waiting until it has finished: {@link Hub#spawn} on the
 * benchmark thread's hub, beside a virtual thread's {@code start} and {@code join} (JDK 21+).
 *
 * <p>One operation is one task: created, started, run to its end, and known to have finished. Each
 * invocation starts {@value #N} tasks and then waits for all of them (for greenlets: a {@code join} of
 * the last one, which runs the hub until all have run, since the run queue is FIFO; for virtual
 * threads: a {@code join} of each), so the wait is part of the figure, spread over {@value #N} tasks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpawnFinish {
    static final int N = 1_000;
    static int counter;

    private final SuspendableRunnable greenletBody = () -> counter++;
    private final Runnable threadBody = () -> { };
    private final Thread[] threads = new Thread[N];
    private ThreadFactory virtual;

    @Setup(Level.Trial)
    public void setUp() {
        int before = counter;
        greenlets();
        if (counter != before + N) {
            throw new IllegalStateException("the spawned greenlets did not all run: is the Weft agent attached?");
        }
    }

    /** Weft: {@value #N} greenlets spawned on the hub, then run to their end by joining the last. */
    @Benchmark
    @OperationsPerInvocation(N)
    public SpawnedGreenlet<Void> greenlets() {
        SpawnedGreenlet<Void> last = null;
        for (int i = 0; i < N; i++) {
            last = Hub.spawn(greenletBody);
        }
        last.join();
        return last;
    }

    /** Loom: {@value #N} virtual threads started, then each joined. */
    @Benchmark
    @OperationsPerInvocation(N)
    public Thread virtualThreads() throws InterruptedException {
        if (virtual == null) {
            virtual = VirtualThreads.factory();
        }
        for (int i = 0; i < N; i++) {
            Thread t = virtual.newThread(threadBody);
            t.start();
            threads[i] = t;
        }
        for (int i = 0; i < N; i++) {
            threads[i].join();
        }
        return threads[N - 1];
    }
}
