package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Timeout;
import dev.weft.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code Event.await()} is a suspension primitive of its own: a waiting greenlet saves no frame of the
 * wait. Every way out of the wait still unlinks it and runs the caller's {@code finally} blocks: the set,
 * a kill, a timeout, plain code's wait, and the refused wait of a coroutine's body driven, inside a
 * greenlet, by code that cannot suspend.
 */
class EventWaitsTest {
    private final List<String> log = new ArrayList<>();

    @Test
    void killedAndTimedOutWaitersLeaveTheEventAndRunTheirFinallyBlocks() {
        Event never = new Event();
        SpawnedGreenlet<?> killed = Hub.spawn(() -> {
            try {
                never.await();
                log.add("killed one woke");
            } finally {
                log.add("killed one's finally");
            }
        });
        SpawnedGreenlet<?> timedOut = Hub.spawn(() -> {
            try (Timeout t = Timeout.start(Duration.ofMillis(1))) {
                never.await();
                log.add("timed-out one woke");
            } catch (Timeout t) {
                log.add("timed out");
            }
        });
        Hub.sleep(0);
        assertEquals("Event[clear, 2 waiting]", never.toString());
        killed.kill();
        timedOut.join();
        // in either order: the time limit may run out while the kill is on its way
        assertEquals(java.util.Set.of("killed one's finally", "timed out"), java.util.Set.copyOf(log));
        assertEquals(2, log.size());
        assertEquals("Event[clear, 0 waiting]", never.toString(), "neither is left on the event");
        assertTrue(killed.isSuccessful(), "a kill is a successful end");
        assertTrue(timedOut.isSuccessful());
    }

    @Test
    void aGreenletWaitsAgainAndAgainOnTheSameEventsAndEachWaitEndsOnce() {
        Event ping = new Event();
        Event pong = new Event();
        int[] rounds = {0};
        SpawnedGreenlet<?> a = Hub.spawn(() -> {
            for (int i = 0; i < 1000; i++) {
                pong.set();
                ping.await();
                ping.clear();
                rounds[0]++;
            }
        });
        SpawnedGreenlet<?> b = Hub.spawn(() -> {
            while (true) {
                pong.await();
                pong.clear();
                ping.set();
            }
        });
        a.join();
        assertEquals(1000, rounds[0]);
        assertEquals("Event[clear, 1 waiting]", pong.toString(), "b waits for the next round");
        b.kill();
        assertEquals("Event[clear, 0 waiting]", pong.toString());
    }

    @Test
    void plainCodeWaitsRunningTheHubUntilTheEventIsSet() {
        Event e = new Event();
        Hub.spawn(() -> {
            log.add("setter runs");
            e.set();
        });
        e.await(); // plain code: runs the hub until set
        log.add("plain code woke");
        assertEquals(List.of("setter runs", "plain code woke"), log);
        assertEquals("Event[set, 0 waiting]", e.toString());
    }

    @Test
    void aCoroutinesBodyDrivenByCodeThatCannotSuspendCannotWaitAndLeavesNoWaiterBehind() {
        Event never = new Event();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            Coroutine<Object, Object> c = Coroutine.of(() -> never.await());
            // driven by JUnit's assertThrows, which is not woven: the greenlet cannot switch from under it
            IllegalStateException e = assertThrows(IllegalStateException.class, c::next);
            log.add(e.getMessage().startsWith("Event.await was called in a Coroutine body") ? "refused" : e.getMessage());
        });
        g.get();
        assertEquals(List.of("refused"), log);
        assertEquals("Event[clear, 0 waiting]", never.toString());
        assertFalse(never.isSet());
    }
}
