package dev.weft.samples;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.sync.Queue;
import java.time.Duration;

/** A greenlet that puts a numbered beat on a queue at a fixed period until it is killed (a sample of Weft code to test). */
public final class Heartbeat {
    private Heartbeat() {
    }

    /**
     * Spawns the beating greenlet: beat 1 after one {@code period}, beat 2 after two, and so on.
     *
     * @param period the time between beats
     * @param beats where the beats go
     * @return the greenlet, to kill when done
     */
    public static SpawnedGreenlet<Void> start(Duration period, Queue<Integer> beats) {
        return Hub.spawn(() -> beat(period, beats));
    }

    @Suspendable
    private static void beat(Duration period, Queue<Integer> beats) {
        for (int n = 1; ; n++) {
            Hub.sleep(period);
            beats.put(n);
        }
    }
}
