package dev.weft.it;

import static dev.weft.it.HubThreadsTest.onOwnThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CoroutineException;
import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.LoopExit;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.Timeout;
import dev.weft.sync.AsyncResult;
import dev.weft.sync.Event;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Bridges between greenlets and the futures of plain Java: {@link Hub#await}, {@link SpawnedGreenlet#toFuture()}
 * and {@link Hub#submitSpawn}. Each test runs on a thread of its own, so that its hub starts fresh.
 */
class HubFuturesTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void aCompletedFutureIsAnsweredWithoutASwitch() throws Throwable {
        onOwnThread(() -> {
            SpawnedGreenlet<String> g = Hub.spawn(() -> {
                Hub.spawn(() -> log.add("other"));
                String v = Hub.await(CompletableFuture.completedFuture("done"));
                // the other greenlet was ready, but this one did not switch away
                log.add(v);
                return Hub.await(CompletableFuture.completedFuture("timed"), Duration.ZERO);
            });
            assertEquals("timed", g.get());
            assertEquals(List.of("done", "other"), log);
            // from plain code the same: the hub does not run
            Hub.spawn(() -> log.add("again"));
            assertEquals(7, Hub.await(CompletableFuture.completedFuture(7)));
            assertEquals(List.of("done", "other"), log);
            Hub.sleep(0);
            assertEquals(List.of("done", "other", "again"), log);
        });
    }

    /**
     * Woven code answers a completed future at the call site (the agent inserts {@code Hub.await}'s
     * completed-future test before the call): the same value or exception as {@code Hub.await} itself,
     * called from plain code, for every kind of stage; and a pending one still suspends there and is
     * resumed into the call.
     */
    @Test
    void wovenCallSitesAnswerEveryStageAsHubAwaitDoes() throws Throwable {
        onOwnThread(() -> {
            List<CompletionStage<?>> stages = new ArrayList<>();
            stages.add(CompletableFuture.completedFuture("value"));
            stages.add(CompletableFuture.completedFuture(null));
            stages.add(failed(new IllegalArgumentException("unchecked"), false));
            stages.add(failed(new AssertionError("error"), false));
            stages.add(failed(new IOException("checked"), false));
            stages.add(failed(new CompletionException("no cause", null), false));
            stages.add(failed(new ExecutionException(new CompletionException(new IllegalStateException("wrapped"))), false));
            CompletableFuture<String> source = new CompletableFuture<>();
            stages.add(source.thenApply(String::length));
            source.completeExceptionally(new IllegalStateException("source"));
            CompletableFuture<String> cancelled = new CompletableFuture<>();
            cancelled.cancel(false);
            stages.add(cancelled);
            stages.add(CompletableFuture.completedFuture("minimal").minimalCompletionStage());
            stages.add(opaque(CompletableFuture.completedFuture("opaque")));
            stages.add(new CompletableFuture<String>() { }); // a subclass, completed below
            ((CompletableFuture<String>) stages.get(stages.size() - 1)).complete("subclass");
            for (CompletionStage<?> stage : stages) {
                String plain = outcome(() -> Hub.await(stage));
                SpawnedGreenlet<String> woven = Hub.spawn(() -> awaitedInWovenCode(stage));
                assertEquals(plain, woven.get(), "the outcome of " + stage);
            }
            // a pending future through the same call site: the greenlet suspends and resumes into the call
            CompletableFuture<String> pending = new CompletableFuture<>();
            SpawnedGreenlet<String> waiter = Hub.spawn(() -> awaitedInWovenCode(pending));
            Hub.sleep(0);
            assertFalse(waiter.isReady(), "waiting for the future");
            pending.complete("later");
            assertEquals("value later", waiter.get());
        });
    }

    /** A woven method awaiting {@code stage}: its outcome as {@link #outcome} writes it. */
    @Suspendable
    private static String awaitedInWovenCode(CompletionStage<?> stage) {
        try {
            return "value " + Hub.await(stage);
        } catch (Throwable e) {
            return describe(e);
        }
    }

    private static String outcome(java.util.concurrent.Callable<Object> await) {
        try {
            return "value " + await.call();
        } catch (Throwable e) {
            return describe(e);
        }
    }

    private static String describe(Throwable e) {
        Throwable cause = e.getCause();
        return e.getClass().getName() + ": " + e.getMessage() + (cause == null ? "" : " / " + cause);
    }

    @Test
    void aFutureCompletedByAnotherGreenletWakesTheWaiter() throws Throwable {
        onOwnThread(() -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            SpawnedGreenlet<String> waiter = Hub.spawn(() -> {
                log.add("waiting");
                String v = Hub.await(f);
                log.add("got " + v);
                return v;
            });
            Hub.spawn(() -> {
                log.add("completing");
                f.complete("x");
                log.add("completed");
            });
            assertEquals("x", waiter.get());
            assertEquals(List.of("waiting", "completing", "completed", "got x"), log);
        });
    }

    @Test
    void aFutureCompletedOnAnotherThreadWakesTheHubWhileTheOtherGreenletsRun() throws Throwable {
        onOwnThread(() -> {
            Thread hubThread = Thread.currentThread();
            CompletableFuture<String> f = new CompletableFuture<>();
            CountDownLatch sleeperRan = new CountDownLatch(1);
            Thread completer = new Thread(() -> {
                try {
                    // completes only once another greenlet has run: the waiting one blocked nothing
                    sleeperRan.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                f.complete(Thread.currentThread().getName());
            }, "completer");
            SpawnedGreenlet<String> waiter = Hub.spawn(() -> {
                String v = Hub.await(f);
                // back on the hub's thread, in this greenlet
                log.add(Thread.currentThread() == hubThread);
                return v;
            });
            Hub.spawn(() -> {
                Hub.sleep(1);
                sleeperRan.countDown();
            });
            completer.start();
            assertEquals("completer", waiter.get());
            assertEquals(List.of(true), log);
            // plain code awaits the same way, running the hub
            CompletableFuture<Integer> later = CompletableFuture.supplyAsync(() -> 42);
            assertEquals(42, Hub.await(later));
            completer.join();
        });
    }

    @Test
    void exceptionsAreThrownUnwrappedAsGetThrowsThem() throws Throwable {
        onOwnThread(() -> {
            for (boolean wait : new boolean[] {false, true}) {
                IllegalArgumentException unchecked = new IllegalArgumentException("bad");
                assertSame(unchecked, assertThrows(IllegalArgumentException.class,
                        () -> Hub.await(failed(unchecked, wait))));
                AssertionError error = new AssertionError("error");
                assertSame(error, assertThrows(AssertionError.class, () -> Hub.await(failed(error, wait))));
                IOException checked = new IOException("disk");
                CoroutineException wrapped = assertThrows(CoroutineException.class, () -> Hub.await(failed(checked, wait)));
                assertSame(checked, wrapped.getCause());
                // a dependent stage fails with a CompletionException around its source's exception
                CompletableFuture<String> source = new CompletableFuture<>();
                CompletableFuture<Integer> dependent = source.thenApply(String::length);
                complete(source, null, unchecked, wait);
                assertSame(unchecked, assertThrows(IllegalArgumentException.class, () -> Hub.await(dependent)));
                // an action that throws: its exception, not the wrapper
                CompletableFuture<String> okSource = new CompletableFuture<>();
                CompletableFuture<String> throwing = okSource.thenApply(s -> {
                    throw new IllegalStateException("in " + s);
                });
                complete(okSource, "action", null, wait);
                assertEquals("in action", assertThrows(IllegalStateException.class, () -> Hub.await(throwing)).getMessage());
                // wrappers set by hand are taken off too
                assertSame(unchecked, assertThrows(IllegalArgumentException.class,
                        () -> Hub.await(failed(new ExecutionException(new CompletionException(unchecked)), wait))));
                // a wrapper without a cause is what failed
                CompletionException bare = new CompletionException("no cause", null);
                assertSame(bare, assertThrows(CompletionException.class, () -> Hub.await(failed(bare, wait))));
                // cancelled
                CompletableFuture<String> cancelled = new CompletableFuture<>();
                if (wait) {
                    Hub.spawn(() -> cancelled.cancel(false));
                } else {
                    cancelled.cancel(false);
                }
                assertThrows(CancellationException.class, () -> Hub.await(cancelled));
                // and with a timeout
                assertSame(unchecked, assertThrows(IllegalArgumentException.class,
                        () -> Hub.await(failed(unchecked, wait), Duration.ofSeconds(10))));
            }
        });
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void anAwaitWithATimeoutThrowsTimeoutExceptionLeavesTheFutureAloneAndHoldsNothing() throws Throwable {
        onOwnThread(() -> {
            CompletableFuture<String> never = new CompletableFuture<>();
            Event timedOut = new Event();
            Event go = new Event();
            SpawnedGreenlet<?> g = Hub.spawn(() -> {
                try {
                    Hub.await(never, Duration.ofMillis(20));
                    log.add("returned");
                } catch (TimeoutException e) {
                    log.add(e.getMessage());
                }
                timedOut.set();
                go.await();
                log.add("after event");
            });
            timedOut.await(); // g has gone on to wait for the event
            assertFalse(g.isReady());
            assertEquals(List.of("the future did not complete within PT0.02S"), log);
            assertFalse(never.isDone(), "the future is left alone");
            // the wait no longer counts as work coming from another thread: the hub can tell that nothing is left
            LoopExit e = assertThrows(LoopExit.class, () -> new AsyncResult<>().get());
            assertTrue(e.getMessage().contains("waits in Event.await"), e.getMessage());
            // a late completion wakes nothing: the greenlet still waits for the event
            Thread completer = new Thread(() -> never.complete("late"));
            completer.start();
            completer.join();
            Hub.sleep(1);
            Hub.sleep(0);
            assertFalse(g.isReady());
            assertEquals(1, log.size());
            go.set();
            g.join();
            assertEquals(List.of("the future did not complete within PT0.02S", "after event"), log);
            // a timeout as long as the wait needs
            CompletableFuture<String> soon = new CompletableFuture<>();
            Hub.spawn(() -> soon.complete("soon"));
            assertEquals("soon", Hub.await(soon, Duration.ofSeconds(10)));
        });
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aKilledOrTimedOutGreenletLeavesTheFutureAloneAndIsNotKeptByIt() throws Throwable {
        onOwnThread(() -> {
            CompletableFuture<String> never = new CompletableFuture<>();
            WeakReference<SpawnedGreenlet<?>> killed = killedWhileAwaiting(never);
            assertEquals(List.of("finally"), log);
            assertFalse(never.isDone());
            // nothing outstanding is left behind
            assertThrows(LoopExit.class, () -> new AsyncResult<>().get());
            // the callback left on the future does not keep the greenlet
            for (int i = 0; i < 100 && killed.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertNull(killed.get(), "the future's callback keeps the killed greenlet reachable");
            never.complete("late"); // wakes nothing, fails nothing
            Hub.sleep(0);

            // a dev.weft.Timeout raised while it waits: the same
            CompletableFuture<String> slow = new CompletableFuture<>();
            SpawnedGreenlet<String> limited = Hub.spawn(() -> {
                Timeout t = Timeout.start(Duration.ofMillis(10));
                try (t) {
                    return Hub.await(slow);
                } catch (Timeout e) {
                    return e == t ? "timed out" : "other timeout";
                }
            });
            assertEquals("timed out", limited.get());
            assertFalse(slow.isDone());
            assertThrows(LoopExit.class, () -> new AsyncResult<>().get());
        });
    }

    /** Spawns a greenlet that awaits {@code future}, kills it, and returns a weak reference to it only. */
    private WeakReference<SpawnedGreenlet<?>> killedWhileAwaiting(CompletableFuture<String> future) {
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            try {
                Hub.await(future);
                log.add("returned");
            } finally {
                log.add("finally");
            }
        });
        Hub.sleep(0);
        assertFalse(g.isReady());
        g.kill();
        assertTrue(g.isReady());
        return new WeakReference<>(g);
    }

    @Test
    void awaitInTheHubsOwnGreenletIsRefusedUnlessTheFutureIsDone() throws Throwable {
        onOwnThread(() -> {
            Hub hub = Hub.current();
            CompletableFuture<String> pending = new CompletableFuture<>();
            hub.submit(() -> {
                log.add(Hub.await(CompletableFuture.completedFuture("done")));
                try {
                    Hub.await(pending);
                } catch (IllegalStateException e) {
                    log.add(e.getMessage());
                }
            });
            Hub.sleep(0);
            assertEquals(List.of("done", "Hub.await was called in the hub's own greenlet, which must never wait"), log);
            assertThrows(LoopExit.class, () -> new AsyncResult<>().get());
        });
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aStageThatIsNotACompletableFutureIsAwaitedThroughItsCallback() throws Throwable {
        onOwnThread(() -> {
            assertEquals("now", Hub.await(opaque(CompletableFuture.completedFuture("now"))));
            CompletableFuture<String> f = new CompletableFuture<>();
            CompletionStage<String> stage = opaque(f);
            assertThrows(UnsupportedOperationException.class, stage::toCompletableFuture);
            Thread completer = new Thread(() -> f.complete("later"));
            SpawnedGreenlet<String> g = Hub.spawn(() -> Hub.await(stage));
            Hub.spawn(completer::start);
            assertEquals("later", g.get());
            IOException checked = new IOException("io");
            assertSame(checked, assertThrows(CoroutineException.class,
                    () -> Hub.await(opaque(CompletableFuture.failedFuture(checked)))).getCause());
            assertThrows(TimeoutException.class, () -> Hub.await(opaque(new CompletableFuture<>()), Duration.ofMillis(1)));
            completer.join();
        });
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void fiveThousandConcurrentAwaitsCompletedFromAPoolInRandomOrder() throws Throwable {
        onOwnThread(() -> {
            int n = 5_000;
            List<CompletableFuture<Integer>> futures = new ArrayList<>();
            SpawnedGreenlet<?>[] greenlets = new SpawnedGreenlet<?>[n];
            int[] got = new int[n];
            for (int i = 0; i < n; i++) {
                CompletableFuture<Integer> f = new CompletableFuture<>();
                futures.add(f);
                int index = i;
                greenlets[i] = Hub.spawn(() -> {
                    got[index] = Hub.await(f) + 1;
                });
            }
            Hub.sleep(0); // every greenlet now waits for its future
            for (SpawnedGreenlet<?> g : greenlets) {
                assertFalse(g.isReady());
            }
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(9));
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (int i : order) {
                    pool.execute(() -> futures.get(i).complete(i * 2));
                }
                Hub.joinAll(greenlets);
            } finally {
                pool.shutdown();
                assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(i * 2 + 1, got[i]);
                assertTrue(greenlets[i].isSuccessful());
            }
            assertThrows(LoopExit.class, () -> new AsyncResult<>().get());
        });
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void greenletResultsAreFuturesThatPlainThreadsWaitOnAndCompose() throws Throwable {
        onOwnThread(() -> {
            Thread hubThread = Thread.currentThread();
            SpawnedGreenlet<Integer> value = Hub.spawn(() -> {
                Hub.sleep(5);
                return 20;
            });
            IllegalStateException boom = new IllegalStateException("boom");
            SpawnedGreenlet<Integer> failing = Hub.spawn(() -> {
                Hub.sleep(5);
                throw boom;
            });
            Event never = new Event();
            SpawnedGreenlet<Void> killed = Hub.spawn(() -> {
                never.await();
            });
            CompletableFuture<Integer> valueFuture = value.toFuture();
            CompletableFuture<Integer> failingFuture = failing.toFuture();
            CompletableFuture<Void> killedFuture = killed.toFuture();
            assertFalse(valueFuture.isDone());
            // a plain thread waits and composes while the hub runs the greenlets; the hub's thread awaits its answer
            CompletableFuture<List<Object>> seen = new CompletableFuture<>();
            Thread plain = new Thread(() -> {
                try {
                    int doubled = valueFuture.thenApply(v -> v * 2).join();
                    ExecutionException e = assertThrows(ExecutionException.class, failingFuture::get);
                    seen.complete(List.of(doubled, e.getCause(), Thread.currentThread() != hubThread));
                } catch (Throwable e) {
                    seen.completeExceptionally(e);
                }
            });
            plain.start();
            assertEquals(List.of(40, boom, true), Hub.await(seen));
            plain.join();
            assertTrue(value.isReady() && failing.isReady());
            killed.kill();
            assertNull(Hub.await(killedFuture), "a killed greenlet's value, as get() returns it");
            // a finished greenlet's future is complete at once
            CompletableFuture<Integer> again = value.toFuture();
            assertTrue(again.isDone());
            assertEquals(20, again.join());
            assertSame(boom, assertThrows(CompletionException.class, () -> failing.toFuture().join()).getCause());
            // cancelling the future does not kill the greenlet
            SpawnedGreenlet<String> runsOn = Hub.spawn(() -> {
                Hub.sleep(1);
                return "ran on";
            });
            CompletableFuture<String> cancelled = runsOn.toFuture();
            assertTrue(cancelled.cancel(true));
            assertEquals("ran on", runsOn.get());
            assertTrue(cancelled.isCancelled());
            // the future belongs to the greenlet's thread only until it is handed over
            AtomicReference<Throwable> wrongThread = new AtomicReference<>();
            Thread other = new Thread(() -> {
                try {
                    value.toFuture();
                } catch (Throwable e) {
                    wrongThread.set(e);
                }
            });
            other.start();
            other.join();
            assertTrue(wrongThread.get() instanceof IllegalStateException, String.valueOf(wrongThread.get()));
        });
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void submitSpawnRunsASuspendableCallableOnTheHubFromAnyThread() throws Throwable {
        AtomicReference<Hub> hubRef = new AtomicReference<>();
        AtomicReference<Thread> hubThread = new AtomicReference<>();
        onOwnThread(() -> {
            Hub hub = Hub.current();
            hubRef.set(hub);
            hubThread.set(Thread.currentThread());
            CompletableFuture<List<Object>> seen = new CompletableFuture<>();
            Thread plain = new Thread(() -> {
                try {
                    CompletableFuture<String> a = hub.submitSpawn(() -> {
                        Hub.sleep(2);
                        return Thread.currentThread().getName();
                    });
                    CompletableFuture<String> b = hub.submitSpawn(() -> {
                        Hub.sleep(1);
                        throw new IOException("b failed");
                    });
                    String name = a.join();
                    CompletionException e = assertThrows(CompletionException.class, b::join);
                    CompletableFuture<Void> c = hub.submitSpawn(() -> {
                        Hub.sleep(1);
                    });
                    CompletableFuture<Void> exits = hub.submitSpawn(() -> {
                        throw new GreenletExit("bye");
                    });
                    // a killed greenlet cancels its future
                    // (JDK 23 and later throw a new CancellationException from join, caused by the future's own)
                    Throwable exit = assertThrows(CancellationException.class, exits::join);
                    while (exit != null && !(exit instanceof GreenletExit)) {
                        exit = exit.getCause();
                    }
                    assertEquals("bye", exit == null ? "no GreenletExit among the causes" : exit.getMessage());
                    seen.complete(List.of(name, e.getCause().getMessage(), String.valueOf(c.join())));
                } catch (Throwable e) {
                    seen.completeExceptionally(e);
                }
            });
            plain.start();
            // the hub runs the submitted greenlets while its thread awaits the plain thread's answer
            assertEquals(List.of("hub-test", "b failed", "null"), Hub.await(seen));
            plain.join();

            // cancelled before the hub took it: never spawned
            CompletableFuture<Void> cancelled = hub.submitSpawn(() -> {
                log.add("cancelled ran");
            });
            cancelled.cancel(false);
            CompletableFuture<Void> kept = hub.submitSpawn(() -> {
                log.add("kept ran");
            });
            Hub.sleep(0); // the hub takes the submitted callbacks
            Hub.sleep(0); // the spawned greenlet runs
            assertEquals(List.of("kept ran"), log);
            assertNull(Hub.await(kept));
            assertFalse(cancelled.isCompletedExceptionally() && !cancelled.isCancelled());
        });
        // the hub's thread has ended: submitting would never run
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> hubRef.get().submitSpawn(() -> "never"));
        assertTrue(e.getMessage().contains("has ended"), e.getMessage());
        assertNotEquals(Thread.currentThread(), hubThread.get());
    }

    /** A future failed with {@code e}: failed now, or (when {@code wait}) by another greenlet, after the await began. */
    private static CompletableFuture<String> failed(Throwable e, boolean wait) {
        CompletableFuture<String> f = new CompletableFuture<>();
        complete(f, null, e, wait);
        return f;
    }

    /** Completes {@code f} now, or (when {@code later}) in a greenlet that runs once the caller waits. */
    private static void complete(CompletableFuture<String> f, String value, Throwable e, boolean later) {
        Runnable action = () -> {
            if (e != null) {
                f.completeExceptionally(e);
            } else {
                f.complete(value);
            }
        };
        if (later) {
            Hub.spawn(action::run);
        } else {
            action.run();
        }
    }

    /** {@code stage} seen through a CompletionStage that refuses {@code toCompletableFuture}, as some libraries' stages do. */
    @SuppressWarnings("unchecked")
    private static <T> CompletionStage<T> opaque(CompletableFuture<T> stage) {
        CompletionStage<T> minimal = stage.minimalCompletionStage();
        return (CompletionStage<T>) Proxy.newProxyInstance(HubFuturesTest.class.getClassLoader(),
                new Class<?>[] {CompletionStage.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toCompletableFuture")) {
                        throw new UnsupportedOperationException("opaque stage");
                    }
                    try {
                        return method.invoke(minimal, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
