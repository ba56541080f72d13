package dev.weft.bench;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.Event;

/**
 * {@code SyncPingPong.event}'s two greenlets in a plain program, outside JMH: one sets {@code toPong}
 * and awaits {@code toPing} {@code n} times, the other does the reverse for ever; the time of the
 * first's run divided by the {@code 2n} hand-offs. A second figure, from one JVM and one JIT outcome,
 * beside JMH's (whose runs scatter with the JIT's inlining choices).
 *
 * <pre>
 * java -javaagent:agent/target/weft-agent-0.1.0-SNAPSHOT.jar -cp bench/target/weft-benchmarks.jar \
 *     dev.weft.bench.HandOffs [hand-offs/2, default 50000000]
 * </pre>
 */
public final class HandOffs {
    private HandOffs() {
    }

    /**
     * Runs the program.
     *
     * @param args the number of round trips (two hand-offs each), optional
     */
    public static void main(String[] args) {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 50_000_000L;
        Event toPong = new Event();
        Event toPing = new Event();
        long[] rounds = {0};
        long start = System.nanoTime();
        SpawnedGreenlet<Void> ping = Hub.spawn(() -> {
            for (long i = 0; i < n; i++) {
                toPong.set();
                toPing.await();
                toPing.clear();
                rounds[0]++;
            }
        });
        Hub.spawn(() -> {
            while (true) {
                toPong.await();
                toPong.clear();
                toPing.set();
            }
        });
        ping.join();
        long elapsed = System.nanoTime() - start;
        if (rounds[0] != n) {
            throw new IllegalStateException("the greenlets did not take turns: is the Weft agent attached?");
        }
        System.out.printf("%.1f ns per hand-off (%d hand-offs)%n", elapsed / (2.0 * n), 2 * n);
        // the second greenlet waits for ever: end the program without joining it
        System.exit(0);
    }
}
