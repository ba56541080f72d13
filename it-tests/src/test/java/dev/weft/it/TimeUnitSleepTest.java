package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.junit.WeftTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code TimeUnit.sleep} and {@code Thread.sleep} named through a subclass of {@code Thread}, in woven
 * code: cooperative in a hub's greenlets like {@code Thread.sleep}, the JDK's own sleep in plain code.
 * On virtual time, so a greenlet's sleep shows as the hub's clock moving while the thread never
 * blocks, and a thread's sleep as the clock standing still.
 */
@WeftTest(virtualTime = true)
class TimeUnitSleepTest {
    private final List<String> log = new ArrayList<>();

    @Test
    void fiveGreenletsSleepingThroughTimeUnitSleepAtOnce(Hub hub) {
        long start = hub.nanoTime();
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            all.add(Hub.spawn(() -> {
                log.add("sleep " + n);
                TimeUnit.MILLISECONDS.sleep(300);
                log.add("woke " + n + " at " + (hub.nanoTime() - start) / 1_000_000);
            }));
        }
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        // blocking the thread, each would sleep in turn and the clock would not move: sleep 0, woke 0 at 0, ...
        assertEquals(List.of("sleep 0", "sleep 1", "sleep 2", "sleep 3", "sleep 4",
                "woke 0 at 300", "woke 1 at 300", "woke 2 at 300", "woke 3 at 300", "woke 4 at 300"), log);
        assertEquals(300, (hub.nanoTime() - start) / 1_000_000, "five sleeps of 300 ms took 300 ms together");
    }

    /** Sleeps through {@code unit.sleep(amount)}, the receiver a variable rather than a constant. */
    @Suspendable
    static void nap(TimeUnit unit, long amount) throws InterruptedException {
        unit.sleep(amount);
    }

    /**
     * Fails at once when {@code TimeUnit.sleep} blocks the thread, before a test sleeps for a virtual day
     * that would then be a real one.
     */
    private static void assertTimeUnitSleepIsCooperative() {
        List<String> order = new ArrayList<>();
        Hub.joinAll(Hub.spawn(() -> {
            nap(TimeUnit.MILLISECONDS, 1);
            order.add("slept");
        }), Hub.spawn(() -> order.add("ran meanwhile")));
        assertEquals(List.of("ran meanwhile", "slept"), order, "TimeUnit.sleep blocked the thread");
    }

    @Test
    void everyUnitAndEverySleepFormIsCooperative(Hub hub) {
        assertTimeUnitSleepIsCooperative();
        long start = hub.nanoTime();
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        all.add(Hub.spawn(() -> {
            nap(TimeUnit.DAYS, 1);
            log.add("days at " + (hub.nanoTime() - start) / 1_000_000);
        }));
        all.add(Hub.spawn(() -> {
            TimeUnit.SECONDS.sleep(2);
            log.add("seconds at " + (hub.nanoTime() - start) / 1_000_000);
        }));
        all.add(Hub.spawn(() -> {
            nap(TimeUnit.NANOSECONDS, 3_000_000);
            log.add("nanoseconds at " + (hub.nanoTime() - start) / 1_000_000);
        }));
        all.add(Hub.spawn(() -> {
            TimeUnit.MICROSECONDS.sleep(4_000);
            log.add("microseconds at " + (hub.nanoTime() - start) / 1_000_000);
        }));
        all.add(Hub.spawn(() -> {
            TimeUnit.MINUTES.sleep(1);
            log.add("minutes at " + (hub.nanoTime() - start) / 1_000_000);
        }));
        all.add(Hub.spawn(() -> {
            TimeUnit.HOURS.sleep(1);
            log.add("hours at " + (hub.nanoTime() - start) / 1_000_000);
        }));
        all.add(Hub.spawn(() -> {
            Thread.sleep(5, 1);
            log.add("thread sleep with nanos at " + (hub.nanoTime() - start) / 1_000_000);
        }));
        all.add(Hub.spawn(() -> {
            SleepingThread.napThroughSubclass();
            log.add("thread sleep named through a subclass at " + (hub.nanoTime() - start) / 1_000_000);
        }));
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of("nanoseconds at 3", "microseconds at 4", "thread sleep with nanos at 5",
                "thread sleep named through a subclass at 6", "seconds at 2000", "minutes at 60000",
                "hours at 3600000", "days at 86400000"), log);
    }

    /** A subclass of Thread, whose unqualified {@code sleep(6)} javac compiles as {@code SleepingThread.sleep}. */
    static final class SleepingThread extends Thread {
        @Suspendable
        static void napThroughSubclass() throws InterruptedException {
            sleep(6);
        }
    }

    @Test
    void zeroAndNegativeTimeoutsReturnAtOnceWithoutSwitchingOrLookingAtTheInterrupt(Hub hub) {
        SpawnedGreenlet<?> a = Hub.spawn(() -> {
            log.add("a before");
            TimeUnit.MILLISECONDS.sleep(0);
            nap(TimeUnit.SECONDS, -5);
            Thread.currentThread().interrupt();
            TimeUnit.MILLISECONDS.sleep(0); // the JDK's TimeUnit.sleep does not look at the status for these
            log.add("a after, interrupted " + Thread.interrupted());
        });
        SpawnedGreenlet<?> b = Hub.spawn(() -> log.add("b"));
        Hub.joinAll(a, b);
        assertEquals(List.of("a before", "a after, interrupted true", "b"), log);
    }

    @Test
    void anInterruptedGreenletGetsInterruptedExceptionAndANullUnitThrows() {
        SpawnedGreenlet<Throwable> interrupted = Hub.spawn(() -> {
            Thread.currentThread().interrupt();
            try {
                TimeUnit.MILLISECONDS.sleep(5);
                return null;
            } catch (InterruptedException e) {
                return Thread.interrupted() ? new AssertionError("status not cleared") : e;
            }
        });
        assertTrue(interrupted.get() instanceof InterruptedException, String.valueOf(interrupted.get()));
        SpawnedGreenlet<Throwable> noUnit = Hub.spawn(() -> {
            try {
                nap(null, 5);
                return null;
            } catch (NullPointerException e) {
                return e;
            }
        });
        assertTrue(noUnit.get() instanceof NullPointerException, String.valueOf(noUnit.get()));
    }

    @Test
    void plainCodeSleepsTheThreadAsTheJdkDoes(Hub hub) throws Exception {
        long start = hub.nanoTime();
        long wallStart = System.nanoTime();
        SpawnedGreenlet<?> other = Hub.spawn(() -> log.add("other"));
        nap(TimeUnit.MILLISECONDS, 30); // plain code, the root greenlet: the hub does not run meanwhile
        SleepingThread.napThroughSubclass();
        assertTrue(System.nanoTime() - wallStart >= 36_000_000L, "the thread slept");
        assertEquals(start, hub.nanoTime(), "the hub's clock did not move");
        assertEquals(List.of(), log, "no greenlet ran during the sleeps");
        other.join();
        assertEquals(List.of("other"), log);

        nap(TimeUnit.MILLISECONDS, -1);
        Thread.currentThread().interrupt();
        nap(TimeUnit.MILLISECONDS, 0);
        assertThrows(InterruptedException.class, () -> nap(TimeUnit.MILLISECONDS, 1));
        assertFalse(Thread.interrupted(), "the status is cleared");
        assertThrows(NullPointerException.class, () -> nap(null, 1));
    }
}
