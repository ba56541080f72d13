package dev.weft.bench;

import dev.weft.Generator;
import dev.weft.Suspendable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Iterating the sequence 0, 1, …, {@value #N}−1: a {@link Generator} whose body yields each element,
 * beside a hand-written {@link Iterator} and a {@code Stream}, each consumed the way it is meant to be
 * (a {@code for} loop, a {@code for} loop, a reduction).
 *
 * <p>One operation is one element. Each invocation creates the sequence afresh and takes all of it,
 * so the creation cost is spread over {@value #N} elements. The elements are boxed beforehand, so that
 * no variant allocates them: the figure is the cost of producing and taking one element.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GeneratorIteration {
    static final int N = 1_000;
    private static final Integer[] VALUES = IntStream.range(0, N).boxed().toArray(Integer[]::new);
    private static final long SUM = (long) N * (N - 1) / 2;

    @Setup
    public void check() {
        if (generator() != SUM || generatorInWovenCode() != SUM || iterator() != SUM || stream() != SUM) {
            throw new IllegalStateException("the three sequences disagree: is the Weft agent attached?");
        }
    }

    /** Weft: a generator whose body yields each element; the loop resumes it once per element. */
    @Benchmark
    @OperationsPerInvocation(N)
    public long generator() {
        long sum = 0;
        for (Integer v : Generator.<Integer>of(() -> {
            for (int i = 0; i < N; i++) {
                Generator.yield(VALUES[i]);
            }
        })) {
            sum += v;
        }
        return sum;
    }

    /**
     * Weft: the same generator, taken by a {@code for} loop in a {@code @Suspendable} method, as a
     * greenlet's code takes it: the agent sends the loop's {@code hasNext} and {@code next} through
     * {@code dev.weft.internal.Forward}, so that a body that waits could suspend the caller too.
     */
    @Benchmark
    @OperationsPerInvocation(N)
    public long generatorInWovenCode() {
        return sumOf(Generator.<Integer>of(() -> {
            for (int i = 0; i < N; i++) {
                Generator.yield(VALUES[i]);
            }
        }));
    }

    @Suspendable
    private static long sumOf(Iterable<Integer> values) {
        long sum = 0;
        for (Integer v : values) {
            sum += v;
        }
        return sum;
    }

    /** The same sequence as a hand-written iterator: a counter in a field. */
    @Benchmark
    @OperationsPerInvocation(N)
    public long iterator() {
        long sum = 0;
        for (Iterator<Integer> it = new Counting(N); it.hasNext();) {
            sum += it.next();
        }
        return sum;
    }

    /** The same sequence as a stream, reduced to its sum. */
    @Benchmark
    @OperationsPerInvocation(N)
    public long stream() {
        return IntStream.range(0, N).mapToObj(i -> VALUES[i]).mapToLong(Integer::longValue).sum();
    }

    /** 0, 1, …, n−1. */
    private static final class Counting implements Iterator<Integer> {
        private final int n;
        private int next;

        Counting(int n) {
            this.n = n;
        }

        @Override
        public boolean hasNext() {
            return next < n;
        }

        @Override
        public Integer next() {
            if (next >= n) {
                throw new NoSuchElementException();
            }
            return VALUES[next++];
        }
    }
}
