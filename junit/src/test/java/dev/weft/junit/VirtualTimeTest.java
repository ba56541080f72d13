package dev.weft.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.Timeout;
import dev.weft.sync.Queue;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** {@code @WeftTest(virtualTime = true)}: sleeps, timeouts and spawnLater take no real time, in a fixed order. */
@WeftTest(virtualTime = true)
class VirtualTimeTest {
    private static final List<List<String>> RUNS = new ArrayList<>();

    @Test
    @Suspendable
    void anHourOfSleepPassesAtOnceAndExactly(Hub hub) {
        long start = hub.nanoTime();
        Hub.sleep(Duration.ofHours(1));
        assertEquals(Duration.ofHours(1).toNanos(), hub.nanoTime() - start);
    }

    @Test
    @Suspendable
    void theClockStandsStillWhileAnythingIsRunnable(Hub hub) {
        long start = hub.nanoTime();
        SpawnedGreenlet<?> busy = Hub.spawn(() -> {
            for (int i = 0; i < 1000; i++) {
                Hub.sleep(0);
            }
        });
        busy.join();
        assertEquals(start, hub.nanoTime(), "sleep(0) and switching take no virtual time");
    }

    @Test
    @Suspendable
    void timeoutsExpireOnTheVirtualClock(Hub hub) {
        long start = hub.nanoTime();
        SpawnedGreenlet<?> slow = Hub.spawn(() -> Hub.sleep(Duration.ofDays(1)));
        List<SpawnedGreenlet<?>> done = Hub.joinAll(Duration.ofMinutes(5), slow);
        assertTrue(done.isEmpty());
        assertEquals(Duration.ofMinutes(5).toNanos(), hub.nanoTime() - start);
        assertFalse(slow.join(Duration.ofMinutes(1)));
        Queue<String> queue = new Queue<>();
        assertNull(queue.get(Duration.ofSeconds(30)), "nothing came in 30 virtual seconds");
        assertEquals(Duration.ofSeconds(5 * 60 + 60 + 30).toNanos(), hub.nanoTime() - start);
        slow.kill();
    }

    @Test
    @Suspendable
    void aTimeoutIsRaisedOnTheVirtualClock(Hub hub) {
        long start = hub.nanoTime();
        Timeout timeout = Timeout.start(Duration.ofMinutes(10));
        try (timeout) {
            Hub.sleep(Duration.ofHours(1));
            throw new AssertionError("the timeout should have been raised");
        } catch (Timeout t) {
            assertSame(timeout, t);
        }
        assertEquals(Duration.ofMinutes(10).toNanos(), hub.nanoTime() - start);
    }

    @Test
    @Suspendable
    void theClockWaitsForABlockingCallInsteadOfJumpingPastIt(Hub hub) {
        long start = hub.nanoTime();
        SpawnedGreenlet<?> sleeper = Hub.spawn(() -> Hub.sleep(Duration.ofHours(1)));
        Hub.sleep(0); // the sleeper's timer is set
        assertEquals(42, Hub.blocking(() -> 6 * 7));
        assertEquals(start, hub.nanoTime(), "no virtual time passed while the blocking call ran on another thread");
        assertFalse(sleeper.isReady());
        sleeper.join();
        assertEquals(Duration.ofHours(1).toNanos(), hub.nanoTime() - start);
    }

    @Test
    @Suspendable
    void theClockWaitsForAFutureThatAnotherThreadCompletes(Hub hub) throws Exception {
        long start = hub.nanoTime();
        SpawnedGreenlet<?> sleeper = Hub.spawn(() -> Hub.sleep(Duration.ofHours(1)));
        Hub.sleep(0); // the sleeper's timer is set
        CompletableFuture<Integer> answer = new CompletableFuture<>();
        Thread hubThread = Thread.currentThread();
        Thread other = new Thread(() -> {
            // completes once the hub's thread waits: the await is out and the sleeper's timer is next
            while (hubThread.getState() == Thread.State.RUNNABLE) {
                Thread.onSpinWait();
            }
            answer.complete(42);
        });
        other.start();
        assertEquals(42, Hub.await(answer, Duration.ofHours(2)));
        assertEquals(start, hub.nanoTime(), "no virtual time passed while another thread completed the future");
        assertFalse(sleeper.isReady());
        sleeper.join();
        assertEquals(Duration.ofHours(1).toNanos(), hub.nanoTime() - start);
        other.join();
    }

    @Test
    @Suspendable
    void realIoWakesAWaitingGreenletBeforeItsVirtualTimeout(Hub hub) throws Exception {
        long start = hub.nanoTime();
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        SpawnedGreenlet<?> writer = Hub.spawn(() -> {
            Hub.sleep(Duration.ofMinutes(10));
            pipe.sink().write(ByteBuffer.wrap(new byte[] {7}));
        });
        // waits for the byte with a timeout of an hour: the clock jumps to the writer's 10 minutes, no further
        boolean readable = Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), SelectionKey.OP_READ,
                Duration.ofHours(1));
        assertTrue(readable, "the channel became readable before the timeout");
        assertEquals(Duration.ofMinutes(10).toNanos(), hub.nanoTime() - start);
        ByteBuffer in = ByteBuffer.allocate(1);
        assertEquals(1, pipe.source().read(in));
        assertEquals(7, in.get(0));
        writer.join();
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    void plainCodeWaitsOnTheVirtualClockToo(Hub hub) {
        long start = hub.nanoTime();
        SpawnedGreenlet<String> later = Hub.spawnLater(Duration.ofMinutes(10), () -> "late");
        assertEquals("late", later.get());
        assertEquals(Duration.ofMinutes(10).toNanos(), hub.nanoTime() - start);
    }

    /** Greenlets whose sleeps interleave, some ending at the same virtual instant; run 100 times. */
    @RepeatedTest(100)
    @Suspendable
    void theOrderOfEventsIsTheSameInEveryRun(Hub hub) {
        long start = hub.nanoTime();
        List<String> log = new ArrayList<>();
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int g = 0; g < 5; g++) {
            int id = g;
            all.add(Hub.spawn(() -> {
                for (int step = 0; step < 4; step++) {
                    Hub.sleep(Duration.ofMillis(10L * ((id * 7 + step * 3) % 5)));
                    log.add((hub.nanoTime() - start) / 1_000_000 + "ms g" + id + " step " + step);
                }
            }));
        }
        all.add(Hub.spawnLater(Duration.ofMillis(25), () -> log.add((hub.nanoTime() - start) / 1_000_000 + "ms later")));
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        RUNS.add(log);
    }

    @AfterAll
    static void everyRunSawTheSameOrder() {
        assertEquals(100, RUNS.size());
        for (List<String> run : RUNS) {
            assertEquals(RUNS.get(0), run);
        }
        assertEquals(21, RUNS.get(0).size());
        assertTrue(RUNS.get(0).contains("25ms later"), RUNS.get(0).toString());
    }
}
