package dev.weft.bench;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.SuspendableRunnable;

/**
 * {@code Sleepers.greenlets} in a plain program, with its start taken apart: the time to spawn the
 * greenlets, the time until each has run to its sleep, and the whole program's time (issue 5 asks for
 * 1M greenlets sleeping 10 s to finish within 10.5 s). Runs the program twice in one JVM.
 *
 * <pre>
 * java -javaagent:agent/target/weft-agent-0.1.0-SNAPSHOT.jar -cp bench/target/weft-benchmarks.jar \
 *     dev.weft.bench.MillionSleepers [sleep millis, default 10000] [greenlets, default 1000000]
 * </pre>
 */
public final class MillionSleepers {
    private MillionSleepers() {
    }

    /**
     * Runs the program.
     *
     * @param args the sleep in milliseconds and the number of greenlets, both optional
     */
    public static void main(String[] args) {
        long sleep = args.length > 0 ? Long.parseLong(args[0]) : 10_000L;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        for (int round = 1; round <= 2; round++) {
            System.gc();
            long t0 = System.nanoTime();
            SpawnedGreenlet<?>[] all = new SpawnedGreenlet<?>[n];
            SuspendableRunnable body = () -> Hub.sleep(sleep);
            for (int i = 0; i < n; i++) {
                all[i] = Hub.spawn(body);
            }
            long spawned = System.nanoTime();
            long[] started = {0};
            // runs after every greenlet before it has run to its sleep (the run queue is FIFO)
            Hub.spawn(() -> started[0] = System.nanoTime());
            Hub.joinAll(all);
            long end = System.nanoTime();
            if (!all[n - 1].isSuccessful() || started[0] == 0) {
                throw new IllegalStateException("the greenlets did not sleep: is the Weft agent attached?");
            }
            System.out.printf("round %d: spawn %d ms, run to the sleep %d ms, whole program %d ms%n", round,
                    (spawned - t0) / 1_000_000, (started[0] - spawned) / 1_000_000, (end - t0) / 1_000_000);
        }
    }
}
