package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.AsyncResult;
import dev.weft.sync.Event;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The hub and other threads: {@link Hub#submit}, keep-alives, interrupts, and waits that only another
 * thread can end. Each test runs on a thread of its own, so that its hub starts fresh; the other hub
 * tests use this class's helpers.
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

    /**
     * A keep-alive closed at any moment, while the hub looks at its work, spins or parks: every time
     * the wait ends with the usual error, never a wait for ever (a close between the hub's last look
     * and its park once went unseen).
     */
    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aKeepAliveClosedAtAnyMomentAlwaysEndsTheWait() throws Throwable {
        onOwnThread(() -> {
            Hub hub = Hub.current();
            java.util.Random random = new java.util.Random(7);
            for (int i = 0; i < 2_000; i++) {
                Hub.KeepAlive promise = hub.keepAlive();
                int spins = random.nextInt(20_000);
                Thread other = new Thread(() -> {
                    for (int k = 0; k < spins; k++) {
                        Thread.onSpinWait();
                    }
                    promise.close();
                });
                other.start();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AsyncResult<>().get(),
                        "round " + i);
                assertTrue(e.getMessage().contains("nothing ready to run and no timers"), e.getMessage());
                other.join();
            }
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
