package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CoroutineException;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.AsyncResult;
import dev.weft.sync.BoundedSemaphore;
import dev.weft.sync.Channel;
import dev.weft.sync.Event;
import dev.weft.sync.GreenletLocal;
import dev.weft.sync.LifoQueue;
import dev.weft.sync.Lock;
import dev.weft.sync.PriorityQueue;
import dev.weft.sync.Queue;
import dev.weft.sync.Semaphore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeoutException;
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

    @Test
    void asyncResultGetWaitsForTheValueAndEveryWaiterGetsIt() {
        AsyncResult<String> r = new AsyncResult<>();
        SpawnedGreenlet<String> a = Hub.spawn(() -> "a:" + r.get());
        SpawnedGreenlet<String> b = Hub.spawn(() -> "b:" + r.get());
        Hub.spawn(() -> {
            log.add("setting");
            r.set("v");
        });
        assertFalse(r.isReady());
        assertEquals("a:v", a.get());
        assertEquals("b:v", b.get());
        assertTrue(r.isReady());
        assertEquals("v", r.get());
        assertEquals(List.of("setting"), log);
    }

    @Test
    void asyncResultGetThrowsTheExceptionAndWrapsACheckedOne() {
        AsyncResult<String> unchecked = new AsyncResult<>();
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Hub.spawn(() -> unchecked.setException(boom));
        assertSame(boom, assertThrows(IllegalArgumentException.class, unchecked::get));

        AsyncResult<String> checked = new AsyncResult<>();
        IOException io = new IOException("io");
        checked.setException(io);
        assertSame(io, assertThrows(CoroutineException.class, checked::get).getCause());
    }

    @Test
    void asyncResultCanBeSetOnlyOnce() {
        AsyncResult<Integer> r = new AsyncResult<>();
        r.set(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.set(2));
        assertEquals("AsyncResult already has a value; it can be set only once", e.getMessage());
        assertEquals(1, r.get());
    }

    @Test
    void asyncResultGetWithATimeoutThrowsTimeoutExceptionWhenNotSet() throws Exception {
        AsyncResult<String> r = new AsyncResult<>();
        assertThrows(TimeoutException.class, () -> r.get(Duration.ofMillis(1)));
        Hub.spawn(() -> r.set("late"));
        assertEquals("late", r.get(Duration.ofSeconds(60)));
    }

    @Test
    void queueIsFifo() {
        Queue<Integer> q = new Queue<>();
        for (int i = 0; i < 5; i++) {
            q.put(i);
        }
        assertEquals(5, q.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(i, q.get());
        }
        assertTrue(q.isEmpty());
    }

    @Test
    void waitingGettersAreServedInTheOrderTheyWaited() {
        Queue<String> q = new Queue<>();
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            all.add(Hub.spawn(() -> log.add("getter" + n + " got " + q.get())));
        }
        Hub.sleep(0); // all three are waiting
        q.put("x");
        q.put("y");
        q.put("z");
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of("getter0 got x", "getter1 got y", "getter2 got z"), log);
    }

    @Test
    void producerAndConsumerTakeTurnsThroughAQueueOfOne() {
        Queue<Integer> q = new Queue<>(1);
        SpawnedGreenlet<?> producer = Hub.spawn(() -> {
            for (int i = 0; i < 3; i++) {
                log.add("put " + i);
                q.put(i);
                log.add("put " + i + " done");
            }
        });
        SpawnedGreenlet<?> consumer = Hub.spawn(() -> {
            for (int i = 0; i < 3; i++) {
                log.add("got " + q.get());
            }
        });
        Hub.joinAll(producer, consumer);
        assertEquals(expectedTurns(), log);
    }

    /** The interleaving of a producer and a consumer of 3 items through a queue of 1. */
    private static List<String> expectedTurns() {
        return List.of(
                "put 0", "put 0 done", "put 1", // full: the producer waits with item 1
                "got 0",                         // takes 0, moves 1 in, wakes the producer; waits for 2
                "got 1",
                "put 1 done", "put 2", "put 2 done",
                "got 2");
    }

    @Test
    void getAndPutWithATimeoutGiveUpWhenTheTimeRunsOut() {
        Queue<String> q = new Queue<>(1);
        assertNull(q.get(Duration.ofMillis(1)));
        assertTrue(q.put("a", Duration.ofMillis(1)));
        assertFalse(q.put("b", Duration.ofMillis(1)));
        assertEquals(1, q.size());
        assertEquals("a", q.get(Duration.ofMillis(1)));
    }

    @Test
    void aKilledGetterDoesNotTakeTheNextItem() {
        Queue<String> q = new Queue<>();
        SpawnedGreenlet<?> killed = Hub.spawn(() -> log.add("killed got " + q.get()));
        SpawnedGreenlet<?> other = Hub.spawn(() -> log.add("other got " + q.get()));
        Hub.sleep(0);
        killed.kill();
        q.put("x");
        q.put("y");
        Hub.joinAll(other);
        assertEquals(List.of("other got x"), log);
        assertEquals("y", q.get());
    }

    @Test
    void aGetterKilledAfterBeingHandedAnItemPassesItOn() {
        Queue<String> q = new Queue<>();
        SpawnedGreenlet<?> killed = Hub.spawn(() -> log.add("killed got " + q.get()));
        SpawnedGreenlet<?> other = Hub.spawn(() -> log.add("other got " + q.get()));
        Hub.sleep(0);
        // the kill request is queued before the put wakes the first getter, so it dies before taking x
        SpawnedGreenlet<?> killer = Hub.spawn(killed::kill);
        SpawnedGreenlet<?> putter = Hub.spawn(() -> q.put("x"));
        Hub.joinAll(killer, putter, other);
        assertEquals(List.of("other got x"), log);
        assertTrue(q.isEmpty());
    }

    @Test
    void aKilledPutterLeavesItsItemOut() {
        Queue<String> q = new Queue<>(1);
        q.put("a");
        SpawnedGreenlet<?> killed = Hub.spawn(() -> q.put("dead"));
        Hub.sleep(0);
        killed.kill();
        assertEquals("a", q.get());
        assertTrue(q.isEmpty());
        assertNull(q.get(Duration.ofMillis(1)));
    }

    @Test
    void plainCodeWaitingForWhatCanNeverHappenThrowsAndLeavesNoWaiter() {
        Event e = new Event();
        IllegalStateException never = assertThrows(IllegalStateException.class, e::await);
        assertTrue(never.getMessage().contains("has nothing ready to run and no timers: the wait can never end"),
                never.getMessage());
        Queue<String> q = new Queue<>();
        assertThrows(IllegalStateException.class, q::get);
        q.put("x"); // not handed to the abandoned get
        assertEquals(1, q.size());
        assertEquals("x", q.get());
        e.set();
        assertTrue(e.await(Duration.ofMillis(1)));
    }

    @Test
    void queueJoinWaitsUntilEveryItemIsMarkedDone() {
        Queue<Integer> q = new Queue<>();
        SpawnedGreenlet<?>[] workers = new SpawnedGreenlet<?>[2];
        for (int w = 0; w < 2; w++) {
            int worker = w;
            workers[w] = Hub.spawn(() -> {
                while (true) {
                    int item = q.get();
                    Hub.sleep(0);
                    log.add("w" + worker + " did " + item);
                    q.taskDone();
                }
            });
        }
        for (int i = 0; i < 4; i++) {
            q.put(i);
        }
        assertFalse(q.join(Duration.ZERO));
        q.join();
        log.add("joined");
        assertEquals(List.of("w0 did 0", "w1 did 1", "w0 did 2", "w1 did 3", "joined"), log);
        assertTrue(q.join(Duration.ZERO));
        Hub.killAll(workers); // they wait in get() forever otherwise
        assertTrue(workers[0].isSuccessful() && workers[1].isSuccessful());
    }

    @Test
    void taskDoneMoreTimesThanItemsPutIsRefused() {
        Queue<String> q = new Queue<>();
        q.put("a");
        q.get();
        q.taskDone();
        IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
        assertEquals("taskDone() was called more times than items were put; call it once for each item taken with get()",
                e.getMessage());
    }

    @Test
    void semaphoreLetsAtMostItsPermitsInAndServesWaitersInOrder() {
        Semaphore sem = new Semaphore(2);
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            all.add(Hub.spawn(() -> {
                sem.acquire();
                log.add("in" + n);
                Hub.sleep(0);
                log.add("out" + n);
                sem.release();
            }));
        }
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of("in0", "in1", "out0", "out1", "in2", "in3", "out2", "out3"), log);
        assertEquals(2, sem.available());
    }

    @Test
    void semaphoreAcquireWithATimeoutAndAKilledWaiterTakesNoPermit() {
        Semaphore sem = new Semaphore(1);
        assertTrue(sem.acquire(Duration.ofMillis(1)));
        assertFalse(sem.acquire(Duration.ofMillis(1)));
        SpawnedGreenlet<?> killed = Hub.spawn(() -> {
            sem.acquire();
            log.add("killed acquired");
        });
        SpawnedGreenlet<?> other = Hub.spawn(() -> {
            sem.acquire();
            log.add("other acquired");
        });
        Hub.sleep(0);
        killed.kill();
        sem.release();
        Hub.joinAll(other);
        assertEquals(List.of("other acquired"), log);
        assertEquals(0, sem.available());
    }

    @Test
    void boundedSemaphoreRefusesAReleaseBeyondItsPermits() {
        BoundedSemaphore sem = new BoundedSemaphore(1);
        sem.acquire();
        sem.release();
        IllegalStateException e = assertThrows(IllegalStateException.class, sem::release);
        assertEquals("BoundedSemaphore released more times than acquired: it already has all 1 permits;"
                + " call release() once for each acquire()", e.getMessage());
        new Semaphore(1).release(); // an unbounded one just counts up
    }

    @Test
    void lockIsReentrantAndServesWaitersInOrder() {
        Lock lock = new Lock();
        List<SpawnedGreenlet<?>> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            all.add(Hub.spawn(() -> {
                lock.acquire();
                lock.acquire();
                log.add("in" + n);
                Hub.sleep(0);
                lock.release();
                Hub.sleep(0);
                log.add("out" + n);
                lock.release();
            }));
        }
        Hub.joinAll(all.toArray(new SpawnedGreenlet<?>[0]));
        assertEquals(List.of("in0", "out0", "in1", "out1", "in2", "out2"), log);
        assertFalse(lock.isLocked());
    }

    @Test
    void lockReleaseByAnotherGreenletIsRefusedAndAcquireCanTimeOut() {
        Lock lock = new Lock();
        lock.acquire(); // plain code: the root greenlet holds it
        assertTrue(lock.isHeldByCurrentGreenlet());
        SpawnedGreenlet<Boolean> tries = Hub.spawn(() -> lock.acquire(Duration.ofMillis(1)));
        assertFalse(tries.get());
        SpawnedGreenlet<String> releases = Hub.spawn(() -> {
            try {
                lock.release();
                return "released";
            } catch (IllegalStateException e) {
                return e.getMessage();
            }
        });
        String message = releases.get();
        assertTrue(message.startsWith("Lock.release() by a greenlet that does not hold the lock (it is held by "), message);
        assertTrue(message.endsWith("); release it in the greenlet that acquired it"), message);
        lock.release();
        assertFalse(lock.isLocked());
    }

    @Test
    void aWaiterKilledAfterBeingGrantedTheLockPassesItOn() {
        Lock lock = new Lock();
        lock.acquire();
        SpawnedGreenlet<?> killed = Hub.spawn(() -> {
            lock.acquire();
            log.add("killed acquired");
        });
        SpawnedGreenlet<?> other = Hub.spawn(() -> {
            lock.acquire();
            log.add("other acquired");
            lock.release();
        });
        Hub.sleep(0);
        // the kill request is queued before the release grants the lock to the first waiter
        SpawnedGreenlet<?> killer = Hub.spawn(killed::kill);
        Hub.sleep(0);
        lock.release();
        Hub.joinAll(killer, other);
        assertEquals(List.of("other acquired"), log);
        assertFalse(lock.isLocked());
    }

    @Test
    void aGreenletLocalHasOneValuePerGreenletAcrossSwitches() {
        GreenletLocal<List<String>> local = GreenletLocal.withInitial(ArrayList::new);
        local.get().add("root");
        List<SpawnedGreenlet<String>> all = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int n = i;
            all.add(Hub.spawn(() -> {
                local.get().add("g" + n + " first");
                Hub.sleep(0);
                local.get().add("g" + n + " second");
                return String.join(",", local.get());
            }));
        }
        assertEquals("g0 first,g0 second", all.get(0).get());
        assertEquals("g1 first,g1 second", all.get(1).get());
        assertEquals(List.of("root"), local.get());
        local.remove();
        assertEquals(List.of(), local.get());
        GreenletLocal<String> plain = new GreenletLocal<>();
        assertNull(plain.get());
        plain.set("x");
        assertEquals("x", plain.get());
    }

    @Test
    void aLifoQueueGivesTheLastItemFirst() {
        Queue<Integer> q = new LifoQueue<>();
        for (int i = 0; i < 4; i++) {
            q.put(i);
        }
        List<Integer> got = new ArrayList<>();
        while (!q.isEmpty()) {
            got.add(q.get());
        }
        assertEquals(List.of(3, 2, 1, 0), got);
    }

    @Test
    void aBoundedPriorityQueueGivesTheLeastItemFirstAndMakesPuttersWait() {
        Queue<String> q = new PriorityQueue<>(2, Comparator.reverseOrder());
        SpawnedGreenlet<?> producer = Hub.spawn(() -> {
            for (String s : List.of("b", "d", "a", "c")) {
                q.put(s);
                log.add("put " + s);
            }
        });
        Hub.sleep(0); // b and d are in; the producer waits with a
        assertEquals(List.of("put b", "put d"), log);
        List<String> got = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            got.add(q.get());
        }
        Hub.joinAll(producer);
        // d first, which lets a in; then b and a; the producer puts c while the root waits in get
        assertEquals(List.of("d", "b", "a", "c"), got);
        assertEquals(List.of("put b", "put d", "put a", "put c"), log);

        Queue<Integer> natural = new PriorityQueue<>();
        natural.put(3);
        natural.put(1);
        natural.put(2);
        assertEquals(1, natural.get());
        assertEquals(2, natural.get());
        assertEquals(3, natural.get());
    }

    @Test
    void aChannelPutWaitsUntilAGreenletTakesTheItem() {
        Queue<String> ch = new Channel<>();
        SpawnedGreenlet<?> producer = Hub.spawn(() -> {
            for (String s : List.of("a", "b")) {
                log.add("put " + s);
                ch.put(s);
                log.add("taken " + s);
            }
        });
        Hub.sleep(0);
        assertEquals(List.of("put a"), log); // nobody took it yet
        assertEquals(0, ch.size());
        log.add("got " + ch.get());
        log.add("got " + ch.get());
        Hub.joinAll(producer);
        // a: the producer waits until the root takes it; b: the root waits, so put hands it over and lets the
        // root go on first (a rendezvous: the getter before the putter)
        assertEquals(List.of("put a", "got a", "taken a", "put b", "got b", "taken b"), log);
        assertNull(ch.get(Duration.ofMillis(1)));
        assertFalse(ch.put("c", Duration.ofMillis(1)));
    }
}
