package dev.weft.bench;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One suspend-and-resume round trip with the suspension {@code depth} frames below the coroutine's
 * body: Weft's {@code next()} → {@code yield()} against Loom's {@code run()} → {@code yield()} on
 * the same recursion.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoundTrip {
    static volatile long sink;

    @Param({"1", "5", "20", "100"})
    int depth;

    private Coroutine<Object, Object> weft;
    private Object loom;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        int d = depth;
        weft = Coroutine.of(() -> deep(d));
        weft.next();
        if (weft.isDone()) {
            throw new IllegalStateException("the coroutine did not suspend: is the Weft agent attached?");
        }
        if (Loom.available()) {
            loom = Loom.yieldingAtDepth(depth);
            Loom.run(loom);
        }
    }

    @Suspendable
    static void deep(int depth) {
        if (depth <= 1) {
            while (true) {
                Coroutine.yield();
            }
        }
        deep(depth - 1);
        sink++;
    }

    /** Weft: one {@code next()} that resumes the body and returns at its next yield. */
    @Benchmark
    public Object weft() {
        return weft.next();
    }

    /** Loom: one {@code Continuation.run()} that resumes the body and returns at its next yield. */
    @Benchmark
    public void loom() throws Throwable {
        Loom.requireAvailable();
        Loom.run(loom);
    }
}
