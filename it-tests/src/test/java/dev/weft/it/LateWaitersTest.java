package dev.weft.it;

import static dev.weft.it.HubThreadsTest.capturingErr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.AsyncResult;
import dev.weft.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A late waiter queues behind earlier ones: a wait on an {@code Event} or an {@code AsyncResult} that is
 * set while waiters it woke have not all run yet lets them run first (gevent's order). Spawned
 * greenlets and plain code yield; the hub's own greenlet, which cannot wait, returns at once. Once the
 * woken waiters have run, a wait on a set event returns at once without a switch.
 */
class LateWaitersTest {
    private final List<String> log = new ArrayList<>();

    private List<SpawnedGreenlet<?>> waitersOn(Event e, int n) {
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "waiter" + i;
            all.add(Hub.spawn(() -> {
                e.await();
                log.add(name);
            }));
        }
        Hub.sleep(0); // they all wait
        return all;
    }

    @Test
    void theSetterAndAGreenletReadyBeforeTheSetResumeAfterTheWaitersTheSetWoke() {
        Event e = new Event();
        List<SpawnedGreenlet<?>> all = waitersOn(e, 3);
        all.add(Hub.spawn(() -> {
            e.set();
            e.await();
            log.add("setter");
        }));
        all.add(Hub.spawn(() -> {
            e.await(); // ready before the set, runs after it
            log.add("late");
        }));
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of("waiter0", "waiter1", "waiter2", "setter", "late"), log);
        assertEquals("Event[set, 0 waiting]", e.toString());
    }

    @Test
    void aWokenWaiterThatWaitsAgainQueuesBehindTheOthers() {
        Event e = new Event();
        SpawnedGreenlet<?> first = Hub.spawn(() -> {
            e.await();
            log.add("first");
            e.await();
            log.add("first again");
        });
        List<SpawnedGreenlet<?>> all = waitersOn(e, 2);
        all.add(first);
        e.set();
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of("first", "waiter0", "waiter1", "first again"), log);
    }

    @Test
    void plainCodeRunsTheHubUntilTheWaitersTheSetWokeHaveRun() {
        Event e = new Event();
        List<SpawnedGreenlet<?>> all = waitersOn(e, 2);
        e.set();
        assertEquals("Event[set, 2 waiting]", e.toString(), "woken, not yet run");
        e.await();
        log.add("plain code");
        assertEquals(List.of("waiter0", "waiter1", "plain code"), log);
        assertTrue(all.stream().allMatch(SpawnedGreenlet::isReady));
        // and with a time limit
        Event f = new Event();
        waitersOn(f, 1);
        f.set();
        assertTrue(f.await(Duration.ofSeconds(60)));
        log.add("plain code again");
        assertEquals(List.of("waiter0", "waiter1", "plain code", "waiter0", "plain code again"), log);
    }

    @Test
    void theHubsOwnGreenletCannotWaitAndReturnsAtOnce() {
        Event e = new Event();
        List<SpawnedGreenlet<?>> all = waitersOn(e, 2);
        String err = capturingErr(() -> {
            Hub.current().submit(() -> {
                e.set();
                e.await(); // in the hub's own greenlet: returns at once
                log.add("hub");
            });
            Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        });
        assertEquals(List.of("hub", "waiter0", "waiter1"), log, err);
        assertEquals("", err);
    }

    @Test
    void onceTheWokenWaitersHaveRunAWaitOnASetEventReturnsWithoutASwitch() {
        Event e = new Event();
        List<SpawnedGreenlet<?>> all = waitersOn(e, 1);
        e.set();
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        SpawnedGreenlet<?> other = Hub.spawn(() -> log.add("other"));
        e.await();
        log.add("plain code");
        SpawnedGreenlet<?>[] another = new SpawnedGreenlet<?>[1];
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            another[0] = Hub.spawn(() -> log.add("another"));
            e.await();
            log.add("greenlet");
        });
        Hub.joinAll(other, g);
        another[0].join();
        assertEquals(List.of("waiter0", "plain code", "other", "greenlet", "another"), log);
    }

    @Test
    void aLateWaiterKilledWhileItQueuesLeavesNothingBehind() {
        Event e = new Event();
        Event go = new Event();
        List<SpawnedGreenlet<?>> all = waitersOn(e, 1);
        SpawnedGreenlet<?>[] late = new SpawnedGreenlet<?>[1];
        SpawnedGreenlet<?> killer = Hub.spawn(() -> {
            go.await();
            late[0].kill(); // queued while late is about to run: late takes it while it queues behind waiter0
        });
        late[0] = Hub.spawn(() -> {
            go.await();
            try {
                e.await();
                log.add("late woke");
            } finally {
                log.add("late's finally");
            }
        });
        Hub.sleep(0);
        go.set();
        e.set();
        Hub.joinAll(killer, late[0], all.get(0));
        assertEquals(List.of("waiter0", "late's finally"), log);
        assertEquals("Event[set, 0 waiting]", e.toString());
    }

    @Test
    void aLateGetOfAnAsyncResultQueuesBehindTheWaitersTheSetWoke() {
        AsyncResult<String> r = new AsyncResult<>();
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String name = "waiter" + i;
            all.add(Hub.spawn(() -> log.add(name + " got " + r.get())));
        }
        Hub.sleep(0);
        all.add(Hub.spawn(() -> {
            r.set("v");
            log.add("setter got " + r.get());
        }));
        all.add(Hub.spawn(() -> {
            try {
                log.add("late got " + r.get(Duration.ofSeconds(60)));
            } catch (java.util.concurrent.TimeoutException e) {
                log.add("late timed out");
            }
        }));
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of("waiter0 got v", "waiter1 got v", "setter got v", "late got v"), log);
        // plain code
        AsyncResult<String> s = new AsyncResult<>();
        Hub.spawn(() -> log.add("waiter got " + s.get()));
        Hub.sleep(0);
        s.set("w");
        log.add("plain code got " + s.get());
        assertEquals(List.of("waiter got w", "plain code got w"), log.subList(4, 6));
    }
}
