package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.HubGroup;
import dev.weft.SpawnedGreenlet;
import dev.weft.internal.MonitorReports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The documented guarantees of hubs toward other threads: callbacks of each submitting thread run in
 * the order that thread submitted them, however many threads submit; a timed await whose future
 * completes at its time limit ends one way or the other, the completion winning when its wake-up was
 * submitted before the hub's pass that finds the time up; a hub spinning for a submission is not
 * reported by the monitor as running too long.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CrossThreadGuaranteesTest {
    @Test
    void callbacksOfEachSubmittingThreadRunInItsOrderWithSeveralSubmitters() throws Throwable {
        int submitters = 4;
        int each = 50_000;
        try (HubGroup group = HubGroup.start(1)) {
            Hub hub = group.hub(0);
            int[] last = new int[submitters]; // used on the hub's thread only
            int[] outOfOrder = new int[1];
            java.util.Arrays.fill(last, -1);
            CountDownLatch done = new CountDownLatch(submitters);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < submitters; t++) {
                int id = t;
                Thread thread = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        int seq = i;
                        hub.submit(() -> {
                            if (last[id] != seq - 1) {
                                outOfOrder[0]++;
                            }
                            last[id] = seq;
                            if (seq == each - 1) {
                                done.countDown();
                            }
                        });
                    }
                }, "submitter-" + t);
                threads.add(thread);
                thread.start();
            }
            go.countDown();
            assertTrue(done.await(60, TimeUnit.SECONDS), "every submitter's last callback ran");
            CompletableFuture<int[]> seen = new CompletableFuture<>();
            hub.submit(() -> seen.complete(new int[] {outOfOrder[0], last[0], last[1], last[2], last[3]}));
            int[] s = seen.get(60, TimeUnit.SECONDS);
            assertEquals(0, s[0], "callbacks run out of their submitter's order");
            for (int t = 0; t < submitters; t++) {
                assertEquals(each - 1, s[t + 1], "submitter " + t + "'s callbacks all ran");
            }
            for (Thread t : threads) {
                t.join();
            }
        }
    }

    @Test
    void aCompletionWhoseWakeUpPrecedesThePassThatFindsTheTimeUpWinsTheTimedAwait() throws Throwable {
        try (HubGroup group = HubGroup.start(1)) {
            String outcome = group.spawn(0, () -> {
                CompletableFuture<String> f = new CompletableFuture<>();
                Duration limit = Duration.ofMillis(20);
                SpawnedGreenlet<String> waiting = Hub.spawn(() -> {
                    try {
                        return Hub.await(f, limit);
                    } catch (TimeoutException e) {
                        return "timed out";
                    }
                });
                Hub.sleep(0); // the waiter parks
                long parked = Hub.current().nanoTime();
                // holds the hub (no switch) until the future has completed on another thread and the time is up:
                // the completion's wake-up and the expired timer meet on the same pass
                Thread completer = new Thread(() -> f.complete("completed"), "completer");
                completer.start();
                completer.join();
                while (Hub.current().nanoTime() - parked < limit.toNanos() * 2) {
                    Thread.onSpinWait();
                }
                return waiting.get();
            }).get(60, TimeUnit.SECONDS);
            assertEquals("completed", outcome);
        }
    }

    @Test
    void aTimedAwaitRacingItsCompletionEndsOneWayOrTheOtherEveryTime() throws Throwable {
        int cycles = 2_000;
        try (HubGroup group = HubGroup.start(1)) {
            int[] outcomes = group.spawn(0, () -> {
                int values = 0;
                int timeouts = 0;
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < cycles; i++) {
                    CompletableFuture<Integer> f = new CompletableFuture<>();
                    long spin = random.nextLong(0, 100_000);
                    int expected = i;
                    Thread completer = new Thread(() -> {
                        long until = System.nanoTime() + spin;
                        while (System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        f.complete(expected);
                    });
                    completer.start();
                    try {
                        int v = Hub.await(f, Duration.ofNanos(random.nextLong(0, 100_000)));
                        assertEquals(expected, v);
                        values++;
                    } catch (TimeoutException e) {
                        timeouts++;
                        // the future completes all the same; awaiting it again returns its value
                        assertEquals(expected, Hub.await(f));
                    }
                    completer.join();
                }
                return new int[] {values, timeouts};
            }).get(100, TimeUnit.SECONDS);
            assertEquals(cycles, outcomes[0] + outcomes[1]);
        }
    }

    @Test
    void aHubSpinningForASubmissionIsNotReportedAsRunningTooLong() throws Throwable {
        String saved = System.getProperty("weft.hub.spinMicros");
        System.setProperty("weft.hub.spinMicros", "400000"); // read as the test thread's hub is made
        try {
            HubThreadsTest.onOwnThread(() -> {
                Thread me = Thread.currentThread();
                List<MonitorReports.Report> reports = new CopyOnWriteArrayList<>();
                try (AutoCloseable listening = MonitorReports.listen(r -> {
                    if (r.thread() == me) {
                        reports.add(r);
                    }
                })) {
                    CompletableFuture<String> f = new CompletableFuture<>();
                    // completes the future once the hub has spun its 400 ms and parked
                    Thread completer = new Thread(() -> {
                        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                        while (me.getState() != Thread.State.WAITING && me.getState() != Thread.State.TIMED_WAITING
                                && System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                        f.complete("done");
                    }, "completer");
                    completer.start();
                    assertEquals("done", Hub.await(f));
                    completer.join();
                }
                assertEquals(List.of(), reports, "the spinning hub was reported");
            });
        } finally {
            if (saved == null) {
                System.clearProperty("weft.hub.spinMicros");
            } else {
                System.setProperty("weft.hub.spinMicros", saved);
            }
        }
    }
}
