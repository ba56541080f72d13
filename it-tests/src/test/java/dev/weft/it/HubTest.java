package dev.weft.it;

import static dev.weft.it.HubThreadsTest.capturingErr;
import static dev.weft.it.HubThreadsTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CoroutineException;
import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gevent's rules for {@link Hub}: run order, sleeps, timers, join, get, kill, with the real agent. */
class HubTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void aSpawnedGreenletIsTheCurrentGreenletOfItsBodyAsInGevent() {
        List<Greenlet> seen = new ArrayList<>();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            seen.add(Greenlet.current());
            Hub.sleep(0);
            seen.add(Greenlet.current());
        });
        assertTrue(g instanceof Greenlet);
        assertFalse(g.isStarted());
        g.join();
        assertEquals(List.of(g, g), seen);
        assertTrue(g.isDead());
        assertSame(Greenlet.current(), g.parent().parent(), "its parent is the hub's greenlet, whose parent is plain code");
    }

    @Test
    void aThrowableReturnedAsTheValueIsAValueNotAFailure() {
        IOException value = new IOException("returned, not thrown");
        SpawnedGreenlet<IOException> g = Hub.spawn(() -> value);
        List<Object> seen = new ArrayList<>();
        g.onSuccess(seen::add).onFailure(e -> seen.add("failure " + e));
        assertSame(value, g.get());
        Hub.sleep(0); // the links run in the hub
        assertTrue(g.isSuccessful());
        assertNull(g.exception());
        assertEquals(List.of(value), seen);
        assertEquals(g.name() + "[done]", g.toString());
    }

    @Test
    void spawnedGreenletsStartInSpawnOrder() {
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            all.add(Hub.spawn(() -> log.add(n)));
        }
        assertEquals(List.of(), log); // spawning only schedules
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of(0, 1, 2, 3, 4), log);
    }

    @Test
    void sleepZeroLetsEveryOtherReadyGreenletRunOnceFirst() {
        SpawnedGreenlet<?> a = Hub.spawn(() -> {
            log.add("a1");
            Hub.sleep(0);
            log.add("a2");
        });
        SpawnedGreenlet<?> b = Hub.spawn(() -> {
            log.add("b1");
            Hub.sleep(0);
            log.add("b2");
            Hub.sleep(0);
            log.add("b3");
        });
        SpawnedGreenlet<?> c = Hub.spawn(() -> log.add("c1"));
        Hub.joinAll(a, b, c);
        assertEquals(List.of("a1", "b1", "c1", "a2", "b2", "b3"), log);
    }

    @Test
    void plainCodeSleepingRunsTheHub() {
        Hub.spawn(() -> log.add("spawned ran"));
        Hub.sleep(1);
        assertEquals(List.of("spawned ran"), log);
    }

    @Test
    void getReturnsTheValueAndJoinWaitsForIt() {
        SpawnedGreenlet<String> g = Hub.spawn(() -> {
            Hub.sleep(2);
            return "value";
        });
        assertFalse(g.isReady());
        assertEquals("value", g.get());
        assertTrue(g.isReady());
        assertTrue(g.isSuccessful());
        assertNull(g.exception());
        g.join(); // finished: returns at once
    }

    @Test
    void getRethrowsTheGreenletsExceptionWhichIsPrintedOnce() {
        String err = capturingErr(() -> {
            SpawnedGreenlet<Object> failing = Hub.spawn(() -> {
                Hub.sleep(1);
                throw new IllegalArgumentException("boom");
            });
            SpawnedGreenlet<Object> checked = Hub.spawn(() -> {
                throw new IOException("disk");
            });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, failing::get);
            assertEquals("boom", e.getMessage());
            assertSame(e, failing.exception());
            assertTrue(failing.isReady());
            assertFalse(failing.isSuccessful());
            CoroutineException wrapped = assertThrows(CoroutineException.class, checked::get);
            assertTrue(wrapped.getCause() instanceof IOException);
            assertThrows(IllegalArgumentException.class, failing::get); // again: stored, not printed again
        });
        assertEquals(1, count(err, "IllegalArgumentException: boom"), err);
        assertEquals(1, count(err, "failed with java.lang.IllegalArgumentException"), err);
        assertEquals(1, count(err, "IOException: disk"), err);
        assertTrue(err.contains("\tat "), "the stack is printed: " + err);
    }

    @Test
    void anUncaughtExceptionDoesNotStopTheHub() {
        capturingErr(() -> {
            SpawnedGreenlet<?> failing = Hub.spawn(() -> {
                log.add("failing");
                throw new IllegalStateException("uncaught");
            });
            SpawnedGreenlet<?> other = Hub.spawn(() -> {
                Hub.sleep(1);
                log.add("other finished");
            });
            Hub.joinAll(failing, other);
            assertTrue(other.isSuccessful());
            assertFalse(failing.isSuccessful());
        });
        assertEquals(List.of("failing", "other finished"), log);
    }

    @Test
    void aGreenletJoinsAnotherAndGetsItsValue() {
        SpawnedGreenlet<Integer> inner = Hub.spawn(() -> {
            Hub.sleep(3);
            return 41;
        });
        SpawnedGreenlet<Integer> outer = Hub.spawn(() -> inner.get() + 1);
        assertEquals(42, outer.get());
    }

    @Test
    void killRaisesGreenletExitAtTheSuspensionPointAndRunsFinally() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            try {
                log.add("sleeping");
                Hub.sleep(Duration.ofDays(1));
                log.add("woke up");
            } finally {
                log.add("finally");
            }
        });
        Hub.sleep(0); // g starts and sleeps
        g.kill();
        assertEquals(List.of("sleeping", "finally"), log);
        assertTrue(g.isReady());
        assertTrue(g.isSuccessful());
        assertNull(g.get());
        g.kill(); // finished: nothing happens
    }

    @Test
    void killBeforeItStartsMeansItNeverRuns() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> log.add("ran"));
        g.kill();
        assertTrue(g.isReady());
        Hub.sleep(1);
        assertEquals(List.of(), log);
    }

    @Test
    void waitingForWhatCanNeverHappenThrowsInsteadOfHanging() {
        SpawnedGreenlet<?> waiter = Hub.spawn(() -> {
            Hub.spawn(() -> Hub.sleep(0)).join();
            log.add("joined");
        });
        waiter.join();
        SpawnedGreenlet<?>[] holder = new SpawnedGreenlet<?>[1];
        SpawnedGreenlet<?> a = Hub.spawn(() -> holder[0].join());
        holder[0] = Hub.spawn(() -> a.join());
        IllegalStateException e = assertThrows(IllegalStateException.class, a::join);
        assertTrue(e.getMessage().contains("nothing ready to run and no timers"), e.getMessage());
        assertEquals(List.of("joined"), log);
    }

    @Test
    void tenThousandGreenletsThatEachSleepFinish() {
        int n = 10_000;
        SpawnedGreenlet<?>[] all = new SpawnedGreenlet<?>[n];
        int[] finished = {0};
        for (int i = 0; i < n; i++) {
            all[i] = Hub.spawn(() -> {
                Hub.sleep(1);
                finished[0]++;
            });
        }
        Hub.joinAll(all);
        assertEquals(n, finished[0]);
        for (SpawnedGreenlet<?> g : all) {
            assertTrue(g.isSuccessful());
        }
    }

    @Test
    void eachThreadHasItsOwnHub() throws Exception {
        SpawnedGreenlet<?> mine = Hub.spawn(() -> Hub.sleep(1));
        Throwable[] seen = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                mine.join();
            } catch (Throwable e) {
                seen[0] = e;
            }
            Hub.joinAll(Hub.spawn(() -> log.add("other thread")));
        });
        t.start();
        t.join();
        assertTrue(seen[0] instanceof IllegalStateException, String.valueOf(seen[0]));
        assertTrue(seen[0].getMessage().contains("a hub serves only its own thread"), seen[0].getMessage());
        assertEquals(List.of("other thread"), log);
        mine.join();
    }

    @Test
    void aSpawnLaterGreenletKilledBeforeItStartsNeverRuns() {
        SpawnedGreenlet<?> g = Hub.spawnLater(Duration.ofMillis(1), () -> log.add("ran"));
        g.kill();
        assertTrue(g.isReady());
        Hub.sleep(3);
        assertEquals(List.of(), log);
    }

    @Test
    void killAllKillsEveryGreenletRunningFinallyAndWaits() {
        SpawnedGreenlet<?> a = Hub.spawn(() -> {
            try {
                Hub.sleep(Duration.ofSeconds(60));
            } finally {
                log.add("a finally");
            }
        });
        SpawnedGreenlet<?> b = Hub.spawn(() -> {
            try {
                Hub.sleep(Duration.ofSeconds(60));
            } finally {
                log.add("b finally");
            }
        });
        SpawnedGreenlet<?> done = Hub.spawn(() -> log.add("done ran"));
        Hub.sleep(0); // a and b are sleeping, done has finished
        SpawnedGreenlet<?> unstarted = Hub.spawn(() -> log.add("unstarted ran"));
        Hub.killAll(a, done, b, unstarted);
        assertTrue(a.isReady() && b.isReady() && done.isReady() && unstarted.isReady());
        assertEquals(List.of("done ran", "a finally", "b finally"), log);
    }

    @Test
    void killAllFromAGreenletInTheListKillsTheOthersFirst() {
        SpawnedGreenlet<?> other = Hub.spawn(() -> {
            try {
                Hub.sleep(Duration.ofSeconds(60));
            } finally {
                log.add("other finally");
            }
        });
        SpawnedGreenlet<?>[] all = new SpawnedGreenlet<?>[2];
        all[0] = other;
        all[1] = Hub.spawn(() -> {
            try {
                Hub.killAll(all);
                log.add("not reached");
            } finally {
                log.add("self finally");
            }
        });
        Hub.joinAll(all);
        assertTrue(all[1].isSuccessful());
        assertEquals(List.of("other finally", "self finally"), log);
    }

    @Test
    void aGreenletThatLosesASuspensionEndsWithAnErrorAndTheHubGoesOn() throws Exception {
        // elsewhere.Untouched names no Weft type, so it is not woven: the sleep inside it cannot suspend it
        java.lang.reflect.Method sleeps = elsewhere.Untouched.class.getMethod("sleeps", List.class);
        List<String> events = new ArrayList<>();
        String err = capturingErr(() -> {
            SpawnedGreenlet<?> careless = Hub.spawn(() -> {
                sleeps.invoke(null, events);
                log.add("careless went on");
            });
            SpawnedGreenlet<?> other = Hub.spawn(() -> {
                Hub.sleep(5);
                log.add("other");
            });
            Hub.joinAll(careless, other);
            assertTrue(careless.isReady());
            assertTrue(other.isSuccessful());
        });
        assertEquals(List.of("other"), log, "nothing after the lost suspension ran, and the hub went on");
        assertTrue(err.contains("suspension was lost"), err);
        assertTrue(err.contains("elsewhere.Untouched.sleeps"), err);
        Hub.sleep(1); // the hub still serves this thread
    }

    @Test
    void aGreenletThatLosesASuspensionIsMarkedFailedWithTheErrorThatSaysSo() throws Exception {
        // elsewhere.Untouched is not woven, and the body calls it directly: the body, which has no
        // suspension point of its own, returns while the sleep inside it is unwinding
        List<String> events = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        List<SpawnedGreenlet<?>> spawned = new ArrayList<>();
        String err = capturingErr(() -> {
            SpawnedGreenlet<?> careless = Hub.spawn(() -> elsewhere.Untouched.sleeps(events));
            spawned.add(careless);
            careless.onFailure(failures::add);
            careless.join();
            Hub.sleep(0); // the failure callbacks run in the hub
            assertTrue(careless.isReady());
            assertFalse(careless.isSuccessful(), "a greenlet whose suspension was lost did not succeed");
            Throwable e = careless.exception();
            assertTrue(e instanceof IllegalStateException, String.valueOf(e));
            assertTrue(e.getMessage().contains("suspension was lost"), e.getMessage());
            assertEquals(List.of(e), failures);
            assertSame(e, assertThrows(IllegalStateException.class, careless::get));
        });
        assertEquals(List.of("sleeps before", "sleeps after the sleep"), events);
        String name = spawned.get(0).name();
        assertEquals(1, count(err, name + "[started] failed with java.lang.IllegalStateException"), err);
        Hub.sleep(1); // the hub still serves this thread, and no wait of the dead greenlet is left in it
        assertFalse(Hub.dump().contains(name), Hub.dump());
    }
}
