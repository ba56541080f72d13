package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gevent's rules for {@code dev.weft.sync}: Event, AsyncResult and Queue, with the real agent. */
class SyncTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void eventSetWakesEveryWaiterInTheOrderTheyWaited() {
        Event e = new Event();
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            all.add(Hub.spawn(() -> {
                log.add("wait" + n);
                e.await();
                log.add("woke" + n);
            }));
        }
        all.add(Hub.spawn(() -> {
            log.add("set");
            e.set();
            log.add("set returned");
        }));
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of("wait0", "wait1", "wait2", "set", "set returned", "woke0", "woke1", "woke2"), log);
        assertTrue(e.isSet());
    }

    @Test
    void eventAwaitReturnsAtOnceWhenSetAndWaitsAgainAfterClear() {
        Event e = new Event();
        e.set();
        e.await(); // plain code, flag set: returns without running the hub
        assertTrue(e.await(Duration.ofMillis(1)));
        e.clear();
        assertFalse(e.isSet());
        assertFalse(e.await(Duration.ofMillis(1)));
    }

    @Test
    void eventAwaitWithATimeoutReturnsFalseWhenNotSetAndTrueWhenSet() {
        Event never = new Event();
        Event soon = new Event();
        SpawnedGreenlet<Boolean> a = Hub.spawn(() -> never.await(Duration.ofMillis(2)));
        SpawnedGreenlet<Boolean> b = Hub.spawn(() -> soon.await(Duration.ofSeconds(60)));
        Hub.spawn(soon::set);
        assertFalse(a.get());
        assertTrue(b.get());
    }

    @Test
    void plainCodeAwaitingAnEventRunsTheHub() {
        Event e = new Event();
        Hub.spawn(() -> {
            log.add("spawned");
            e.set();
        });
        e.await();
        assertEquals(List.of("spawned"), log);
    }

    @Test
    void aKilledEventWaiterIsNotWokenBySet() {
        Event e = new Event();
        SpawnedGreenlet<?> killed = Hub.spawn(() -> {
            try {
                e.await();
                log.add("killed woke");
            } finally {
                log.add("killed finally");
            }
        });
        SpawnedGreenlet<?> other = Hub.spawn(() -> {
            e.await();
            log.add("other woke");
        });
        Hub.sleep(0); // both are waiting now
        killed.kill();
        assertEquals(List.of("killed finally"), log);
        e.set();
        Hub.joinAll(other);
        assertEquals(List.of("killed finally", "other woke"), log);
    }
}
