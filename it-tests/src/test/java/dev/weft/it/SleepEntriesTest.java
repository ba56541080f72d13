package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Timeout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A greenlet in {@code Hub.sleep} keeps no waiter: it is its own entry in the hub's timer queue and,
 * once its time is up, on the run queue. An entry left from a sleep that ended otherwise (a timeout, a
 * kill) must never end a later sleep early, nor resume the greenlet out of its turn.
 */
class SleepEntriesTest {
    private static final long MILLI = 1_000_000L;

    private final List<String> log = new ArrayList<>();

    @Test
    void aSleepCutShortByATimeoutLeavesNoTimerThatEndsTheNextSleepEarly() {
        Hub hub = Hub.current();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            try (Timeout t = Timeout.start(Duration.ofMillis(5))) {
                Hub.sleep(60);
                log.add("slept");
            } catch (Timeout t) {
                log.add("timed out");
            }
            // the first sleep's timer is still queued, due in about 55 ms
            logSleep(hub, 150);
        });
        g.get();
        assertEquals(List.of("timed out", "slept 150 ms or more"), log);
    }

    @Test
    void aKilledSleeperThatSleepsAgainIsWokenByItsNewSleepOnly() {
        Hub hub = Hub.current();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            try {
                Hub.sleep(Duration.ofMillis(60));
            } catch (GreenletExit e) {
                log.add("killed");
            }
            logSleep(hub, 150);
        });
        Hub.sleep(5);
        g.kill(); // waits until it has finished: its second sleep too
        assertEquals(List.of("killed", "slept 150 ms or more"), log);
    }

    @Test
    void aSleeperWokenAndThenTimedOutBeforeItsTurnIsNotResumedByItsOldTurn() {
        Hub hub = Hub.current();
        SpawnedGreenlet<?> busy = Hub.spawn(() -> {
            Hub.sleep(5);
            // holds the hub until the timers below are all due, so that one pass over the timers fires
            // them in their order: g's sleep (g goes on the run queue), other's sleep (behind g), then
            // g's timeout, raised in g at once, before g's turn
            long until = hub.nanoTime() + 30 * MILLI;
            while (hub.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
        });
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            try (Timeout t = Timeout.start(Duration.ofMillis(20))) {
                Hub.sleep(10);
                log.add("slept");
            } catch (Timeout t) {
                log.add("timed out");
            }
            // every other ready greenlet runs first: other, whose turn came after g's old one
            Hub.sleep(0);
            log.add("after sleep(0)");
            // and the old turn does not end a sleep either
            logSleep(hub, 50);
        });
        SpawnedGreenlet<?> other = Hub.spawn(() -> {
            Hub.sleep(15);
            log.add("other");
        });
        Hub.joinAll(busy, g, other);
        assertTrue(g.isSuccessful());
        assertEquals(List.of("timed out", "other", "after sleep(0)", "slept 50 ms or more"), log);
    }

    @Test
    void aThousandSleepersCutShortAtRandomEachSleepOnceMoreTheirFullTime() {
        Hub hub = Hub.current();
        java.util.Random random = new java.util.Random(20261127);
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        int[] early = {0};
        for (int i = 0; i < 1000; i++) {
            int first = random.nextInt(30);
            int limit = random.nextInt(30);
            int second = 1 + random.nextInt(30);
            all.add(Hub.spawn(() -> {
                try (Timeout t = Timeout.start(Duration.ofMillis(limit))) {
                    Hub.sleep(first);
                } catch (Timeout t) {
                    // cut short: the next sleep must still last its time
                }
                long start = hub.nanoTime();
                Hub.sleep(second);
                if (hub.nanoTime() - start < second * MILLI) {
                    early[0]++;
                }
            }));
        }
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        for (SpawnedGreenlet<?> g : all) {
            assertTrue(g.isSuccessful(), g.toString());
        }
        assertEquals(0, early[0], "sleeps ended before their time");
    }

    @dev.weft.Suspendable
    private void logSleep(Hub hub, long millis) {
        long start = hub.nanoTime();
        Hub.sleep(millis);
        long slept = hub.nanoTime() - start;
        log.add(slept >= millis * MILLI ? "slept " + millis + " ms or more" : "woken after " + slept / MILLI + " ms");
    }
}
