package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.LoopExit;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.Event;
import dev.weft.sync.Lock;
import dev.weft.sync.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Never a mystery hang: a wait that can never end throws LoopExit naming who waits for what. */
class LoopExitTest {

    @Test
    void aWaitThatCanNeverEndNamesEveryWaiterAndWhatItWaitsFor() {
        Event never = new Event();
        Queue<String> empty = new Queue<>();
        SpawnedGreenlet<?> onEvent = Hub.spawn(() -> never.await());
        SpawnedGreenlet<?> onQueue = Hub.spawn(() -> empty.get());
        SpawnedGreenlet<?> joiner = Hub.spawn(() -> onEvent.join());
        LoopExit e = assertThrows(LoopExit.class, () -> Hub.joinAll(joiner, onQueue));
        String main = Thread.currentThread().getName();
        assertTrue(e.getMessage().startsWith("the hub of thread \"" + main
                + "\" has nothing ready to run and no timers: the wait can never end"), e.getMessage());
        List<String> waits = e.waits();
        List<String> expected = List.of(
                main + " waits in Hub.joinAll for " + joiner.name(), // main waits first: the others start then
                onEvent.name() + " waits in Event.await",
                onQueue.name() + " waits in Queue.get",
                joiner.name() + " waits in SpawnedGreenlet.join for " + onEvent.name());
        // in the order they started waiting; greenlets left waiting by other tests of this thread may come first
        assertEquals(expected, waits.subList(waits.size() - expected.size(), waits.size()), e.getMessage());
        for (String w : expected) {
            assertTrue(e.getMessage().contains(w), e.getMessage());
        }
        Hub.killAll(onEvent, onQueue, joiner);
        assertTrue(onEvent.isReady() && onQueue.isReady() && joiner.isReady());
    }

    @Test
    void plainCodeWaitingOnSeveralObjectsIsNamedWithThemAndTheWaitersStayUsable() {
        Event a = new Event();
        Event b = new Event();
        LoopExit e = assertThrows(LoopExit.class, () -> Hub.wait(a, b));
        String main = Thread.currentThread().getName();
        assertEquals(main + " waits in Hub.wait for Event[clear, 1 waiting], Event[clear, 1 waiting]",
                e.waits().get(e.waits().size() - 1));
        assertTrue(e instanceof IllegalStateException);
        // the abandoned wait left no callback behind, and waiting again works
        assertTrue(a.toString().contains("0 waiting"), a.toString());
        Hub.spawn(a::set);
        assertEquals(List.of(a), Hub.wait(Duration.ofSeconds(60), a));
    }

    @Test
    void greenletsReusingTheirOwnWaitersAreNamedInTheOrderTheyStartedWaiting() {
        // a spawned greenlet's own waiter and plain code's are not on the hub's list of parked waiters
        // (the hub finds them through their greenlets); a greenlet made by hand is listed: the report
        // still names every one, in the order the waits started, however often each has waited before
        Event never = new Event();
        Event byHandEvent = new Event();
        Event plainEvent = new Event();
        Event ping = new Event();
        Event pong = new Event();
        List<Greenlet> made = new ArrayList<>();
        SpawnedGreenlet<?> ponger = Hub.spawn(() -> {
            for (int i = 0; i < 3; i++) {
                ping.await(); // the same own waiter, reused from one wait to the next
                ping.clear();
                pong.set();
            }
            never.await();
        });
        SpawnedGreenlet<?> maker = Hub.spawn(() -> {
            for (int i = 0; i < 3; i++) {
                ping.set();
                pong.await();
                pong.clear();
            }
            Greenlet byHand = new Greenlet(() -> byHandEvent.await());
            made.add(byHand);
            byHand.switchTo(); // back here once byHand has finished
        });
        LoopExit e = assertThrows(LoopExit.class, () -> plainEvent.await());
        String main = Thread.currentThread().getName();
        List<String> waits = e.waits();
        List<String> expected = List.of(
                main + " waits in Event.await", // plain code waits first: the greenlets start then
                ponger.name() + " waits in Event.await",
                made.get(0) + " waits in Event.await");
        assertEquals(expected, waits.subList(waits.size() - expected.size(), waits.size()), e.getMessage());
        String dump = Hub.dump();
        assertTrue(dump.contains('"' + ponger.name() + "\" waiting in Event.await"), dump);
        assertTrue(dump.contains('"' + maker.name() + "\" suspended"), dump);
        // every wait still ends when its event is set
        byHandEvent.set();
        never.set();
        Hub.joinAll(ponger, maker);
        assertTrue(made.get(0).isDead() && ponger.isSuccessful() && maker.isSuccessful());
        assertTrue(never.toString().contains("0 waiting") && byHandEvent.toString().contains("0 waiting"));
    }

    @Test
    void aLockDeadlockNamesWhoHoldsWhatEachWaitsFor() {
        Lock first = new Lock();
        Lock second = new Lock();
        Event bothHeld = new Event();
        SpawnedGreenlet<?> a = Hub.spawn(() -> {
            first.acquire();
            bothHeld.await();
            second.acquire();
        });
        SpawnedGreenlet<?> b = Hub.spawn(() -> {
            second.acquire();
            bothHeld.set();
            first.acquire();
        });
        LoopExit e = assertThrows(LoopExit.class, () -> Hub.joinAll(a, b));
        // a spawned greenlet is the lock's owner, and prints as itself
        assertTrue(e.waits().contains(a.name() + " waits in Lock.acquire for Lock[held 1x by " + b
                + ", 1 waiting]"), e.getMessage());
        assertTrue(e.waits().contains(b.name() + " waits in Lock.acquire for Lock[held 1x by " + a
                + ", 1 waiting]"), e.getMessage());
        assertEquals(b.name() + "[started]", b.toString());
        Hub.killAll(a, b);
    }

    @Test
    void aPendingTimerMeansTheWaitCanStillEnd() {
        Event e = new Event();
        Hub.spawnLater(Duration.ofMillis(1), e::set);
        e.await(); // nothing ready, but a timer is set: no LoopExit
        assertTrue(e.isSet());
    }
}
