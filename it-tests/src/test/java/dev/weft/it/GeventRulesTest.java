package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.InvalidSwitchError;
import dev.weft.SpawnedGreenlet;
import dev.weft.junit.WeftTest;
import dev.weft.sync.AsyncResult;
import dev.weft.sync.Event;
import dev.weft.sync.Lock;
import dev.weft.sync.Pool;
import dev.weft.sync.Queue;
import dev.weft.sync.Semaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Rules of gevent's that a port relies on: a greenlet killed before it starts never runs, whichever
 * way it is killed; the hub's own greenlet, which must never wait, may still use every non-blocking
 * form of a wait; and a greenlet waiting on the hub is resumed by the hub alone: a stray switch into it
 * is an error there, not a wake-up.
 */
@WeftTest(virtualTime = true)
class GeventRulesTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void killingAGreenletThatHasNotStartedFromPlainCodeEndsItUnrun() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> log.add("ran"));
        g.kill();
        assertTrue(g.isDead());
        assertTrue(g.isSuccessful());
        Hub.sleep(0);
        assertEquals(List.of(), log);
    }

    @Test
    void throwingGreenletExitIntoAGreenletThatHasNotStartedEndsItUnrunWithoutASwitch() {
        SpawnedGreenlet<?> later = Hub.spawnLater(Duration.ofHours(1), () -> log.add("later ran"));
        SpawnedGreenlet<?> joiner = Hub.spawn(() -> {
            later.join();
            log.add("joiner woke");
        });
        Hub.sleep(0);
        assertEquals(List.of(), log, "the joiner waits");
        assertNull(later.throwInto(new GreenletExit()), "returns at once, to plain code");
        assertTrue(later.isDead());
        assertTrue(later.isSuccessful(), "killed counts as successful");
        joiner.join();
        SpawnedGreenlet<?> queued = Hub.spawn(() -> log.add("queued ran"));
        assertNull(queued.throwInto(new GreenletExit()));
        Hub.sleep(0);
        assertTrue(queued.isDead());
        assertEquals(List.of("joiner woke"), log, "neither ran; the joiner was not left waiting");
    }

    @Test
    void throwingIntoAGreenletThatHasNotStartedFromAnotherGreenletEndsItWithThatException() {
        SpawnedGreenlet<?> target = Hub.spawnLater(Duration.ofHours(1), () -> log.add("target ran"));
        IllegalStateException boom = new IllegalStateException("boom");
        SpawnedGreenlet<?> thrower = Hub.spawn(() -> {
            log.add("thrower got " + target.throwInto(boom));
            log.add("thrower goes on");
        });
        String err = HubThreadsTest.capturingErr(thrower::join);
        assertEquals(List.of("thrower got null", "thrower goes on"), log);
        assertSame(boom, target.exception(), "its outcome, as if its body had thrown it");
        assertTrue(err.contains("java.lang.IllegalStateException: boom"), err);
    }

    @Test
    void theHubsOwnGreenletGetsTheAnswersOfNonBlockingForms() {
        Queue<String> full = new Queue<>(1);
        full.put("x");
        Queue<String> empty = new Queue<>();
        Event clear = new Event();
        AsyncResult<String> unset = new AsyncResult<>();
        Semaphore none = new Semaphore(0);
        Lock held = new Lock();
        SpawnedGreenlet<?> holder = Hub.spawn(() -> {
            held.acquire();
            Hub.sleep(Duration.ofDays(1));
        });
        Hub.sleep(0);
        Pool busy = new Pool(1);
        busy.spawn(() -> Hub.sleep(Duration.ofDays(1)));
        AsyncResult<List<Object>> answers = new AsyncResult<>();
        Hub.current().submit(() -> {
            List<Object> a = new ArrayList<>();
            a.add(full.put("y", Duration.ZERO));
            a.add(empty.get(Duration.ZERO));
            a.add(clear.await(Duration.ZERO));
            a.add(none.acquire(Duration.ZERO));
            a.add(held.acquire(Duration.ZERO));
            a.add(busy.waitAvailable(Duration.ZERO));
            a.add(holder.join(Duration.ZERO));
            a.add(Hub.joinAll(Duration.ZERO, holder));
            a.add(Hub.wait(Duration.ZERO, clear, unset));
            a.add(full.join(Duration.ZERO));
            try {
                a.add(unset.get(Duration.ZERO));
            } catch (TimeoutException e) {
                a.add("AsyncResult timed out");
            }
            try {
                a.add(Hub.await(new CompletableFuture<>(), Duration.ZERO));
            } catch (TimeoutException e) {
                a.add("future timed out");
            }
            // what is ready answers as usual
            a.add(empty.put("z", Duration.ZERO));
            a.add(empty.get(Duration.ZERO));
            a.add(full.get(Duration.ZERO));
            // an operation that would really wait is refused, with the message it always had
            a.add(assertThrows(IllegalStateException.class, empty::get).getMessage());
            a.add(assertThrows(IllegalStateException.class, () -> clear.await(Duration.ofMillis(1))).getMessage());
            a.add(assertThrows(IllegalStateException.class, () -> Hub.sleep(0)).getMessage());
            answers.set(a);
        });
        List<Object> got = answers.get();
        assertEquals(List.of(false, "null", false, false, false, false, false, List.of(), List.of(), false,
                "AsyncResult timed out", "future timed out", true, "z", "x",
                "Queue.get was called in the hub's own greenlet, which must never wait",
                "Event.await was called in the hub's own greenlet, which must never wait",
                "Hub.sleep was called in the hub's own greenlet, which must never wait"),
                got.stream().map(o -> o == null ? "null" : o).collect(java.util.stream.Collectors.toList()));
        holder.kill();
        busy.killAll();
    }

    /** A greenlet that waits in {@code wait}, catching what ends it, then hands control back to plain code. */
    private SpawnedGreenlet<?> waitingIn(String name, dev.weft.SuspendableRunnable wait) {
        Greenlet root = Greenlet.current();
        return Hub.spawn(() -> {
            try {
                wait.run();
                log.add(name + " ended normally");
            } catch (InvalidSwitchError e) {
                log.add(e.getMessage());
            }
            root.switchTo(name + " handled it");
        });
    }

    @Test
    void aStraySwitchIntoAWaitingGreenletRaisesInvalidSwitchErrorThereAndLeavesNothingBehind() {
        Event never = new Event();
        Queue<String> empty = new Queue<>();
        List<SpawnedGreenlet<?>> all = List.of(
                waitingIn("sleeper", () -> Hub.sleep(Duration.ofDays(1))),
                waitingIn("awaiter", never::await),
                waitingIn("getter", () -> log.add("got " + empty.get())),
                waitingIn("joiner", () -> Hub.spawnLater(Duration.ofDays(1), () -> { }).join(Duration.ofDays(2))));
        Hub.sleep(0);
        List<String> expected = new ArrayList<>();
        String[] names = {"sleeper", "awaiter", "getter", "joiner"};
        String[] waits = {"Hub.sleep", "Event.await", "Queue.get", "SpawnedGreenlet.join"};
        for (int i = 0; i < all.size(); i++) {
            assertEquals(names[i] + " handled it", all.get(i).switchTo("x" + i));
            expected.add("Invalid switch into " + all.get(i).name() + ": it waits in " + waits[i] + ", and a switch "
                    + "resumed it with \"x" + i + "\" instead of the hub. A greenlet waiting on the hub is resumed "
                    + "by the hub alone: wake it through what it waits for, or kill it");
        }
        assertEquals(expected, log);
        assertEquals("Event[clear, 0 waiting]", never.toString());
        assertEquals("Queue[0 items, 0 getters, 0 putters waiting, 0 unfinished]", empty.toString());
        empty.put("late");
        Hub.sleep(Duration.ofDays(3)); // the old timers fire into nothing
        assertEquals(expected, log, "no wait ends twice");
        for (SpawnedGreenlet<?> g : all) {
            g.kill();
        }
    }

    @Test
    void aStraySwitchIntoPlainCodeWaitingOnTheHubRaisesThere() {
        Greenlet root = Greenlet.current();
        SpawnedGreenlet<?> stray = Hub.spawn(() -> {
            log.add("stray got " + root.switchTo("y"));
            root.switchTo();
        });
        InvalidSwitchError e = assertThrows(InvalidSwitchError.class, () -> Hub.sleep(Duration.ofDays(1)));
        assertTrue(e.getMessage().startsWith("Invalid switch into "), e.getMessage());
        assertTrue(e.getMessage().contains(": it waits in Hub.sleep, and a switch resumed it with \"y\" instead of the hub"),
                e.getMessage());
        stray.switchTo("done");
        assertEquals(List.of("stray got done"), log);
        stray.kill();
    }

    @Test
    void aSwitchFromACallbackIsRefusedAndTheHubGoesOn(Hub hub) {
        SpawnedGreenlet<?> sleeper = Hub.spawn(() -> {
            Hub.sleep(10);
            log.add("sleeper woke");
        });
        Hub.sleep(0);
        AsyncResult<String> refused = new AsyncResult<>();
        hub.submit(() -> refused.set(assertThrows(IllegalStateException.class,
                () -> sleeper.throwInto(new GreenletExit())).getMessage()));
        assertEquals("Greenlet.throwInto(exception) was called in a callback that the hub runs in its own greenlet "
                + "(a submitted callback, a link), which cannot switch. Fix: spawn a greenlet for it "
                + "(Hub.spawn(() -> g.kill()) to kill one), or set an Event that a greenlet waits for", refused.get());
        sleeper.join();
        assertEquals(List.of("sleeper woke"), log, "the hub and the sleeper went on");
    }
}
