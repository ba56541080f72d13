package dev.weft.bench;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What weaving costs code that does not suspend: the same loop of calls, woven (each call is a
 * suspension point that reads the flag) and plain, called outside a coroutine and inside one.
 * Run with {@code -prof gc} to see that the woven fast path allocates nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FastPath {
    @Param({"100"})
    int n;

    int limit = -1;
    private long inside;

    @Setup
    public void setUp() {
        Coroutine<Object, Object> c = Coroutine.of(() -> {
            // A body that never yields can still detect whether the agent wove the loop below.
            inside = wovenLoop(n, limit);
        });
        c.next();
        if (!c.isDone() || inside != plainLoop(n, limit)) {
            throw new IllegalStateException("woven and plain loops disagree");
        }
    }

    /** The woven loop, called from plain code. */
    @Benchmark
    public long wovenOutside() {
        return wovenLoop(n, limit);
    }

    /** The same loop unwoven. */
    @Benchmark
    public long plainOutside() {
        return plainLoop(n, limit);
    }

    /** The woven loop inside a running coroutine that never suspends. */
    @Benchmark
    public long wovenInside() {
        Coroutine<Object, Object> c = Coroutine.of(() -> inside = wovenLoop(n, limit));
        c.next();
        return inside;
    }

    /** The plain loop inside a running coroutine (the coroutine's own start-up cost, for reference). */
    @Benchmark
    public long plainInside() {
        Coroutine<Object, Object> c = Coroutine.of(() -> inside = plainLoop(n, limit));
        c.next();
        return inside;
    }

    @Suspendable
    static long wovenLoop(int n, int limit) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += wovenStep(i, limit);
        }
        return acc;
    }

    @Suspendable
    static long wovenStep(int i, int limit) {
        if (i == limit) {
            Coroutine.yield();
        }
        return (i * 31L) ^ (acc(i) >>> 3);
    }

    static long plainLoop(int n, int limit) {
        long acc = 0;
        for (int i = 0; i < n; i++) {
            acc += plainStep(i, limit);
        }
        return acc;
    }

    static long plainStep(int i, int limit) {
        if (i == limit) {
            throw new IllegalStateException("never");
        }
        return (i * 31L) ^ (acc(i) >>> 3);
    }

    private static long acc(int i) {
        return (long) i * i + 7;
    }
}
