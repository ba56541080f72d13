package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CoroutineException;
import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.WaitIterator;
import dev.weft.Waitable;
import dev.weft.sync.AsyncResult;
import dev.weft.sync.Event;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** gevent's joinall variants, wait and iwait, on greenlets, events and async results, with the real agent. */
class HubWaitTest {
    private final List<Object> log = new ArrayList<>();

    /** A greenlet that finishes when {@code go} is set, logging its name. */
    private SpawnedGreenlet<String> finishingOn(Event go, String name) {
        return Hub.spawn(() -> {
            go.await();
            log.add(name);
            return name;
        });
    }

    @Test
    void joinFirstReturnsTheFirstCountToFinishInFinishOrder() {
        Event goA = new Event();
        Event goC = new Event();
        SpawnedGreenlet<String> a = finishingOn(goA, "a");
        SpawnedGreenlet<String> b = Hub.spawn(() -> "b");
        SpawnedGreenlet<String> c = finishingOn(goC, "c");
        b.join(); // b has finished before the call
        Hub.spawn(() -> {
            goC.set();
            Hub.sleep(0);
            goA.set();
        });
        List<SpawnedGreenlet<?>> first = Hub.joinFirst(2, a, b, c);
        assertEquals(List.of(b, c), first);
        assertFalse(a.isReady()); // returned as soon as two had finished
        assertEquals(List.of("c"), log);
        assertEquals(List.of(a), Hub.joinFirst(5, a)); // a count beyond the greenlets means all
    }

    @Test
    void joinFirstWithATimeoutReturnsWhatFinishedInTime() {
        Event never = new Event();
        SpawnedGreenlet<String> stuck = finishingOn(never, "stuck");
        SpawnedGreenlet<Integer> quick = Hub.spawn(() -> {
            Hub.sleep(1);
            return 1;
        });
        assertEquals(List.of(quick), Hub.joinFirst(2, Duration.ofMillis(30), stuck, quick));
        assertFalse(stuck.isReady());
        stuck.kill();
        assertThrows(IllegalArgumentException.class, () -> Hub.joinFirst(0, quick));
    }

    @Test
    void joinAllOrThrowRethrowsTheFirstFailureAsSoonAsItHappens() {
        Event never = new Event();
        IllegalStateException boom = new IllegalStateException("boom");
        SpawnedGreenlet<String> stuck = finishingOn(never, "stuck");
        HubThreadsTest.capturingErr(() -> {
            SpawnedGreenlet<?> failing = Hub.spawn(() -> {
                Hub.sleep(0);
                log.add("failing");
                throw boom;
            });
            SpawnedGreenlet<?> fine = Hub.spawn(() -> log.add("fine"));
            assertSame(boom, assertThrows(IllegalStateException.class, () -> Hub.joinAllOrThrow(fine, stuck, failing)));
            SpawnedGreenlet<?> checked = Hub.spawn(() -> {
                throw new IOException("io");
            });
            CoroutineException wrapped = assertThrows(CoroutineException.class, () -> Hub.joinAllOrThrow(checked));
            assertTrue(wrapped.getCause() instanceof IOException);
        });
        assertFalse(stuck.isReady()); // not waited for once one failed, and still running
        assertEquals(List.of("fine", "failing"), log);
        never.set();
        assertEquals("stuck", stuck.get());
    }

    @Test
    void joinAllOrThrowWithATimeoutReturnsWhatFinishedWhenNoneFailed() {
        Event never = new Event();
        SpawnedGreenlet<String> stuck = finishingOn(never, "stuck");
        SpawnedGreenlet<String> ok = Hub.spawn(() -> "ok");
        assertEquals(List.of(ok), Hub.joinAllOrThrow(Duration.ofMillis(5), stuck, ok));
        Hub.spawn(never::set);
        assertEquals(List.of(stuck, ok), Hub.joinAllOrThrow(Duration.ofSeconds(60), stuck, ok));
    }

    @Test
    void waitOnGreenletsEventsAndResultsReturnsThemInTheOrderTheyBecameReady() {
        Event event = new Event();
        AsyncResult<String> result = new AsyncResult<>();
        Event goG = new Event();
        SpawnedGreenlet<String> g = finishingOn(goG, "g");
        Event already = new Event();
        already.set();
        Hub.spawn(() -> {
            result.set("r");
            Hub.sleep(0);
            goG.set();
            Hub.sleep(0);
            event.set();
        });
        List<Waitable> order = Hub.wait(event, g, result, already);
        assertEquals(List.of(already, result, g, event), order);
    }

    @Test
    void waitWithATimeoutReturnsTheReadyOnesAndLeavesNoCallbackBehind() {
        Event never = new Event();
        AsyncResult<String> soon = new AsyncResult<>();
        Hub.spawn(() -> soon.set("x"));
        assertEquals(List.of(soon), Hub.wait(Duration.ofMillis(5), never, soon));
        assertTrue(never.toString().contains("0 waiting"), never.toString());
        assertEquals(List.of(), Hub.wait(List.of(never), Duration.ZERO, 1));
    }

    @Test
    void iwaitInAGreenletYieldsEachObjectAsItBecomesReady() {
        List<Event> events = List.of(new Event(), new Event(), new Event());
        SpawnedGreenlet<?> consumer = Hub.spawn(() -> {
            WaitIterator<Event> it = Hub.iwait(events, null, Integer.MAX_VALUE);
            while (it.hasNext()) {
                log.add("got " + events.indexOf(it.next()));
            }
            log.add("end");
        });
        SpawnedGreenlet<?> producer = Hub.spawn(() -> {
            for (int i : new int[] {2, 0, 1}) {
                log.add("set " + i);
                events.get(i).set();
                Hub.sleep(0);
            }
        });
        Hub.joinAll(consumer, producer);
        assertEquals(List.of("set 2", "got 2", "set 0", "got 0", "set 1", "got 1", "end"), log);
    }

    @Test
    void iwaitStopsAtTheCountOrTheTimeoutAndUnlinksTheRest() {
        Event a = new Event();
        Event b = new Event();
        Event c = new Event();
        Hub.spawn(() -> {
            b.set();
            a.set();
        });
        try (WaitIterator<Event> it = Hub.iwait(List.of(a, b, c), null, 2)) {
            assertSame(b, it.next());
            assertSame(a, it.next());
            assertFalse(it.hasNext()); // the count is reached, although c could still come
            assertThrows(NoSuchElementException.class, it::next);
        }
        assertTrue(c.toString().contains("0 waiting"), c.toString());
        WaitIterator<Waitable> timed = Hub.iwait(List.<Waitable>of(c), Duration.ofMillis(3), 1);
        assertFalse(timed.hasNext());
        assertTrue(c.toString().contains("0 waiting"), c.toString());
    }

    @Test
    void aKilledGreenletThatWaitsAgainIsNotWokenByAStaleWakeQueuedBeforeTheKill() {
        Event first = new Event();
        Event second = new Event();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            try {
                first.await();
                log.add("first woke");
            } catch (GreenletExit exit) {
                log.add("caught exit");
                second.await();
                log.add("second woke, set=" + second.isSet());
            }
        });
        Hub.sleep(0); // g waits on first
        SpawnedGreenlet<?> killer = Hub.spawn(g::kill);
        Hub.spawn(first::set); // queues g's wake behind the kill
        Hub.sleep(0);
        Hub.sleep(0); // the kill is delivered, then the stale wake comes up
        assertEquals(List.of("caught exit"), log);
        assertFalse(g.isReady());
        second.set();
        killer.join();
        assertEquals(List.of("caught exit", "second woke, set=true"), log);
    }
}
