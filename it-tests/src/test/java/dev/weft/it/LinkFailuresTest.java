package dev.weft.it;

import static dev.weft.it.HubThreadsTest.capturingErr;
import static dev.weft.it.HubThreadsTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.AsyncResult;
import dev.weft.sync.Event;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A link callback that throws ({@code rawLink} and {@code onComplete} on a greenlet, {@code rawLink} on an
 * {@code Event} or an {@code AsyncResult}) is reported by the hub once, naming what it was linked to, and
 * goes no further: not into the plain code that runs the hub, not into whoever set the event or killed the
 * greenlet. The remaining callbacks and waiters are still notified.
 */
class LinkFailuresTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void aRawLinkThatThrowsAsAGreenletFinishesNeverReachesThePlainCodeRunningTheHub() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> log.add("body"));
        g.rawLink(() -> {
            throw new IllegalStateException("raw link boom");
        });
        g.rawLink(() -> log.add("second raw link"));
        SpawnedGreenlet<?> joiner = Hub.spawn(() -> {
            g.join();
            log.add("joiner");
        });
        // plain code runs the hub here, and with it the trampoline in which g finishes
        String err = capturingErr(() -> Hub.joinAll(g, joiner));
        assertEquals(List.of("body", "second raw link", "joiner"), log);
        assertEquals(1, count(err, "java.lang.IllegalStateException: raw link boom"), err);
        assertEquals(1, count(err, "a callback linked to " + g.name() + "[done] failed with java.lang.IllegalStateException"),
                err);
        assertTrue(g.isSuccessful(), "the callback's failure is not the greenlet's");
    }

    @Test
    void aRawLinkThatThrowsWhenAnUnstartedGreenletIsKilledNeverReachesTheKiller() {
        SpawnedGreenlet<?> unstarted = Hub.spawnLater(java.time.Duration.ofHours(1), () -> log.add("never runs"));
        unstarted.rawLink(() -> {
            throw new IllegalStateException("raw link boom");
        });
        unstarted.rawLink(() -> log.add("second raw link"));
        SpawnedGreenlet<?> killer = Hub.spawn(() -> {
            unstarted.kill(); // ends it at once, in this greenlet
            log.add("kill returned");
        });
        String err = capturingErr(killer::join);
        assertEquals(List.of("second raw link", "kill returned"), log);
        assertTrue(killer.isSuccessful(), "the killer did not fail: " + err);
        assertEquals(1, count(err, "raw link boom"), err);
    }

    @Test
    void aRawLinkThatThrowsOnAFinishedGreenletIsReportedInsteadOfThrownAtTheCaller() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> { });
        g.join();
        String err = capturingErr(() -> g.rawLink(() -> {
            throw new IllegalArgumentException("late raw link boom");
        }));
        assertEquals(1, count(err, "late raw link boom"), err);
        assertTrue(err.contains("a callback linked to " + g + " failed with java.lang.IllegalArgumentException"), err);
    }

    @Test
    void anOnCompleteCallbackThatThrowsStopsNeitherTheJoinersNorTheOtherCallbacks() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> Hub.sleep(0));
        g.onComplete(x -> {
            throw new IllegalStateException("callback boom");
        });
        g.onComplete(x -> log.add("second callback"));
        SpawnedGreenlet<?> joiner = Hub.spawn(() -> {
            g.join();
            log.add("joiner");
        });
        String err = capturingErr(() -> Hub.joinAll(g, joiner));
        assertEquals(List.of("second callback", "joiner"), log);
        assertEquals(1, count(err, "callback boom"), err);
        assertTrue(err.contains("a callback linked to " + g.name() + "[done] failed with java.lang.IllegalStateException"),
                err);
    }

    @Test
    void anEventsRawLinkThatThrowsLetsTheSetterGoOnAndTheOtherLinksAndWaitersStillRun() {
        Event e = new Event();
        SpawnedGreenlet<?> before = Hub.spawn(() -> {
            e.await();
            log.add("waiter before");
        });
        Hub.sleep(0);
        e.rawLink(() -> {
            throw new IllegalStateException("event link boom");
        });
        e.rawLink(() -> log.add("raw link after"));
        SpawnedGreenlet<?> after = Hub.spawn(() -> {
            e.await();
            log.add("waiter after");
        });
        Hub.sleep(0);
        SpawnedGreenlet<?> setter = Hub.spawn(() -> {
            e.set();
            log.add("set returned");
        });
        String err = capturingErr(() -> Hub.joinAll(setter, before, after));
        assertEquals(List.of("raw link after", "set returned", "waiter before", "waiter after"), log);
        assertTrue(setter.isSuccessful(), "set did not throw: " + err);
        assertEquals(1, count(err, "java.lang.IllegalStateException: event link boom"), err);
        assertTrue(err.contains("a callback linked to Event[set, "), err);
    }

    @Test
    void anEventsRawLinkThatThrowsFromPlainCodesSetOrOnASetEventIsReportedNotThrown() {
        Event e = new Event();
        e.rawLink(() -> {
            throw new IllegalStateException("on set");
        });
        e.rawLink(() -> log.add("second"));
        String err = capturingErr(e::set);
        assertEquals(List.of("second"), log);
        assertEquals(1, count(err, "java.lang.IllegalStateException: on set"), err);
        err = capturingErr(() -> e.rawLink(() -> {
            throw new IllegalStateException("linked when set");
        }));
        assertEquals(1, count(err, "java.lang.IllegalStateException: linked when set"), err);
        assertEquals("Event[set, 0 waiting]", e.toString());
    }

    @Test
    void anAsyncResultsRawLinkThatThrowsLetsTheSetterGoOnAndTheWaitersStillGetTheValue() {
        AsyncResult<String> r = new AsyncResult<>();
        SpawnedGreenlet<?> before = Hub.spawn(() -> log.add("waiter before got " + r.get()));
        Hub.sleep(0);
        r.rawLink(() -> {
            throw new IllegalStateException("result link boom");
        });
        r.rawLink(() -> log.add("raw link after"));
        SpawnedGreenlet<?> after = Hub.spawn(() -> log.add("waiter after got " + r.get()));
        Hub.sleep(0);
        SpawnedGreenlet<?> setter = Hub.spawn(() -> {
            r.set("v");
            log.add("set returned");
        });
        String err = capturingErr(() -> Hub.joinAll(setter, before, after));
        assertEquals(List.of("raw link after", "set returned", "waiter before got v", "waiter after got v"), log);
        assertTrue(setter.isSuccessful(), "set did not throw: " + err);
        assertEquals(1, count(err, "java.lang.IllegalStateException: result link boom"), err);
        assertTrue(err.contains("a callback linked to AsyncResult[value, "), err);
        err = capturingErr(() -> r.rawLink(() -> {
            throw new IllegalStateException("linked when set");
        }));
        assertEquals(1, count(err, "java.lang.IllegalStateException: linked when set"), err);
    }
}
