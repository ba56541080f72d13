package dev.weft.bench;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.SuspendableRunnable;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The "one million concurrent tasks" benchmark: {@code tasks} greenlets spawned on the benchmark
 * thread's hub, each sleeping {@code sleepMillis}, and all joined; beside the same number of virtual
 * threads, each in {@code Thread.sleep}, all joined (JDK 21+).
 *
 * <p>One operation is the whole program: start every task, wait until all have slept and ended. Its
 * time minus {@code sleepMillis} is what starting, parking, waking and ending the tasks cost (issue
 * 5 asks for 1M tasks sleeping 10 s to finish within 10.5 s: {@code -p sleepMillis=10000}).
 *
 * <p>{@code greenletsHeap} and {@code virtualThreadsHeap} run the same programs with a sleep of at
 * least 10 s, and each task counts itself as it starts and ends its sleep. Once all have started (and
 * none has ended), the benchmark thread (for greenlets, plain code sleeping in steps of 10 ms, which
 * runs the hub meanwhile) runs the collector and reads the heap in use: {@code heapBytesPerTask} is that minus the heap in use (also after a collection) just before the tasks were started, divided
 * by {@code tasks}. It counts everything a sleeping task keeps alive (for virtual threads, their stacks
 * in the heap and the timers of their sleeps), and the array of handles both variants keep (4 or 8
 * bytes per task), as {@code ../shared/anchors/LoomAnchors.java} measures parked virtual threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class Sleepers {
    @Param({"1000000"})
    int tasks;

    @Param({"1000"})
    long sleepMillis;

    private long heapBefore;

    /** The heap each sleeping task keeps, in bytes, reported beside the time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Heap {
        /**
         * Heap in use while all tasks sleep, less the heap before they started, per task. JMH adds up
         * an events counter over the measurement iterations and over the forks, so each iteration adds
         * its share: the figure printed is the mean.
         */
        public double heapBytesPerTask;
        private double share;

        /** Notes this iteration's share of the mean. */
        @Setup(Level.Iteration)
        public void iteration(BenchmarkParams params) {
            heapBytesPerTask = 0;
            share = 1.0 / ((double) params.getMeasurement().getCount() * Math.max(1, params.getForks()));
        }

        void record(double bytesPerTask) {
            heapBytesPerTask = bytesPerTask * share;
        }
    }

    /** Collects before each run, so that one run's garbage does not weigh on the next, and notes the heap in use. */
    @Setup(Level.Invocation)
    public void collect() {
        heapBefore = usedAfterCollection();
    }

    /** Weft: {@code tasks} greenlets, each sleeping {@code sleepMillis}, joined; the time. */
    @Benchmark
    public SpawnedGreenlet<?> greenlets() {
        return greenlets(null);
    }

    /** Weft: the same program, measuring the heap halfway through the sleep (its time includes two collections). */
    @Benchmark
    public SpawnedGreenlet<?> greenletsHeap(Heap heap) {
        return greenlets(heap);
    }

    /** Loom: {@code tasks} virtual threads, each in {@code Thread.sleep(sleepMillis)}, joined; the time. */
    @Benchmark
    public Thread virtualThreads() throws InterruptedException {
        return virtualThreads(null);
    }

    /** Loom: the same program, measuring the heap halfway through the sleep (its time includes two collections). */
    @Benchmark
    public Thread virtualThreadsHeap(Heap heap) throws InterruptedException {
        return virtualThreads(heap);
    }

    private SpawnedGreenlet<?> greenlets(Heap heap) {
        SpawnedGreenlet<?>[] all = new SpawnedGreenlet<?>[tasks];
        long sleep = heap == null ? sleepMillis : heapSleepMillis();
        int[] counts = new int[2]; // started, ended (the hub's thread only)
        SuspendableRunnable body = heap == null ? () -> Hub.sleep(sleep) : () -> {
            counts[0]++;
            Hub.sleep(sleep);
            counts[1]++;
        };
        for (int i = 0; i < all.length; i++) {
            all[i] = Hub.spawn(body);
        }
        if (heap != null) {
            // plain code sleeping runs the hub: the greenlets start and go to sleep meanwhile
            while (counts[0] < all.length) {
                Hub.sleep(10);
            }
            heap.record(perTask(counts[1], all.length));
        }
        Hub.joinAll(all);
        if (!all[0].isSuccessful() || !all[all.length - 1].isSuccessful()) {
            throw new IllegalStateException("the greenlets did not sleep: is the Weft agent attached?");
        }
        return all[all.length - 1];
    }

    private Thread virtualThreads(Heap heap) throws InterruptedException {
        ThreadFactory virtual = VirtualThreads.factory();
        Thread[] all = new Thread[tasks];
        long sleep = heap == null ? sleepMillis : heapSleepMillis();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        Runnable body = heap == null ? () -> sleep(sleep) : () -> {
            started.incrementAndGet();
            sleep(sleep);
            ended.incrementAndGet();
        };
        for (int i = 0; i < all.length; i++) {
            all[i] = virtual.newThread(body);
            all[i].start();
        }
        if (heap != null) {
            while (started.get() < all.length) {
                Thread.sleep(10);
            }
            heap.record(perTask(ended.get(), all.length));
        }
        for (Thread t : all) {
            t.join();
        }
        return all[all.length - 1];
    }

    /** The heap variants sleep at least 10 s (issue 5's program), so that every task sleeps when the heap is read. */
    private long heapSleepMillis() {
        return Math.max(sleepMillis, 10_000);
    }

    /** The heap in use now, less the heap before the tasks started, per task; refuses a reading taken too late. */
    private double perTask(int ended, int tasks) {
        if (ended > 0) {
            throw new IllegalStateException(ended + " tasks had finished their sleep before all had started: "
                    + "the heap per sleeping task cannot be read; use a longer -p sleepMillis");
        }
        return (usedAfterCollection() - heapBefore) / (double) tasks;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long usedAfterCollection() {
        Runtime r = Runtime.getRuntime();
        System.gc();
        System.gc();
        return r.totalMemory() - r.freeMemory();
    }
}
