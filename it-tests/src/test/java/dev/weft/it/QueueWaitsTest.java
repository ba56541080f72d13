package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Timeout;
import dev.weft.sync.Channel;
import dev.weft.sync.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@code Queue.get()} and {@code Queue.put(item)} are suspension primitives of their own, as
 * {@code Event.await()} is: a waiting greenlet saves no frame of the wait, and the queue keeps the item in
 * transit. Every way out of the wait still leaves no getter or putter behind and runs the caller's
 * {@code finally} blocks, and no item is lost or taken twice: a hand-off, a kill, a timeout, plain code's
 * wait, and the refused wait of a coroutine's body driven, inside a greenlet, by code that cannot suspend.
 */
class QueueWaitsTest {
    private final List<String> log = new ArrayList<>();

    @Test
    void killedAndTimedOutGettersLeaveTheQueueAndRunTheirFinallyBlocks() {
        Queue<String> q = new Queue<>();
        SpawnedGreenlet<?> killed = Hub.spawn(() -> {
            try {
                log.add("killed one got " + q.get());
            } finally {
                log.add("killed one's finally");
            }
        });
        SpawnedGreenlet<?> timedOut = Hub.spawn(() -> {
            try (Timeout t = Timeout.start(Duration.ofMillis(1))) {
                log.add("timed-out one got " + q.get());
            } catch (Timeout t) {
                log.add("timed out");
            }
        });
        Hub.sleep(0);
        assertEquals("Queue[0 items, 2 getters, 0 putters waiting, 0 unfinished]", q.toString());
        killed.kill();
        timedOut.join();
        // in either order: the time limit may run out while the kill is on its way
        assertEquals(Set.of("killed one's finally", "timed out"), Set.copyOf(log));
        assertEquals(2, log.size());
        assertEquals("Queue[0 items, 0 getters, 0 putters waiting, 0 unfinished]", q.toString(),
                "neither is left on the queue");
        q.put("x"); // stays in the queue: handed to no one
        assertEquals("Queue[1 items, 0 getters, 0 putters waiting, 1 unfinished]", q.toString());
        assertTrue(killed.isSuccessful() && timedOut.isSuccessful());
    }

    @Test
    void killedAndTimedOutPuttersLeaveTheQueueWithTheirItemsAndRunTheirFinallyBlocks() {
        Queue<String> q = new Queue<>(1);
        q.put("a");
        SpawnedGreenlet<?> killed = Hub.spawn(() -> {
            try {
                q.put("killed");
                log.add("killed one put");
            } finally {
                log.add("killed one's finally");
            }
        });
        SpawnedGreenlet<?> timedOut = Hub.spawn(() -> {
            try (Timeout t = Timeout.start(Duration.ofMillis(1))) {
                q.put("timed out");
                log.add("timed-out one put");
            } catch (Timeout t) {
                log.add("timed out");
            }
        });
        Hub.sleep(0);
        assertEquals("Queue[1/1 items, 0 getters, 2 putters waiting, 1 unfinished]", q.toString());
        killed.kill();
        timedOut.join();
        // in either order: the time limit may run out while the kill is on its way
        assertEquals(Set.of("killed one's finally", "timed out"), Set.copyOf(log));
        assertEquals(2, log.size());
        assertEquals("Queue[1/1 items, 0 getters, 0 putters waiting, 1 unfinished]", q.toString(),
                "neither is left on the queue");
        assertEquals("a", q.get());
        assertTrue(q.isEmpty(), "neither item was let in");
        assertTrue(killed.isSuccessful() && timedOut.isSuccessful());
    }

    @Test
    void aPutterKilledWhileWaitingOnAChannelBehindAnotherLeavesAndItsItemIsNeverTaken() {
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> first = Hub.spawn(() -> ch.put("first"));
        SpawnedGreenlet<?> killed = Hub.spawn(() -> ch.put("dead"));
        SpawnedGreenlet<?> third = Hub.spawn(() -> ch.put("third"));
        Hub.sleep(0);
        assertEquals("Channel[0/0 items, 0 getters, 3 putters waiting, 0 unfinished]", ch.toString());
        killed.kill(); // the pair of the second putter is found behind the first's
        assertEquals("Channel[0/0 items, 0 getters, 2 putters waiting, 0 unfinished]", ch.toString());
        assertEquals("first", ch.get());
        assertEquals("third", ch.get());
        Hub.joinAll(first, third);
        assertNull(ch.get(Duration.ofMillis(1)));
        assertEquals("Channel[0/0 items, 0 getters, 0 putters waiting, 2 unfinished]", ch.toString());
    }

    @Test
    void anItemHandedToAGetterKilledBeforeItRanGoesToTheNextGetter() {
        Queue<String> q = new Queue<>();
        SpawnedGreenlet<?> killed = Hub.spawn(() -> {
            try {
                log.add("killed one got " + q.get());
            } finally {
                log.add("killed one's finally");
            }
        });
        SpawnedGreenlet<?> next = Hub.spawn(() -> log.add("next got " + q.get()));
        Hub.sleep(0); // both wait
        // the kill request is queued before the put wakes the first getter, so it dies before taking x
        SpawnedGreenlet<?> killer = Hub.spawn(killed::kill);
        SpawnedGreenlet<?> putter = Hub.spawn(() -> {
            q.put("x");
            log.add(q.toString());
        });
        Hub.joinAll(killer, putter, killed, next);
        assertEquals(List.of("Queue[0 items, 1 getters, 0 putters waiting, 1 unfinished]", "killed one's finally",
                "next got x"), log);
        assertEquals("Queue[0 items, 0 getters, 0 putters waiting, 1 unfinished]", q.toString());
    }

    @Test
    void anItemHandedToAGetterKilledBeforeItRanGoesBackToTheHead() {
        Queue<String> q = new Queue<>();
        SpawnedGreenlet<?> killed = Hub.spawn(() -> log.add("killed one got " + q.get()));
        Hub.sleep(0);
        SpawnedGreenlet<?> killer = Hub.spawn(killed::kill);
        SpawnedGreenlet<?> putter = Hub.spawn(() -> {
            q.put("x"); // handed to the getter
            q.put("y"); // into the queue: no one else waits
        });
        Hub.joinAll(killer, putter, killed);
        assertEquals(List.of(), log);
        assertEquals("Queue[2 items, 0 getters, 0 putters waiting, 2 unfinished]", q.toString());
        assertEquals("x", q.get(), "x is the head again");
        assertEquals("y", q.get());
    }

    @Test
    void itemsHandedToSeveralGettersKilledOutOfTurnReachTheOthersInOrder() {
        Queue<Integer> q = new Queue<>();
        List<SpawnedGreenlet<?>> getters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            getters.add(Hub.spawn(() -> log.add("getter" + n + " got " + q.get())));
        }
        Hub.sleep(0); // all four wait
        // the kills are queued before the puts wake the first three getters: the second and third are
        // handed items and killed before their turn, the third first; the fourth gets the third's item, and
        // the second's goes back to the queue
        SpawnedGreenlet<?> killer = Hub.spawn(() -> Hub.killAll(getters.get(2), getters.get(1)));
        SpawnedGreenlet<?> putter = Hub.spawn(() -> {
            for (int i = 0; i < 3; i++) {
                q.put(i);
            }
        });
        Hub.joinAll(getters.toArray(new SpawnedGreenlet<?>[0]));
        Hub.joinAll(killer, putter);
        assertEquals(List.of("getter0 got 0", "getter3 got 2"), log);
        assertEquals(1, q.get(), "the second's item is the head");
        assertTrue(q.isEmpty());
    }

    @Test
    void aThousandHandOffsThroughAChannelKeepTheirOrder() {
        Channel<Integer> ch = new Channel<>();
        Channel<Integer> back = new Channel<>();
        List<Integer> got = new ArrayList<>();
        List<Integer> echoed = new ArrayList<>();
        SpawnedGreenlet<?> producer = Hub.spawn(() -> {
            for (int i = 0; i < 1000; i++) {
                ch.put(i);
                echoed.add(back.get());
            }
        });
        SpawnedGreenlet<?> consumer = Hub.spawn(() -> {
            for (int i = 0; i < 1000; i++) {
                int item = ch.get();
                got.add(item);
                back.put(-item);
            }
        });
        Hub.joinAll(producer, consumer);
        List<Integer> expected = IntStream.range(0, 1000).boxed().collect(Collectors.toList());
        assertEquals(expected, got);
        assertEquals(expected.stream().map(i -> -i).collect(Collectors.toList()), echoed);
        assertEquals("Channel[0/0 items, 0 getters, 0 putters waiting, 1000 unfinished]", ch.toString());
        assertEquals("Channel[0/0 items, 0 getters, 0 putters waiting, 1000 unfinished]", back.toString());
    }

    @Test
    void waitsWithATimeLimitTakeAndGiveTheirItemsToo() {
        Queue<String> q = new Queue<>(1);
        SpawnedGreenlet<String> getter = Hub.spawn(() -> q.get(Duration.ofSeconds(60)));
        Hub.sleep(0);
        q.put("handed");
        assertEquals("handed", getter.get());
        q.put("a");
        SpawnedGreenlet<Boolean> putter = Hub.spawn(() -> q.put("b", Duration.ofSeconds(60)));
        SpawnedGreenlet<Boolean> late = Hub.spawn(() -> q.put("late", Duration.ofMillis(1)));
        Hub.sleep(0);
        assertEquals("Queue[1/1 items, 0 getters, 2 putters waiting, 2 unfinished]", q.toString());
        assertEquals("a", q.get()); // lets b in
        assertTrue(putter.get());
        assertFalse(late.get());
        assertEquals("Queue[1/1 items, 0 getters, 0 putters waiting, 3 unfinished]", q.toString());
        assertEquals("b", q.get());
    }

    @Test
    void plainCodeGetsAndPutsRunningTheHubUntilAGreenletServesIt() {
        Channel<String> ch = new Channel<>();
        Hub.spawn(() -> {
            log.add("putter runs");
            ch.put("x");
            log.add("putter's item taken");
        });
        assertEquals("x", ch.get()); // plain code: runs the hub until handed x
        log.add("plain code got x");
        SpawnedGreenlet<?> getter = Hub.spawn(() -> log.add("getter got " + ch.get()));
        ch.put("y"); // plain code: runs the hub until the getter takes y
        log.add("plain code's y taken");
        getter.join();
        // x: the putter finds plain code waiting, hands it over and goes on after it; y: plain code waits
        // until taken
        assertEquals(List.of("putter runs", "plain code got x", "putter's item taken", "getter got y",
                "plain code's y taken"), log);
        assertEquals("Channel[0/0 items, 0 getters, 0 putters waiting, 2 unfinished]", ch.toString());
    }

    @Test
    void aCoroutinesBodyDrivenByCodeThatCannotSuspendCannotWaitAndLeavesNoGetterOrPutterBehind() {
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            Coroutine<Object, Object> get = Coroutine.of(() -> ch.get());
            Coroutine<Object, Object> put = Coroutine.of(() -> ch.put("x"));
            for (Coroutine<Object, Object> c : List.of(get, put)) {
                // driven by JUnit's assertThrows, which is not woven: the greenlet cannot switch from under it
                IllegalStateException e = assertThrows(IllegalStateException.class, c::next);
                log.add(e.getMessage().matches("Queue\\.(get|put) was called in a Coroutine body that runs in greenlet-\\d+, "
                        + "but the coroutine is driven by code that cannot suspend .*") ? "refused" : e.getMessage());
            }
        });
        g.get();
        assertEquals(List.of("refused", "refused"), log);
        assertEquals("Channel[0/0 items, 0 getters, 0 putters waiting, 0 unfinished]", ch.toString());
    }

    @Test
    void theDumpNamesTheWaitsAsBeforeAndAGreenletMadeByHandLeavesNoWaiterListed() {
        Queue<String> q = new Queue<>(1);
        q.put("full");
        SpawnedGreenlet<?> putter = Hub.spawn(() -> q.put("x"));
        List<Greenlet> made = new ArrayList<>();
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> maker = Hub.spawn(() -> {
            Greenlet byHand = new Greenlet(() -> log.add("by hand got " + ch.get()));
            made.add(byHand);
            byHand.switchTo(); // back here once byHand has finished
        });
        Hub.sleep(0);
        String dump = Hub.dump();
        assertTrue(dump.contains("\n\"" + putter.name() + "\" waiting in Queue.put\n\tat Queue.put\n\tat "), dump);
        String byHand = made.get(0).toString();
        assertTrue(dump.contains("\n\"" + byHand + "\" waiting in Queue.get\n\tat Queue.get\n\tat "), dump);
        assertEquals("full", q.get());
        assertTrue(Hub.dump().contains("\n\"" + putter.name() + "\" ready, woken from Queue.put\n"), Hub.dump());
        ch.put("y");
        Hub.joinAll(putter, maker);
        assertEquals(List.of("by hand got y"), log);
        assertFalse(Hub.dump().contains(byHand), Hub.dump());
        assertFalse(HubInternals.parkedGreenlets().contains(made.get(0)),
                "no waiter of it is left on the hub's list of parked waiters: " + HubInternals.parkedGreenlets());
    }
}
