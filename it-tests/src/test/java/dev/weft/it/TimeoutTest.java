package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Timeout;
import dev.weft.sync.Event;
import dev.weft.sync.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** gevent's Timeout and with_timeout, nested timeouts included, with the real agent. */
class TimeoutTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void anExpiredTimeoutIsRaisedWhereTheGreenletWaitsAndFinallyBlocksRun() {
        Event never = new Event();
        SpawnedGreenlet<Object> g = Hub.spawn(() -> {
            Timeout timeout = Timeout.start(Duration.ofMillis(2));
            try (timeout) {
                never.await();
                log.add("woke");
            } catch (Timeout t) {
                log.add(t == timeout ? "own timeout" : "other timeout");
                log.add(t.isExpired());
                log.add(t.getMessage());
            } finally {
                log.add("finally");
            }
            return null;
        });
        g.get();
        assertEquals(List.of("own timeout", true, "timed out after 2 ms", "finally"), log);
        assertTrue(never.toString().contains("0 waiting"), never.toString()); // the wait left nothing behind
    }

    @Test
    void aTimeoutClosedBeforeItExpiresIsNeverRaised() {
        Timeout timeout = Timeout.start(Duration.ofMillis(1));
        assertTrue(timeout.isPending());
        timeout.close();
        assertFalse(timeout.isPending());
        Hub.sleep(Duration.ofMillis(5)); // past its deadline: not raised
        assertFalse(timeout.isExpired());
        timeout.cancel(); // again: nothing
    }

    @Test
    void plainCodeWaitingGetsItsTimeoutToo() {
        Queue<String> empty = new Queue<>();
        Timeout timeout = Timeout.start(Duration.ofMillis(1));
        Timeout raised = assertThrows(Timeout.class, () -> {
            try (timeout) {
                empty.get();
            }
        });
        assertSame(timeout, raised);
        assertEquals(0, empty.size());
        empty.put("x"); // the abandoned get took nothing
        assertEquals("x", empty.get());
    }

    @Test
    void anInnerTimeoutExpiringFirstIsCaughtByTheInnerBlock() {
        Event never = new Event();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            Timeout outer = Timeout.start(Duration.ofSeconds(60));
            try (outer) {
                Timeout inner = Timeout.start(Duration.ofMillis(1));
                try (inner) {
                    never.await();
                } catch (Timeout t) {
                    if (t != inner) {
                        throw t;
                    }
                    log.add("inner caught its own");
                }
                log.add("outer still pending: " + outer.isPending());
            } catch (Timeout t) {
                log.add("outer caught");
            }
        });
        g.join();
        assertTrue(g.isSuccessful());
        assertEquals(List.of("inner caught its own", "outer still pending: true"), log);
    }

    @Test
    void anOuterTimeoutExpiringFirstPassesTheInnerBlock() {
        Event never = new Event();
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            Timeout outer = Timeout.start(Duration.ofMillis(1));
            try (outer) {
                Timeout inner = Timeout.start(Duration.ofSeconds(60));
                try (inner) {
                    never.await();
                } catch (Timeout t) {
                    log.add("inner catch saw " + (t == inner ? "inner" : "outer") + ", inner pending: " + inner.isPending());
                    if (t != inner) {
                        throw t;
                    }
                    log.add("inner handled it");
                }
                log.add("after inner block");
            } catch (Timeout t) {
                log.add(t == outer ? "outer caught its own" : "outer caught another");
            }
        });
        g.join();
        assertEquals(List.of("inner catch saw outer, inner pending: false", "outer caught its own"), log);
    }

    @Test
    void aBusyGreenletGetsItsTimeoutAtItsNextSuspension() {
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            Timeout timeout = Timeout.start(Duration.ofMillis(1));
            try (timeout) {
                long until = System.nanoTime() + 3_000_000;
                while (System.nanoTime() - until < 0) {
                    // busy, never suspends: cannot be interrupted here
                }
                log.add("busy part done");
                Hub.sleep(0);
                log.add("after sleep(0)");
            } catch (Timeout t) {
                log.add("timed out at sleep(0)");
            }
        });
        g.join();
        assertEquals(List.of("busy part done", "timed out at sleep(0)"), log);
    }

    @Test
    void withTimeoutReturnsTheResultThrowsTheTimeoutOrReturnsTheFallback() {
        Event never = new Event();
        assertEquals("quick", Hub.withTimeout(Duration.ofSeconds(60), () -> "quick"));
        Timeout t = assertThrows(Timeout.class, () -> Hub.withTimeout(Duration.ofMillis(1), () -> {
            never.await();
            return "slow";
        }));
        assertEquals(Duration.ofMillis(1), t.duration());
        assertEquals("fallback", Hub.withTimeout(Duration.ofMillis(1), () -> {
            never.await();
            return "slow";
        }, "fallback"));
        // an outer timeout is not the fallback's business: it propagates
        Timeout outer = Timeout.start(Duration.ofMillis(1));
        Timeout raised = assertThrows(Timeout.class, () -> {
            try (outer) {
                Hub.withTimeout(Duration.ofSeconds(60), () -> {
                    never.await();
                    return "slow";
                }, "fallback");
            }
        });
        assertSame(outer, raised);
    }

    @Test
    void aNegativeDurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Timeout.start(Duration.ofMillis(-1)));
    }
}
