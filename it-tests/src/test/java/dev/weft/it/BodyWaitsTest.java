package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Generator;
import dev.weft.Greenlet;
import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.Timeout;
import dev.weft.WaitIterator;
import dev.weft.internal.SwitchRefused;
import dev.weft.junit.WeftTest;
import dev.weft.sync.Event;
import dev.weft.sync.MapResults;
import dev.weft.sync.Pool;
import dev.weft.sync.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A generator's or a coroutine's body that waits while a greenlet drives it: the greenlet switches
 * away with the body's frames kept, other greenlets run, and the body goes on where it was, as a
 * Python generator does in a gevent greenlet. Sleeps, events, queues, {@code Pool.imap} and
 * {@code Hub.iwait} in the body, bodies inside bodies, kills and timeouts that arrive during the wait,
 * plain code, and the one refusal: a driver that cannot suspend.
 */
@WeftTest(virtualTime = true)
class BodyWaitsTest {
    private final List<Object> log = new ArrayList<>();

    /** Sleeps {@code millis} between its elements 1 .. {@code n}, logging as it goes. */
    private Generator<Integer> ticking(int n, long millis) {
        return Generator.of(() -> {
            for (int i = 1; i <= n; i++) {
                Hub.sleep(millis);
                log.add("made " + i);
                Generator.yield(i);
            }
        });
    }

    @Test
    void aGeneratorBodyThatSleepsLetsTheOtherGreenletsRun(Hub hub) {
        long start = hub.nanoTime();
        SpawnedGreenlet<Integer> summing = Hub.spawn(() -> {
            int sum = 0;
            for (int x : ticking(3, 10)) {
                log.add("got " + x);
                sum += x;
            }
            return sum;
        });
        SpawnedGreenlet<?> other = Hub.spawn(() -> {
            for (int i = 0; i < 3; i++) {
                log.add("other " + i);
                Hub.sleep(15);
            }
        });
        assertEquals(6, summing.get());
        other.join();
        assertEquals(List.of("other 0", "made 1", "got 1", "other 1", "made 2", "got 2", "other 2", "made 3", "got 3"), log);
        assertEquals(Duration.ofMillis(45).toNanos(), hub.nanoTime() - start, "the other's last sleep ends last");
    }

    @Test
    void aGeneratorBodyWaitsForAnEventSetByAnotherGreenlet() {
        Event ready = new Event();
        SpawnedGreenlet<List<Integer>> reader = Hub.spawn(() -> {
            List<Integer> got = new ArrayList<>();
            for (int x : Generator.<Integer>of(() -> {
                log.add("body waits");
                ready.await();
                log.add("body woke");
                Generator.yield(1);
                Generator.yield(2);
            })) {
                got.add(x);
            }
            return got;
        });
        Hub.spawn(() -> {
            log.add("setter");
            ready.set();
        });
        assertEquals(List.of(1, 2), reader.get());
        assertEquals(List.of("body waits", "setter", "body woke"), log);
        assertEquals("Event[set, 0 waiting]", ready.toString());
    }

    /** gevent's {@code for line in sock.makefile()}: a generator over a source that waits. */
    @Test
    void aGeneratorReadingAQueueIsIteratedWhileTheProducerStillProduces() {
        Queue<String> lines = new Queue<>(1);
        Generator<String> reader = Generator.of(() -> {
            for (String line = lines.get(); !line.isEmpty(); line = lines.get()) {
                Generator.yield(line);
            }
        });
        SpawnedGreenlet<?> consumer = Hub.spawn(() -> {
            for (String line : reader) {
                log.add("read " + line);
            }
            log.add("end");
        });
        Hub.spawn(() -> {
            for (String s : List.of("a", "b", "c", "")) {
                lines.put(s);
                log.add("put " + (s.isEmpty() ? "end" : s));
            }
        });
        consumer.join();
        // a is handed to the waiting reader, b fills the queue, c waits for room until the reader takes b
        assertEquals(List.of("put a", "put b", "read a", "read b", "read c", "put c", "put end", "end"), log);
    }

    @Test
    void aCoroutineBodyWaitsBetweenSendsInsideAGreenlet() {
        Queue<Integer> inbox = new Queue<>();
        SpawnedGreenlet<List<Integer>> driver = Hub.spawn(() -> {
            Coroutine<Integer, Integer> adder = Coroutine.of(() -> {
                int total = 0;
                Integer n = Coroutine.yield(null);
                while (n != null) {
                    total += n + inbox.get(); // waits for the other greenlet's number
                    n = Coroutine.yield(total);
                }
            });
            adder.next();
            List<Integer> totals = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                totals.add(adder.send(i));
            }
            return totals;
        });
        SpawnedGreenlet<?> sender = Hub.spawn(() -> {
            for (int i = 10; i <= 30; i += 10) {
                Hub.sleep(1);
                inbox.put(i);
            }
        });
        assertEquals(List.of(11, 33, 66), driver.get());
        sender.join();
    }

    @Test
    void poolImapResultsAreTakenInsideAGeneratorBodyAsTheyArrive(Hub hub) {
        Pool pool = new Pool(2);
        SpawnedGreenlet<List<Object>> ordered = Hub.spawn(() -> {
            List<Object> got = new ArrayList<>();
            for (int x : Generator.<Integer>of(() -> {
                try (MapResults<Integer> results = pool.imap(BodyWaitsTest::doubleAfter, List.of(5, 1, 2))) {
                    while (results.hasNext()) {
                        Generator.yield(results.next());
                    }
                }
            })) {
                got.add(x + " at " + (hub.nanoTime() / 1_000_000));
            }
            return got;
        });
        long start = hub.nanoTime() / 1_000_000;
        List<Object> inOrder = ordered.get();
        assertEquals(List.of("10 at " + (start + 5), "2 at " + (start + 5), "4 at " + (start + 5)), inOrder);
        SpawnedGreenlet<List<Integer>> unordered = Hub.spawn(() -> {
            List<Integer> got = new ArrayList<>();
            for (int x : Generator.<Integer>of(() -> {
                try (MapResults<Integer> results = pool.imapUnordered(BodyWaitsTest::doubleAfter, List.of(5, 1, 2))) {
                    while (results.hasNext()) {
                        Generator.yield(results.next());
                    }
                }
            })) {
                got.add(x);
            }
            return got;
        });
        assertEquals(List.of(2, 4, 10), unordered.get());
    }

    @Suspendable
    private static int doubleAfter(int millis) {
        Hub.sleep(millis);
        return 2 * millis;
    }

    @Test
    void hubIwaitIsIteratedInsideAGeneratorBody() {
        List<SpawnedGreenlet<String>> jobs = List.of(
                Hub.spawn(() -> {
                    Hub.sleep(3);
                    return "slow";
                }),
                Hub.spawn(() -> {
                    Hub.sleep(1);
                    return "quick";
                }));
        SpawnedGreenlet<List<String>> collecting = Hub.spawn(() -> {
            List<String> got = new ArrayList<>();
            for (String s : Generator.<String>of(() -> {
                try (WaitIterator<SpawnedGreenlet<String>> it = Hub.iwait(jobs, null, 2)) {
                    while (it.hasNext()) {
                        Generator.yield(it.next().get());
                    }
                }
            })) {
                got.add(s);
            }
            return got;
        });
        assertEquals(List.of("quick", "slow"), collecting.get());
    }

    @Test
    void aGeneratorInsideAGeneratorInsideAGreenletWaits() {
        SpawnedGreenlet<List<String>> g = Hub.spawn(() -> {
            Generator<String> outer = Generator.of(() -> {
                for (int x : ticking(2, 5)) {
                    Hub.sleep(1);
                    Generator.yield("outer " + x);
                }
            });
            List<String> got = new ArrayList<>();
            for (String s : outer) {
                got.add(s);
            }
            return got;
        });
        Hub.spawn(() -> {
            for (int i = 0; i < 4; i++) {
                log.add("tick " + i);
                Hub.sleep(3);
            }
        });
        assertEquals(List.of("outer 1", "outer 2"), g.get());
        // made 1 at 5 ms, outer 1 at 6, made 2 at 11, outer 2 at 12; ticks at 0, 3, 6, 9
        assertEquals(List.of("tick 0", "tick 1", "made 1", "tick 2", "tick 3", "made 2"), log);
    }

    @Test
    void aKillDuringTheBodysWaitRunsTheFinallyBlocksInnermostFirst() {
        Event never = new Event();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            Generator<Integer> inner = Generator.of(() -> {
                try {
                    never.await();
                    Generator.yield(1);
                } finally {
                    log.add("inner body's finally");
                }
            });
            Generator<Integer> outer = Generator.of(() -> {
                try {
                    for (int x : inner) {
                        Generator.yield(x);
                    }
                } finally {
                    log.add("outer body's finally");
                }
            });
            try {
                for (int x : outer) {
                    log.add("got " + x);
                }
            } finally {
                log.add("greenlet's finally");
            }
        });
        Hub.sleep(0);
        assertEquals("Event[clear, 1 waiting]", never.toString());
        g.kill();
        assertTrue(g.isDead());
        assertTrue(g.isSuccessful(), "killed, not failed");
        assertEquals(List.of("inner body's finally", "outer body's finally", "greenlet's finally"), log);
        assertEquals("Event[clear, 0 waiting]", never.toString(), "the wait left nothing behind");
    }

    @Test
    void aTimeoutDuringTheBodysWaitPassesThroughTheBody(Hub hub) {
        long start = hub.nanoTime();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            Generator<Integer> forever = Generator.of(() -> {
                try {
                    Hub.sleep(Duration.ofDays(1));
                    Generator.yield(1);
                } finally {
                    log.add("body's finally");
                }
            });
            Timeout t = Timeout.start(Duration.ofMillis(10));
            try (t) {
                for (int x : forever) {
                    log.add("got " + x);
                }
            } catch (Timeout caught) {
                log.add(caught == t ? "timed out" : "another timeout");
            }
        });
        g.get();
        assertEquals(List.of("body's finally", "timed out"), log);
        assertEquals(Duration.ofMillis(10).toNanos(), hub.nanoTime() - start);
    }

    @Test
    void aKilledGreenletsCoroutineBodyGetsTheExitAtItsWait() {
        Queue<String> q = new Queue<>();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            Coroutine<Object, String> c = Coroutine.of(() -> {
                try {
                    Coroutine.yield(q.get());
                } catch (GreenletExit e) {
                    log.add("body saw " + e.getClass().getSimpleName());
                    throw e;
                }
            });
            log.add(c.next());
        });
        Hub.sleep(0);
        g.kill();
        assertEquals(List.of("body saw GreenletExit"), log);
        assertEquals("Queue[0 items, 0 getters, 0 putters waiting, 0 unfinished]", q.toString());
    }

    @Test
    void plainCodeIteratesAGeneratorThatWaitsAndTheHubRunsMeanwhile() {
        Event ready = new Event();
        Hub.spawn(() -> {
            log.add("setter");
            ready.set();
        });
        List<Integer> got = new ArrayList<>();
        for (int x : Generator.<Integer>of(() -> {
            ready.await();
            Hub.sleep(2);
            Generator.yield(7);
        })) {
            got.add(x);
        }
        assertEquals(List.of(7), got);
        assertEquals(List.of("setter"), log);
    }

    @Test
    void aSwitchFromAGeneratorBodyInsideAGreenletSuspendsTheGreenletWithTheBody() {
        Greenlet root = Greenlet.current();
        Greenlet g = new Greenlet(() -> {
            Generator<Integer> gen = Generator.of(() -> {
                log.add("body got " + root.switchTo("from the body"));
                Generator.yield(1);
                log.add("body got " + root.switchTo("again"));
                Generator.yield(2);
            });
            for (int i : gen) {
                log.add("greenlet got " + i);
            }
        });
        assertEquals("from the body", g.switchTo());
        assertEquals("again", g.switchTo("a"));
        g.switchTo("b");
        assertTrue(g.isDead());
        assertEquals(List.of("body got a", "greenlet got 1", "body got b", "greenlet got 2"), log);
    }

    @Test
    void aGeneratorDrivenByAStreamCannotWaitAndTheOtherGreenletsStillRun() {
        Event never = new Event();
        SpawnedGreenlet<String> g = Hub.spawn(() -> {
            Generator<Integer> gen = Generator.of(() -> {
                try {
                    never.await();
                    Generator.yield(1);
                } finally {
                    log.add("body's finally");
                }
            });
            SwitchRefused e = assertThrows(SwitchRefused.class, () -> gen.stream().collect(Collectors.toList()));
            return e.getMessage();
        });
        SpawnedGreenlet<?> other = Hub.spawn(() -> log.add("other ran"));
        String message = g.get();
        other.join();
        assertTrue(message.startsWith("Event.await was called in a Generator body that runs in greenlet-"), message);
        assertTrue(message.contains("but the generator is iterated by code that cannot suspend (java.util."), message);
        assertTrue(message.endsWith("Fix: iterate the generator with a for loop (or hasNext and next) in a "
                + "@Suspendable method, not through a stream or a method that is not woven"), message);
        assertEquals(List.of("body's finally", "other ran"), log);
        assertEquals("Event[clear, 0 waiting]", never.toString());
    }

    @Test
    void aGeneratorWaitingInOneGreenletIsRunningForTheOthers() {
        Event go = new Event();
        Generator<Integer> gen = Generator.of(() -> {
            go.await();
            Generator.yield(1);
        });
        SpawnedGreenlet<Integer> first = Hub.spawn(() -> {
            int sum = 0;
            for (int x : gen) {
                sum += x;
            }
            return sum;
        });
        SpawnedGreenlet<?> second = Hub.spawn(() -> {
            IllegalStateException next = assertThrows(IllegalStateException.class, () -> gen.iterator().next());
            IllegalStateException close = assertThrows(IllegalStateException.class, gen::close);
            log.add(next.getMessage());
            log.add(close.getMessage());
            go.set();
        });
        second.get();
        assertEquals(1, first.get());
        String running = "generator already running: its body waits in the greenlet that drives it, and goes "
                + "on when that greenlet is resumed";
        assertEquals(List.of(running, running), log);
    }

    @Test
    void theCurrentGreenletInsideAWaitingBodyIsTheGreenletThatDrivesIt() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            for (Greenlet who : Generator.<Greenlet>of(() -> {
                Greenlet before = Greenlet.current();
                Hub.sleep(1);
                Generator.yield(before);
                Generator.yield(Greenlet.current());
            })) {
                log.add(who);
            }
        });
        g.join();
        assertEquals(2, log.size());
        assertSame(g, log.get(0));
        assertSame(g, log.get(1));
        assertFalse(Hub.inHubGreenlet(), "plain code");
    }
}
