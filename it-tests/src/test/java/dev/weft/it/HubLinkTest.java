package dev.weft.it;

import static dev.weft.it.HubThreadsTest.capturingErr;
import static dev.weft.it.HubThreadsTest.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** gevent's links on spawned greenlets: link, link_value, link_exception and unlink, with the real agent. */
class HubLinkTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void callbacksRunInTheHubAfterTheGreenletFinishesInTheOrderTheyWereLinked() {
        Greenlet[] body = new Greenlet[1];
        SpawnedGreenlet<String> g = Hub.spawn(() -> {
            body[0] = Greenlet.current();
            log.add("body");
            return "v";
        });
        g.onComplete(x -> {
            assertSame(g, x);
            assertTrue(x.isReady());
            log.add("complete1");
            // not inside the dying greenlet: in the hub's own
            log.add(Greenlet.current() == body[0] ? "in body" : "elsewhere");
        });
        g.onSuccess(v -> log.add("success " + v));
        g.onFailure(e -> log.add("failure " + e));
        g.onComplete(x -> log.add("complete2"));
        SpawnedGreenlet<?> after = Hub.spawn(() -> log.add("next greenlet"));
        Hub.joinAll(g, after);
        Hub.sleep(0); // the callbacks' turn comes after greenlets queued before g finished
        assertEquals(List.of("body", "next greenlet", "complete1", "elsewhere", "success v", "complete2"), log);
    }

    @Test
    void onFailureGetsTheExceptionAndOnSuccessIsNotCalled() {
        IllegalStateException boom = new IllegalStateException("boom");
        capturingErr(() -> {
            SpawnedGreenlet<?> g = Hub.spawn(() -> {
                Hub.sleep(0);
                throw boom;
            });
            g.onSuccess(v -> log.add("success")).onFailure(e -> log.add(e)).onComplete(x -> log.add("complete"));
            g.join();
            Hub.sleep(0);
        });
        assertEquals(List.of(boom, "complete"), log);
    }

    @Test
    void aKilledGreenletCountsAsASuccessWithNullValue() {
        SpawnedGreenlet<String> g = Hub.spawn(() -> {
            Hub.sleep(60_000);
            return "never";
        });
        g.onSuccess(v -> log.add("success " + v)).onFailure(e -> log.add("failure"));
        Hub.sleep(0);
        g.kill();
        Hub.sleep(0);
        assertEquals(List.of("success null"), log);
    }

    @Test
    void aCallbackLinkedToAFinishedGreenletRunsWhenTheHubNextRuns() {
        SpawnedGreenlet<Integer> g = Hub.spawn(() -> 7);
        g.join();
        g.onSuccess(v -> log.add("late " + v));
        assertEquals(List.of(), log); // scheduled, not run inside onSuccess
        Hub.sleep(0);
        assertEquals(List.of("late 7"), log);
        Hub.sleep(0);
        assertEquals(List.of("late 7"), log); // once
    }

    @Test
    void unlinkRemovesAPendingCallbackOnly() {
        Event go = new Event();
        SpawnedGreenlet<?> g = Hub.spawn(() -> go.await());
        Consumer<Object> removed = x -> log.add("removed ran");
        Consumer<Object> kept = x -> log.add("kept ran");
        g.onComplete(removed).onComplete(kept);
        assertTrue(g.unlink(removed));
        assertFalse(g.unlink(removed)); // only one link of it
        go.set();
        g.join();
        Hub.sleep(0);
        assertEquals(List.of("kept ran"), log);
        assertFalse(g.unlink(kept)); // has run
    }

    @Test
    void aThrowingCallbackIsPrintedOnceAndStopsNeitherTheOthersNorTheHub() {
        String err = capturingErr(() -> {
            SpawnedGreenlet<?> g = Hub.spawn(() -> log.add("body"));
            g.onComplete(x -> {
                throw new IllegalArgumentException("bad callback");
            });
            g.onComplete(x -> log.add("second callback"));
            SpawnedGreenlet<?> other = Hub.spawn(() -> {
                Hub.sleep(1);
                log.add("other");
            });
            Hub.joinAll(g, other);
        });
        assertEquals(List.of("body", "second callback", "other"), log);
        assertEquals(1, count(err, "IllegalArgumentException: bad callback"), err);
    }

    @Test
    void aCallbackThatWaitsFailsClearly() {
        String err = capturingErr(() -> {
            SpawnedGreenlet<?> g = Hub.spawn(() -> { });
            g.onComplete(x -> Hub.sleep(1));
            g.onComplete(x -> log.add("after"));
            g.join();
            Hub.sleep(0);
        });
        assertEquals(List.of("after"), log);
        assertTrue(err.contains("in the hub's own greenlet, which must never wait"), err);
    }

    @Test
    void aJoinerReturnsAfterTheCallbacksLinkedBeforeItJoined() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> log.add("body"));
        g.onComplete(x -> log.add(1));
        g.join(); // plain code
        assertEquals(List.of("body", 1), log);
        SpawnedGreenlet<?> h = Hub.spawn(() -> log.add("body 2"));
        SpawnedGreenlet<?> joiner = Hub.spawn(() -> {
            h.onComplete(x -> log.add(2));
            h.join(); // a spawned greenlet; h has finished already, its callback not yet run
            log.add("joined 2 after " + log.get(log.size() - 1));
        });
        joiner.join();
        assertEquals(List.of("body", 1, "body 2", 2, "joined 2 after 2"), log);
    }

    @Test
    void callbacksAndJoinersAreNotifiedInTheOrderTheyWereLinked() {
        Event go = new Event();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            go.await();
            log.add("body");
        });
        g.onSuccess(v -> log.add("callback 1"));
        SpawnedGreenlet<?> joiner = Hub.spawn(() -> {
            g.join();
            log.add("joiner");
        });
        SpawnedGreenlet<?> getter = Hub.spawn(() -> log.add("getter got " + g.get()));
        Hub.sleep(0); // g waits, joiner and getter join it
        g.onComplete(x -> log.add("callback 2"));
        go.set();
        g.join(); // plain code joins last
        log.add("plain code joined");
        Hub.joinAll(joiner, getter);
        assertEquals(List.of("body", "callback 1", "joiner", "getter got null", "callback 2", "plain code joined"), log);
    }

    @Test
    void aJoinOfAFinishedGreenletInTheHubsOwnGreenletReturnsAtOnceEvenWithCallbacksPending() {
        SpawnedGreenlet<?> done = Hub.spawn(() -> log.add("done"));
        done.join();
        done.onComplete(x -> log.add("pending callback"));
        SpawnedGreenlet<?> other = Hub.spawn(() -> { });
        other.onComplete(x -> {
            done.join(); // in the hub's own greenlet, which cannot wait: returns at once
            log.add("joined in the hub");
        });
        String err = capturingErr(other::join);
        Hub.sleep(0);
        assertEquals(List.of("done", "pending callback", "joined in the hub"), log, err);
        assertFalse(err.contains("Exception"), err);
    }
}
