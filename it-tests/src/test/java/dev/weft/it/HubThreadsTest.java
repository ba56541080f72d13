package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CoroutineException;
import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.AsyncResult;
import dev.weft.internal.MonitorReports;
import dev.weft.sync.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub and other threads: {@link Hub#submit}, keep-alives, and waits that only another thread can
 * end. Each test runs on a thread of its own, so that its hub starts fresh.
 */
class HubThreadsTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void callbacksFromAnotherThreadRunInTheHubOnItsThreadInOrder() throws Throwable {
        onOwnThread(() -> {
            Hub hub = Hub.current();
            assertSame(hub, Hub.current());
            Thread me = Thread.currentThread();
            Greenlet root = Greenlet.current();
            AsyncResult<String> done = new AsyncResult<>();
            List<Object> ran = new ArrayList<>();
            Hub.KeepAlive promise = hub.keepAlive();
            Thread other = new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    promise.submit(() -> {
                        ran.add(n);
                        if (Thread.currentThread() != me || Greenlet.current() == root) {
                            ran.add("wrong place: " + Thread.currentThread() + " " + Greenlet.current());
                        }
                    });
                }
                promise.submit(() -> done.set("done"));
                promise.close();
            });
            other.start();
            assertEquals("done", done.get());
            other.join();
            List<Object> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                expected.add(i);
            }
            assertEquals(expected, ran);
        });
    }

    @Test
    void aSubmitWakesAHubParkedWithNothingToDo() throws Throwable {
        onOwnThread(() -> {
            Hub hub = Hub.current();
            Thread me = Thread.currentThread();
            Event event = new Event();
            Hub.KeepAlive promise = hub.keepAlive();
            Thread other = new Thread(() -> {
                // the hub's thread parks only once nothing is left to run: then wake it
                while (me.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
                promise.submit(event::set);
                promise.close();
            });
            other.start();
            event.await();
            assertTrue(event.isSet());
            other.join();
        });
    }

    @Test
    void greenletsRunWhileTheHubWaitsForAnotherThreadAndSpawnFromACallbackWorks() throws Throwable {
        onOwnThread(() -> {
            Hub hub = Hub.current();
            CountDownLatch greenletRan = new CountDownLatch(1);
            AsyncResult<SpawnedGreenlet<String>> spawned = new AsyncResult<>();
            Hub.KeepAlive promise = hub.keepAlive();
            Hub.spawn(() -> {
                Hub.sleep(1);
                log.add("greenlet");
                greenletRan.countDown();
            });
            Thread other = new Thread(() -> {
                try {
                    greenletRan.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                promise.submit(() -> spawned.set(Hub.spawn(() -> "from a callback")));
                promise.close();
            });
            other.start();
            // nothing ready and no timer once the greenlet is done: only the keep-alive stops the hub failing
            assertEquals("from a callback", spawned.get().get());
            assertEquals(List.of("greenlet"), log);
            other.join();
        });
    }

    @Test
    void aCallbackThatThrowsIsPrintedOnceAndTheHubGoesOn() throws Throwable {
        onOwnThread(() -> {
            Hub hub = Hub.current();
            AsyncResult<String> after = new AsyncResult<>();
            String err = capturingErr(() -> {
                Hub.KeepAlive promise = hub.keepAlive();
                Thread other = new Thread(() -> {
                    promise.submit(() -> {
                        throw new IllegalArgumentException("callback boom");
                    });
                    promise.submit(() -> after.set("after"));
                    promise.close();
                });
                other.start();
                assertEquals("after", after.get());
                try {
                    other.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertEquals(1, count(err, "IllegalArgumentException: callback boom"), err);
            assertEquals(1, count(err, "a callback submitted to the hub of thread"), err);
            assertTrue(err.contains("\tat "), "the stack is printed: " + err);
        });
    }

    @Test
    void aCallbackCannotWait() throws Throwable {
        onOwnThread(() -> {
            Hub hub = Hub.current();
            AsyncResult<Throwable> seen = new AsyncResult<>();
            String err = capturingErr(() -> {
                hub.submit(() -> {
                    try {
                        new Event().await();
                    } catch (Throwable e) {
                        seen.set(e);
                    }
                });
                Throwable e = seen.get();
                assertTrue(e instanceof IllegalStateException, String.valueOf(e));
                assertTrue(e.getMessage().contains("the hub's own greenlet"), e.getMessage());
            });
            assertEquals("", err);
        });
    }

    @Test
    void submittingToTheHubOfAThreadThatEndedThrows() throws Throwable {
        AtomicReference<Hub> hub = new AtomicReference<>();
        Thread t = new Thread(() -> hub.set(Hub.current()));
        t.start();
        t.join();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> hub.get().submit(() -> { }));
        assertTrue(e.getMessage().contains("the thread has ended"), e.getMessage());
        assertNotSame(hub.get(), Hub.current());
    }

    @Test
    void aKeepAliveClosedWithNothingSubmittedEndsTheWaitWithTheUsualError() throws Throwable {
        onOwnThread(() -> {
            Hub hub = Hub.current();
            Thread me = Thread.currentThread();
            Hub.KeepAlive promise = hub.keepAlive();
            Thread other = new Thread(() -> {
                while (me.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
                promise.close();
                promise.close(); // twice: no effect
            });
            other.start();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AsyncResult<>().get());
            assertTrue(e.getMessage().contains("nothing ready to run and no timers"), e.getMessage());
            other.join();
        });
    }

    @Test
    void anInterruptWhileTheHubWaitsGoesBackToPlainCode() throws Throwable {
        onOwnThread(() -> {
            Thread me = Thread.currentThread();
            Event event = new Event();
            Hub.KeepAlive promise = Hub.current().keepAlive();
            Thread other = new Thread(() -> {
                while (me.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
                me.interrupt();
                // the hub goes on waiting (it does not spin on the interrupt status) until this
                while (me.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
                promise.submit(event::set);
                promise.close();
            });
            other.start();
            event.await();
            assertTrue(Thread.interrupted(), "the interrupt status is set again for plain code");
            other.join();
        });
    }

    @Test
    @Timeout(30)
    void aGreenletReadingAPipeSuspendsUntilAnotherThreadWritesAndOthersRunMeanwhile() throws Throwable {
        onOwnThread(() -> {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            AtomicInteger ticks = new AtomicInteger();
            boolean[] readerDone = {false};
            SpawnedGreenlet<String> reader = Hub.spawn(() -> {
                ByteBuffer buf = ByteBuffer.allocate(64);
                while (buf.position() < 5) {
                    if (pipe.source().read(buf) == 0) {
                        log.add("waits");
                        log.add(Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), SelectionKey.OP_READ, null));
                    }
                }
                readerDone[0] = true;
                return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            });
            SpawnedGreenlet<?> ticker = Hub.spawn(() -> {
                while (!readerDone[0]) {
                    ticks.incrementAndGet();
                    Hub.sleep(1);
                }
            });
            Thread writer = new Thread(() -> {
                // the reader is waiting by the time the ticker has ticked: write only then
                while (ticks.get() < 5) {
                    Thread.onSpinWait();
                }
                try {
                    pipe.sink().write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            writer.start();
            assertEquals("hello", reader.get());
            ticker.join();
            writer.join();
            assertEquals(List.of("waits", true), log);
            assertTrue(ticks.get() >= 5, "other greenlets ran while the reader waited: " + ticks);
            pipe.sink().close();
            pipe.source().close();
        });
    }

    @Test
    @Timeout(30)
    void readinessAloneWakesAHubWaitingInItsSelectorAndSoDoesASubmit() throws Throwable {
        onOwnThread(() -> {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            CountDownLatch waiting = new CountDownLatch(1);
            // no timers and nothing else to run: only the pipe can end this wait
            SpawnedGreenlet<Boolean> reader = Hub.spawn(() -> {
                waiting.countDown();
                return Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), SelectionKey.OP_READ, null);
            });
            Thread writer = new Thread(() -> {
                try {
                    waiting.await();
                    pipe.sink().write(ByteBuffer.wrap(new byte[] {42}));
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            writer.start();
            assertTrue(reader.get());
            writer.join();
            // the selector exists now: a submit must wake the hub waiting in it
            Event event = new Event();
            Hub.KeepAlive promise = Hub.current().keepAlive();
            Thread submitter = new Thread(() -> {
                promise.submit(event::set);
                promise.close();
            });
            submitter.start();
            event.await();
            submitter.join();
            pipe.sink().close();
            pipe.source().close();
        });
    }

    @Test
    void aWaitForAChannelTimesOutOrIsCancelledAndABlockingChannelIsRefused() throws Throwable {
        onOwnThread(() -> {
            Pipe pipe = Pipe.open();
            IllegalArgumentException blocking = assertThrows(IllegalArgumentException.class,
                    () -> Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), SelectionKey.OP_READ, null));
            assertTrue(blocking.getMessage().contains("configureBlocking(false)"), blocking.getMessage());
            pipe.source().configureBlocking(false);
            IllegalArgumentException ops = assertThrows(IllegalArgumentException.class,
                    () -> Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), SelectionKey.OP_WRITE, null));
            assertTrue(ops.getMessage().contains("not valid"), ops.getMessage());
            assertEquals(false, Hub.Waiter.forCurrent("read")
                    .parkUntilReady(pipe.source(), SelectionKey.OP_READ, Duration.ofMillis(5)));
            SpawnedGreenlet<Object> reader = Hub.spawn(() -> Hub.Waiter.forCurrent("read")
                    .parkUntilReady(pipe.source(), SelectionKey.OP_READ, null));
            SpawnedGreenlet<?> closer = Hub.spawn(() -> {
                Hub.sleep(1);
                Hub.Waiter.cancelChannelWaits(pipe.source());
                pipe.source().close();
            });
            reader.join();
            assertTrue(reader.exception() instanceof AsynchronousCloseException, String.valueOf(reader.exception()));
            closer.join();
            // nothing waits for a channel any more: a wait that nothing can end fails again
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AsyncResult<>().get());
            assertTrue(e.getMessage().contains("nothing ready to run and no timers"), e.getMessage());
            pipe.sink().close();
        });
    }

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

    @Test
    @Timeout(60)
    void theMonitorReportsAGreenletThatRunsTooLongWithoutSwitchingOnceWithItsStack() throws Throwable {
        onOwnThread(() -> {
            List<MonitorReports.Report> reports = new CopyOnWriteArrayList<>();
            AtomicReference<Greenlet> spinner = new AtomicReference<>();
            AtomicReference<String> name = new AtomicReference<>();
            String err;
            try (AutoCloseable listening = MonitorReports.listen(r -> {
                if (r.greenlet() == spinner.get()) {
                    reports.add(r);
                }
            })) {
                err = capturingErr(() -> {
                    SpawnedGreenlet<?> g = Hub.spawn(() -> {
                        name.set(Greenlet.current().toString());
                        spinner.set(Greenlet.current());
                        spin(reports);
                    });
                    SpawnedGreenlet<?> other = Hub.spawn(() -> log.add("other ran after"));
                    Hub.joinAll(g, other);
                });
            }
            assertEquals(1, reports.size(), "one report for one long run: " + reports);
            MonitorReports.Report r = reports.get(0);
            assertSame(Thread.currentThread(), r.thread());
            assertTrue(r.millis() >= 100, "ran " + r.millis() + " ms");
            boolean spinFrame = false;
            for (StackTraceElement e : r.stack()) {
                spinFrame |= e.getClassName().equals(HubThreadsTest.class.getName()) && e.getMethodName().equals("spin");
            }
            assertTrue(spinFrame, "the spinning method is on the reported stack");
            assertEquals(1, count(err, "[weft] monitor: " + name.get() + " has run "), err);
            assertEquals(1, count(err, HubThreadsTest.class.getName() + ".spin("), err);
            assertEquals(List.of("other ran after"), log);
        });
    }

    @Test
    void theMonitorLeavesAWaitingHubAndPlainCodeAlone() throws Throwable {
        onOwnThread(() -> {
            Thread me = Thread.currentThread();
            List<MonitorReports.Report> reports = new CopyOnWriteArrayList<>();
            try (AutoCloseable listening = MonitorReports.listen(r -> {
                if (r.thread() == me) {
                    reports.add(r);
                }
            })) {
                Hub.spawn(() -> Hub.sleep(300)).join(); // the hub waits 300 ms: nothing runs
                long start = System.nanoTime();
                while (System.nanoTime() - start < 300_000_000L) {
                    Thread.onSpinWait(); // plain code, not a greenlet of the hub
                }
            }
            assertEquals(List.of(), reports);
        });
    }

    /**
     * Busy for 300 ms, and on until the monitor has reported (a loaded machine may starve the monitor),
     * then 300 ms more: the same run must not be reported again.
     */
    private static void spin(List<?> reports) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < 300_000_000L
                || reports.isEmpty() && System.nanoTime() - start < 30_000_000_000L) {
            Thread.onSpinWait();
        }
        long reported = System.nanoTime();
        while (System.nanoTime() - reported < 300_000_000L) {
            Thread.onSpinWait();
        }
    }

    @Test
    void anInterruptWhileTheHubWaitsIsKeptWhenTheWaitTurnsOutDead() throws Throwable {
        onOwnThread(() -> {
            Thread me = Thread.currentThread();
            Hub.KeepAlive promise = Hub.current().keepAlive();
            Thread other = new Thread(() -> {
                while (me.getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
                me.interrupt();
                promise.close();
            });
            other.start();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Event().await());
            assertTrue(e.getMessage().contains("nothing ready to run and no timers"), e.getMessage());
            assertTrue(Thread.interrupted(), "the interrupt status is set again for plain code");
            other.join();
        });
    }

    /** Runs {@code body} on a new thread, so that it gets a new hub, and rethrows what it threw. */
    static void onOwnThread(Body body) throws Throwable {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "hub-test");
        t.start();
        t.join();
        if (failed.get() != null) {
            throw failed.get();
        }
    }

    /** A test body that may throw anything. */
    interface Body {
        void run() throws Throwable;
    }

    static String capturingErr(Runnable body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            body.run();
        } finally {
            System.setErr(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
