package dev.weft.it;

import static dev.weft.it.HubThreadsTest.onOwnThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CoroutineException;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.AsyncResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Hub#blocking}: work on other threads while the greenlet waits and the hub runs the others.
 */
class HubBlockingTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    @Timeout(30)
    void blockingRunsOnAPoolThreadWhileOtherGreenletsRun() throws Throwable {
        onOwnThread(() -> {
            CountDownLatch otherRan = new CountDownLatch(1);
            SpawnedGreenlet<String> caller = Hub.spawn(() -> Hub.blocking(() -> {
                // returns only once another greenlet of the hub has run: the hub was not blocked
                otherRan.await();
                return Thread.currentThread().getName();
            }));
            SpawnedGreenlet<?> other = Hub.spawn(() -> {
                Hub.sleep(1);
                otherRan.countDown();
            });
            String thread = caller.get();
            assertTrue(thread.startsWith("weft-blocking-"), thread);
            assertTrue(other.isReady());
            // from plain code the same: the hub runs meanwhile
            CountDownLatch fromPlain = new CountDownLatch(1);
            Hub.spawn(fromPlain::countDown);
            assertEquals(7, Hub.blocking(() -> {
                fromPlain.await();
                return 7;
            }));
        });
    }

    @Test
    void blockingRethrowsUncheckedExceptionsAsTheyAreAndWrapsCheckedOnes() throws Throwable {
        onOwnThread(() -> {
            IllegalArgumentException thrown = new IllegalArgumentException("bad");
            assertSame(thrown, assertThrows(IllegalArgumentException.class, () -> Hub.blocking(() -> {
                throw thrown;
            })));
            CoroutineException wrapped = assertThrows(CoroutineException.class, () -> Hub.blocking(() -> {
                throw new IOException("disk");
            }));
            assertTrue(wrapped.getCause() instanceof IOException);
            assertEquals("disk", wrapped.getCause().getMessage());
        });
    }

    @Test
    void blockingOnACallersExecutor() throws Throwable {
        onOwnThread(() -> {
            AtomicInteger executed = new AtomicInteger();
            String name = Hub.blocking(task -> {
                executed.incrementAndGet();
                new Thread(task, "custom-executor").start();
            }, () -> Thread.currentThread().getName());
            assertEquals("custom-executor", name);
            assertEquals(1, executed.get());
            // a refused task is not waited for
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> Hub.blocking(task -> {
                throw new RejectedExecutionException("full");
            }, () -> "never"));
            assertEquals("full", e.getMessage());
            IllegalStateException dead = assertThrows(IllegalStateException.class, () -> new AsyncResult<>().get());
            assertTrue(dead.getMessage().contains("nothing ready to run and no timers"), dead.getMessage());
        });
    }

    @Test
    @Timeout(30)
    void aGreenletKilledWhileItWaitsForBlockingWorkGoesAtOnceAndTheTaskRunsOn() throws Throwable {
        onOwnThread(() -> {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch taskFinished = new CountDownLatch(1);
            SpawnedGreenlet<String> caller = Hub.spawn(() -> {
                try {
                    return Hub.blocking(() -> {
                        release.await();
                        taskFinished.countDown();
                        return "dropped";
                    });
                } finally {
                    log.add("finally");
                }
            });
            Hub.sleep(0); // the caller runs first and waits for its task
            caller.kill();
            assertTrue(caller.isReady());
            assertEquals(List.of("finally"), log);
            release.countDown();
            // the hub waits for the dropped result before it can tell that nothing is left: then it fails
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AsyncResult<>().get());
            assertTrue(e.getMessage().contains("nothing ready to run and no timers"), e.getMessage());
            assertTrue(taskFinished.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("finally"), log);
            assertEquals(null, caller.get());
        });
    }

    @Test
    void blockingInACallbackIsRefused() throws Throwable {
        onOwnThread(() -> {
            AsyncResult<Throwable> seen = new AsyncResult<>();
            Hub.current().submit(() -> {
                try {
                    Hub.blocking(() -> "never");
                } catch (Throwable e) {
                    seen.set(e);
                }
            });
            Throwable e = seen.get();
            assertTrue(e instanceof IllegalStateException, String.valueOf(e));
            assertTrue(e.getMessage().contains("Hub.blocking was called in the hub's own greenlet"), e.getMessage());
        });
    }
}
