package dev.weft.it.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.Hub;
import dev.weft.HubGroup;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code HubGroup.close()} racing work handed to the group from other threads: every future that
 * {@code spawn} or {@code submitSpawn} returned completes (with its value or a
 * {@code CancellationException}), a submit either runs or is refused, a second {@code close()} waits
 * for the end too, and no hub thread or descriptor is left behind after many cycles.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupCloseRacesTest {
    private static final int CYCLES = 300;

    @Test
    void everyFutureOfASpawnRacingCloseCompletesAndNoThreadOrDescriptorIsLeft() throws Throwable {
        List<String> fdsBefore = NetFixture.openDescriptors();
        int threadsBefore = hubThreads();
        int pending = 0;
        int completed = 0;
        int cancelled = 0;
        List<String> problems = new ArrayList<>();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            HubGroup group = HubGroup.start(2);
            List<CompletableFuture<?>> futures = new ArrayList<>();
            // the close lands anywhere in a burst of up to 200 spawns
            CountDownLatch some = new CountDownLatch(1 + cycle % 40);
            AtomicReference<Throwable> spawnerFailed = new AtomicReference<>();
            Thread spawner = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        CompletableFuture<?> f;
                        boolean forever = i % 3 == 0;
                        try {
                            if (i % 2 == 0) {
                                f = group.spawn(i & 1, () -> body(forever));
                            } else {
                                f = group.hub(i & 1).submitSpawn(() -> body(forever));
                            }
                        } catch (IllegalStateException closed) {
                            return; // refused at once: nothing was promised
                        }
                        synchronized (futures) {
                            futures.add(f);
                        }
                        some.countDown();
                    }
                } catch (Throwable e) {
                    spawnerFailed.set(e);
                }
            }, "spawner");
            spawner.start();
            assertTrue(some.await(60, TimeUnit.SECONDS));
            group.close();
            spawner.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(spawner.isAlive(), "the spawner ends");
            if (spawnerFailed.get() != null) {
                throw spawnerFailed.get();
            }
            synchronized (futures) {
                for (CompletableFuture<?> f : futures) {
                    // close() has returned: whatever was accepted has run or been cancelled by now
                    if (!f.isDone()) {
                        pending++;
                        continue;
                    }
                    try {
                        f.get(0, TimeUnit.SECONDS);
                        completed++;
                    } catch (CancellationException expected) {
                        cancelled++;
                    } catch (ExecutionException | TimeoutException e) {
                        if (problems.size() < 5) {
                            problems.add(e.toString());
                        }
                    }
                }
            }
        }
        assertEquals(0, pending, "futures left pending after close (completed " + completed + ", cancelled "
                + cancelled + ")");
        assertEquals(List.of(), problems);
        assertTrue(completed > 0 && cancelled > 0, "both outcomes occur: completed " + completed + ", cancelled " + cancelled);
        assertEquals(threadsBefore, hubThreads(), "hub threads left running");
        NetFixture.assertNoneLeft(fdsBefore);
    }

    @Suspendable
    private static Integer body(boolean forever) {
        if (forever) {
            Hub.sleep(Duration.ofDays(1));
        }
        return 1;
    }

    @Test
    void aGreenletKilledBeforeItStartsCancelsTheFutureOfItsSpawn() throws Throwable {
        HubGroup group = HubGroup.start(1);
        AtomicReference<CompletableFuture<String>> late = new AtomicReference<>();
        CountDownLatch waiting = new CountDownLatch(1);
        group.spawn(0, () -> {
            try {
                waiting.countDown();
                Hub.sleep(Duration.ofDays(1));
            } finally {
                // killed by close: this spawn is taken by the hub's next pass, and its greenlet is
                // killed before it starts
                late.set(Hub.current().submitSpawn(() -> "ran"));
            }
            return null;
        });
        assertTrue(waiting.await(60, TimeUnit.SECONDS));
        group.close();
        CompletableFuture<String> f = late.get();
        assertTrue(f.isDone(), "the future is completed by the time close() returns");
        assertTrue(f.isCancelled() || "ran".equals(f.getNow(null)), f.toString());
    }

    @Test
    void aSubmitAfterTheHubsLastPassRunsOrIsRefusedButIsNeverLost() throws Throwable {
        HubGroup group = HubGroup.start(1);
        CountDownLatch lastPassOver = new CountDownLatch(1);
        CountDownLatch submitted = new CountDownLatch(1);
        Hub hub = group.hub(0);
        CompletableFuture<Void> set = new CompletableFuture<>();
        hub.submit(() -> set.complete(null));
        set.get(60, TimeUnit.SECONDS);
        hub.submit(() -> {
            // a greenlet that never starts: close kills it unstarted, after every other greenlet, and its
            // link then runs on the hub's thread with the hub's last pass over
            SpawnedGreenlet<?> g = Hub.spawnLater(Duration.ofDays(1), () -> { });
            g.rawLink(() -> {
                lastPassOver.countDown();
                try {
                    submitted.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        });
        Thread closer = new Thread(group::close, "closer");
        closer.start();
        assertTrue(lastPassOver.await(60, TimeUnit.SECONDS));
        AtomicBoolean ran = new AtomicBoolean();
        boolean refused = false;
        CompletableFuture<String> spawned = null;
        try {
            hub.submit(() -> ran.set(true));
        } catch (IllegalStateException e) {
            refused = true;
        }
        try {
            spawned = hub.submitSpawn(() -> "ran");
        } catch (IllegalStateException e) {
            refused = true;
        }
        submitted.countDown();
        closer.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(closer.isAlive());
        if (!refused) {
            assertTrue(ran.get(), "an accepted callback runs before the hub's thread ends");
            assertTrue(spawned.isDone(), "an accepted spawn completes its future before the hub's thread ends");
            try {
                spawned.getNow(null);
                fail("the greenlet was spawned after the kills: it is cancelled");
            } catch (CancellationException expected) {
                // as HubGroup.close promises
            }
        }
    }

    @Test
    void aSecondCloseFromAnotherThreadWaitsForTheEndToo() throws Throwable {
        HubGroup group = HubGroup.start(1);
        CountDownLatch inFinally = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread hubThread = group.spawn(0, () -> Thread.currentThread()).get(60, TimeUnit.SECONDS);
        group.spawn(0, () -> {
            try {
                Hub.sleep(Duration.ofDays(1));
            } finally {
                inFinally.countDown();
                release.await(60, TimeUnit.SECONDS); // holds the hub's thread while the closes run
            }
            return null;
        });
        Thread first = new Thread(group::close, "first close");
        first.start();
        assertTrue(inFinally.await(60, TimeUnit.SECONDS));
        AtomicBoolean aliveAfterSecond = new AtomicBoolean(true);
        Thread second = new Thread(() -> {
            group.close();
            aliveAfterSecond.set(hubThread.isAlive());
        }, "second close");
        second.start();
        // the release only once the second close has returned (the fault) or waits (in join)
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (second.getState() != Thread.State.TERMINATED && second.getState() != Thread.State.WAITING
                && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        release.countDown();
        second.join(TimeUnit.SECONDS.toMillis(60));
        first.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(aliveAfterSecond.get(), "the second close returned while the hub's thread still ran");
    }

    /** The live threads named as a group's hub threads are. */
    static int hubThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("weft-hub-") && t.isAlive()) {
                n++;
            }
        }
        return n;
    }
}
