package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.junit.WeftTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hub's timers: deadline order, timeouts and {@code spawnLater}, on virtual time, so that the
 * order does not depend on how fast the JVM runs (a few milliseconds apart on the wall clock, these
 * used to swap under {@code -Xint} on a loaded machine).
 */
@WeftTest(virtualTime = true)
class HubTimersTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void timersFireInDeadlineOrderAndEqualDeadlinesInSpawnOrder(Hub hub) {
        long start = hub.nanoTime();
        int[] millis = {20, 5, 1, 12, 5, 0};
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int i = 0; i < millis.length; i++) {
            int n = i;
            all.add(Hub.spawn(() -> {
                Hub.sleep(Duration.ofMillis(millis[n]));
                log.add(millis[n] + "ms#" + n + " at " + (hub.nanoTime() - start) / 1_000_000);
            }));
        }
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of("0ms#5 at 0", "1ms#2 at 1", "5ms#1 at 5", "5ms#4 at 5", "12ms#3 at 12", "20ms#0 at 20"), log);
    }

    @Test
    void joinAllWithATimeoutReturnsWhatFinished(Hub hub) {
        long start = hub.nanoTime();
        SpawnedGreenlet<?> quick = Hub.spawn(() -> Hub.sleep(1));
        SpawnedGreenlet<?> never = Hub.spawn(() -> Hub.sleep(Duration.ofDays(1)));
        SpawnedGreenlet<?> immediate = Hub.spawn(() -> log.add("immediate"));
        List<SpawnedGreenlet<?>> done = Hub.joinAll(Duration.ofMillis(20), quick, never, immediate);
        assertEquals(List.of(quick, immediate), done);
        assertEquals(Duration.ofMillis(20).toNanos(), hub.nanoTime() - start);
        assertFalse(never.isReady());
        assertFalse(never.join(Duration.ofMillis(1)));
        never.kill();
        assertTrue(never.isReady());
    }

    @Test
    void spawnLaterStartsAfterTheDelayBehindWhatIsReady() {
        SpawnedGreenlet<String> late = Hub.spawnLater(Duration.ofMillis(2), () -> {
            log.add("late");
            return "late value";
        });
        SpawnedGreenlet<?> now = Hub.spawn(() -> log.add("now"));
        SpawnedGreenlet<?> zero = Hub.spawnLater(Duration.ZERO, () -> log.add("zero"));
        assertFalse(late.isReady());
        assertEquals("late value", late.get());
        Hub.joinAll(now, zero);
        assertEquals(List.of("now", "zero", "late"), log);
    }
}
