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
    private long wovenResult;
    private long plainResult;
    private Coroutine<Object, Object> woven;
    private Coroutine<Object, Object> plain;

    @Setup
    public void setUp() {
        // Each coroutine runs its loop once per resume and yields at its top level, so that a
        // benchmark op is: resume, the loop on a running coroutine's stack, yield.
        woven = Coroutine.of(() -> {
            while (true) {
                wovenResult = wovenLoop(n, limit);
                Coroutine.yield();
            }
        });
        plain = Coroutine.of(() -> {
            while (true) {
                plainResult = plainLoop(n, limit);
                Coroutine.yield();
            }
        });
        woven.next();
        plain.next();
        if (woven.isDone() || wovenResult != plainResult || wovenResult != wovenLoop(n, limit)) {
            throw new IllegalStateException("woven and plain loops disagree: is the Weft agent attached?");
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

    /** The woven loop inside a running coroutine, which suspends only after it, at its top level. */
    @Benchmark
    public long wovenInside() {
        woven.next();
        return wovenResult;
    }

    /** The plain loop inside a running coroutine, suspended the same way. */
    @Benchmark
    public long plainInside() {
        plain.next();
        return plainResult;
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
            notYield();
        }
        return (i * 31L) ^ (acc(i) >>> 3);
    }

    /** Stands where the woven step yields: a static call in a branch never taken. */
    static Object notYield() {
        return null;
    }

    private static long acc(int i) {
        return (long) i * i + 7;
    }
}
