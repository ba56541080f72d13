package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Generator;
import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Timeout;
import dev.weft.junit.WeftTest;
import dev.weft.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code GreenletExit}, {@code CoroutineExit} and {@code Timeout} are {@code Error}s, as gevent's are
 * {@code BaseException}s: a {@code catch (Exception e)} in the code they interrupt does not swallow
 * them. Each body below would swallow them if they were {@code RuntimeException}s, and then go on
 * (bounded, so that the tests fail rather than hang).
 */
@WeftTest(virtualTime = true)
class ExitsAreErrorsTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void catchExceptionAroundASleepDoesNotSwallowAKill(Hub hub) {
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            try {
                for (int i = 0; i < 3; i++) {
                    try {
                        Hub.sleep(Duration.ofSeconds(1));
                    } catch (Exception e) {
                        log.add("swallowed " + e.getClass().getSimpleName());
                    }
                }
                log.add("went on");
            } finally {
                log.add("finally");
            }
        });
        Hub.sleep(0); // g sleeps
        long start = hub.nanoTime();
        g.kill();
        assertEquals(0, hub.nanoTime() - start, "kill() returned as the kill took effect");
        assertEquals(List.of("finally"), log);
        assertTrue(g.isDead());
        assertTrue(g.isSuccessful(), "a killed greenlet counts as successful");
        assertNull(g.get());
    }

    @Test
    void aKilledGreenletsFutureCompletesWithNull() {
        SpawnedGreenlet<String> g = Hub.spawn(() -> {
            try {
                Hub.sleep(Duration.ofSeconds(1));
            } catch (Exception e) {
                return "swallowed";
            }
            return "slept";
        });
        CompletableFuture<String> future = g.toFuture();
        Hub.sleep(0);
        g.kill();
        assertNull(g.exception());
        assertNull(Hub.await(future), "completed with null, as a killed greenlet's value is");
    }

    @Test
    void catchExceptionInACoroutineBodyDoesNotSwallowClose() {
        Coroutine<Object, Integer> co = Coroutine.of(() -> {
            try {
                for (int i = 0; i < 3; i++) {
                    try {
                        Coroutine.yield(i);
                    } catch (Exception e) {
                        log.add("swallowed " + e.getClass().getSimpleName());
                    }
                }
            } finally {
                log.add("finally");
            }
        });
        assertEquals(0, co.next());
        co.close();
        assertTrue(co.isDone());
        assertEquals(List.of("finally"), log);
    }

    @Test
    void catchExceptionInAGeneratorBodyDoesNotSwallowClose() {
        Generator<Integer> gen = Generator.of(() -> {
            try {
                for (int i = 0; i < 3; i++) {
                    try {
                        Generator.yield(i);
                    } catch (Exception e) {
                        log.add("swallowed " + e.getClass().getSimpleName());
                    }
                }
            } finally {
                log.add("finally");
            }
        });
        Iterator<Integer> it = gen.iterator();
        assertEquals(0, it.next());
        gen.close();
        assertEquals(List.of("finally"), log);
    }

    @Test
    void catchExceptionDoesNotSwallowATimeout(Hub hub) {
        Event never = new Event();
        long start = hub.nanoTime();
        Timeout timeout = Timeout.start(Duration.ofMillis(10));
        try (timeout) {
            try {
                never.await();
            } catch (Exception e) {
                log.add("swallowed " + e.getClass().getSimpleName());
            }
            log.add("went on");
        } catch (Timeout t) {
            assertSame(timeout, t);
            log.add("timed out after " + (hub.nanoTime() - start) / 1_000_000 + " ms");
        }
        assertEquals(List.of("timed out after 10 ms"), log);
    }

    @Test
    void aRetryLoopCatchingExceptionStopsAtWithTimeoutsLimit(Hub hub) {
        long start = hub.nanoTime();
        String value = Hub.withTimeout(Duration.ofMillis(50), () -> {
            for (int attempt = 1; attempt <= 10; attempt++) {
                try {
                    Hub.sleep(Duration.ofMillis(20)); // an attempt that fails
                    throw new IllegalStateException("attempt " + attempt + " failed");
                } catch (Exception e) {
                    log.add(e.getMessage());
                }
            }
            return "gave up";
        }, "timed out");
        assertEquals("timed out", value);
        assertEquals(List.of("attempt 1 failed", "attempt 2 failed"), log);
        assertEquals(50, (hub.nanoTime() - start) / 1_000_000);
    }

    @Test
    void catchThrowableStillSeesTheExitsAndCanRethrowThem() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            try {
                Hub.sleep(Duration.ofSeconds(1));
            } catch (Throwable t) {
                log.add(t instanceof GreenletExit ? "saw the kill" : "saw " + t);
                throw t;
            }
        });
        Hub.sleep(0);
        g.kill();
        assertEquals(List.of("saw the kill"), log);
        assertTrue(g.isSuccessful());
    }
}
