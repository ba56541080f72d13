package dev.weft.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a test under {@link WeftTest} sees: woven code, its own thread and hub, a resolved Hub. */
@WeftTest
class WeftTestUsageTest {
    private final List<String> log = new ArrayList<>();
    private Thread beforeEachThread;

    @BeforeEach
    void rememberThread() {
        beforeEachThread = Thread.currentThread();
    }

    @Test
    @Suspendable
    void aSuspendableTestRunsAsAGreenletOnTheTestsOwnHub(Hub hub) {
        assertSame(Hub.current(), hub);
        assertSame(beforeEachThread, Thread.currentThread(), "@BeforeEach runs on the test's thread");
        assertTrue(Thread.currentThread().getName().startsWith("weft-test: "), Thread.currentThread().getName());
        Greenlet me = Greenlet.current();
        SpawnedGreenlet<?> other = Hub.spawn(() -> log.add("other"));
        log.add("before sleep");
        Hub.sleep(1); // suspends this test's greenlet: the other one runs meanwhile
        log.add("after sleep");
        assertSame(me, Greenlet.current());
        assertTrue(other.isReady());
        assertEquals(List.of("before sleep", "other", "after sleep"), log);
    }

    @Test
    void aPlainTestRunsAsPlainCodeOnTheTestsOwnThread(Hub hub) {
        assertSame(Hub.current(), hub);
        assertSame(beforeEachThread, Thread.currentThread());
        SpawnedGreenlet<String> g = Hub.spawn(() -> {
            Hub.sleep(1);
            return "done";
        });
        assertEquals("done", g.get()); // plain code runs the hub until g is done
    }

    @Test
    void everyTestHasAFreshThread(Hub hub) throws Exception {
        Thread other = new Thread(() -> { });
        assertNotSame(other, Thread.currentThread());
        assertTrue(Thread.currentThread().isDaemon());
    }
}
