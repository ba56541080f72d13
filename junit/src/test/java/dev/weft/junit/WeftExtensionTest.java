package dev.weft.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The extension's failures, from fixtures run with JUnit's {@link EngineTestKit}: the exact messages
 * for greenlets left running and for exceptions nobody looked at, and what passes.
 */
class WeftExtensionTest {
    @Test
    void aGreenletLeftRunningFailsTheTestNamingWhereItWasSpawned() {
        Throwable failure = failureOf(Fixtures.class, "leavesAGreenletRunning");
        assertEquals("1 greenlet spawned by the test was still running at its end (killed now):\n"
                + "  greenlet spawned at dev.weft.junit.WeftExtensionTest$Fixtures.leavesAGreenletRunning"
                + "(WeftExtensionTest.java:L)", withoutLines(failure.getMessage()));
        assertInstanceOf(AssertionError.class, failure);
        assertTrue(Fixtures.leakedFinallyRan, "the leaked greenlet was killed, so its finally block ran");
    }

    @Test
    void aGreenletLeftRunningThatIgnoresItsKillFailsTheTestWithoutHangingIt() {
        Throwable failure = failureOf(VirtualTimeFixtures.class, "leavesAStubbornGreenlet");
        assertEquals("1 greenlet spawned by the test was still running at its end (killed now):\n"
                + "  greenlet spawned at dev.weft.junit.WeftExtensionTest$VirtualTimeFixtures.leavesAStubbornGreenlet"
                + "(WeftExtensionTest.java:L) (it ignored its kill for 10 s and still runs)",
                withoutLines(failure.getMessage()));
    }

    /** Tests on virtual time, so that the kill's time limit passes at once. */
    @WeftTest(virtualTime = true)
    static class VirtualTimeFixtures {
        @Test
        @Suspendable
        void leavesAStubbornGreenlet() {
            Hub.spawn(() -> {
                while (true) {
                    try {
                        Hub.sleep(3_600_000);
                    } catch (GreenletExit ignored) {
                        // goes on
                    }
                }
            });
            Hub.sleep(0); // it starts, and sleeps
        }
    }

    @Test
    void greenletsLeftRunningByPlainCodeAreNamedTooInSpawnOrder() {
        Throwable failure = failureOf(Fixtures.class, "plainCodeLeavesTwoGreenlets");
        assertEquals("2 greenlets spawned by the test were still running at its end (killed now):\n"
                + "  greenlet spawned at dev.weft.junit.WeftExtensionTest$Fixtures.plainCodeLeavesTwoGreenlets"
                + "(WeftExtensionTest.java:L)\n"
                + "  greenlet spawned at dev.weft.junit.WeftExtensionTest$Fixtures.lambda$plainCodeLeavesTwoGreenlets$N"
                + "(WeftExtensionTest.java:L)", withoutLines(failure.getMessage()));
    }

    @Test
    void oneGreenletLeftRunningAmongThousandsThatFinishedIsNamed() {
        Throwable failure = failureOf(Fixtures.class, "spawnsThousandsAndLeavesOne");
        assertEquals("1 greenlet spawned by the test was still running at its end (killed now):\n"
                + "  greenlet spawned at dev.weft.junit.WeftExtensionTest$Fixtures.spawnsThousandsAndLeavesOne"
                + "(WeftExtensionTest.java:L)", withoutLines(failure.getMessage()));
    }

    @Test
    void anExceptionNobodyLookedAtFailsTheTestWithItAsCause() {
        Throwable failure = failureOf(Fixtures.class, "ignoresAFailedGreenlet");
        assertEquals("1 exception escaped greenlets of the test, and nobody looked at it with get() or exception():\n"
                + "  greenlet spawned at dev.weft.junit.WeftExtensionTest$Fixtures.ignoresAFailedGreenlet"
                + "(WeftExtensionTest.java:L): java.lang.IllegalStateException: boom", withoutLines(failure.getMessage()));
        assertEquals("boom", failure.getCause().getMessage());
    }

    @Test
    void aLinkCallbackThatThrowsFailsTheTestNamingWhatItWasLinkedTo() {
        Throwable failure = failureOf(Fixtures.class, "linksACallbackThatThrows");
        assertEquals("1 callback linked by the test threw (the hub printed it and went on; a callback must catch "
                + "what it cannot let fail):\n"
                + "  a callback linked to greenlet-2[done]: java.lang.IllegalStateException: callback boom",
                failure.getMessage());
        assertEquals("callback boom", failure.getCause().getMessage());
        Throwable raw = failureOf(Fixtures.class, "linksARawLinkThatThrowsToAnEvent");
        assertEquals("1 callback linked by the test threw (the hub printed it and went on; a callback must catch "
                + "what it cannot let fail):\n"
                + "  a callback linked to Event[set, 0 waiting]: java.lang.IllegalArgumentException: raw link boom",
                raw.getMessage());
        assertEquals("raw link boom", raw.getCause().getMessage());
    }

    @Test
    void anExceptionTheTestLookedAtDoesNotFailIt() {
        assertNull(failureOrNull(Fixtures.class, "looksAtTheFailedGreenlet"));
        assertNull(failureOrNull(Fixtures.class, "getsTheFailedGreenletsException"));
    }

    @Test
    void theTestsOwnFailureComesFirstWithTheLeakSuppressed() {
        Throwable failure = failureOf(Fixtures.class, "failsAndLeaks");
        assertEquals("the test's own failure", failure.getMessage());
        assertEquals(1, failure.getSuppressed().length);
        assertEquals("1 greenlet spawned by the test was still running at its end (killed now):\n"
                + "  greenlet spawned at dev.weft.junit.WeftExtensionTest$Fixtures.failsAndLeaks"
                + "(WeftExtensionTest.java:L)", withoutLines(failure.getSuppressed()[0].getMessage()));
    }

    @Test
    void aGreenletOfBeforeEachMayRunUntilAfterEachButNotBeyond() {
        assertNull(failureOrNull(ServerFixture.class, "usesTheServer"));
        Throwable failure = failureOf(ServerFixture.class, "leavesTheServerRunning");
        assertEquals("1 greenlet spawned by the test was still running after @AfterEach (killed now):\n"
                + "  greenlet spawned at dev.weft.junit.WeftExtensionTest$ServerFixture.startServer"
                + "(WeftExtensionTest.java:L)", withoutLines(failure.getMessage()));
    }

    @Test
    void verificationIsOnUnderTheExtension() {
        Throwable failure = failureOf(Fixtures.class, "suspendsThroughAnUnannotatedMethod");
        assertEquals("Weft verify: Hub.sleep would suspend through dev.weft.junit.WeftExtensionTest$Fixtures"
                + ".notAnnotated()V (WeftExtensionTest.java:L), which is not suspendable, so it would go on "
                + "running instead of suspending. Fix: annotate dev.weft.junit.WeftExtensionTest$Fixtures"
                + ".notAnnotated with @Suspendable", withoutLines(failure.getMessage()));
    }

    @Test
    void underVirtualTimeAWaitThatCanNeverEndFailsAtOnceInsteadOfHanging() {
        Throwable failure = failureOf(VirtualTimeFixture.class, "waitsForAnEventNobodySets");
        assertEquals("the hub of thread \"weft-test: waitsForAnEventNobodySets()\" has nothing ready to run and no "
                + "timers: the wait can never end. Waiting: weft-test: waitsForAnEventNobodySets() waits in "
                + "SpawnedGreenlet.join for greenlet-1; greenlet-1 waits in Event.await", failure.getMessage());
    }

    @Test
    void underVirtualTimeALeakIsReportedAfterTheHoursItSlept() {
        Throwable failure = failureOf(VirtualTimeFixture.class, "sleepsAnHourAndLeaks");
        assertEquals("1 greenlet spawned by the test was still running at its end (killed now):\n"
                + "  greenlet spawned at dev.weft.junit.WeftExtensionTest$VirtualTimeFixture.sleepsAnHourAndLeaks"
                + "(WeftExtensionTest.java:L)", withoutLines(failure.getMessage()));
        assertEquals(Duration.ofHours(1).toNanos(), VirtualTimeFixture.slept);
    }

    @Test
    void aGreenletThatBlocksTheHubFailsTheTestNamingWhere() {
        Throwable failure = failureOf(Fixtures.class, "blocksTheHub");
        assertEquals("the hub was blocked: a greenlet ran N ms without switching, holding up every other greenlet, "
                + "at dev.weft.junit.WeftExtensionTest$Fixtures.lambda$blocksTheHub$N(WeftExtensionTest.java:L)",
                withoutLines(failure.getMessage()).replaceAll("ran \\d+ ms", "ran N ms"));
    }

    /** Replaces line numbers and lambda numbers, which move when this file is edited. */
    static String withoutLines(String message) {
        return message.replaceAll("\\.java:\\d+\\)", ".java:L)").replaceAll("\\$\\d+\\(", "\\$N(");
    }

    static Throwable failureOf(Class<?> fixture, String method) {
        Throwable failure = failureOrNull(fixture, method);
        if (failure == null) {
            throw new AssertionError(fixture.getSimpleName() + "." + method + " passed, but should have failed");
        }
        return failure;
    }

    /** Runs one test method of a fixture and returns why it failed, or null when it passed. */
    static Throwable failureOrNull(Class<?> fixture, String method) {
        List<Event> finished = EngineTestKit.engine("junit-jupiter")
                .selectors(selectMethod(fixture, java.util.Arrays.stream(fixture.getDeclaredMethods())
                        .filter(m -> m.getName().equals(method)).findFirst().orElseThrow()))
                .execute()
                .testEvents()
                .finished()
                .list();
        assertEquals(1, finished.size(), "one test finished");
        TestExecutionResult result = finished.get(0).getRequiredPayload(TestExecutionResult.class);
        Optional<Throwable> thrown = result.getThrowable();
        if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
            return null;
        }
        assertEquals(TestExecutionResult.Status.FAILED, result.getStatus(), () -> "status of " + method + ": " + thrown);
        return thrown.orElseThrow();
    }

    /** Tests that fail on purpose; run only through {@link EngineTestKit}. */
    @WeftTest
    static class Fixtures {
        static volatile boolean leakedFinallyRan;

        @Test
        @Suspendable
        void leavesAGreenletRunning() {
            Hub.spawn(() -> {
                try {
                    Hub.sleep(3_600_000);
                } finally {
                    leakedFinallyRan = true;
                }
            });
            Hub.sleep(0); // it starts, and sleeps
        }

        @Test
        @Suspendable
        void spawnsThousandsAndLeavesOne() {
            for (int i = 0; i < 5000; i++) {
                Hub.spawn(() -> Hub.sleep(0));
                if (i == 2500) {
                    Hub.spawn(() -> Hub.sleep(3_600_000));
                }
                if (i % 100 == 0) {
                    Hub.sleep(0); // the ready ones run and finish
                }
            }
            Hub.sleep(0);
        }

        @Test
        @Suspendable
        void blocksTheHub() throws Exception {
            java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
            try (AutoCloseable listening = dev.weft.internal.MonitorReports.listen(r -> reported.countDown())) {
                SpawnedGreenlet<?> g = Hub.spawn(() -> {
                    // runs without switching until the monitor has reported it (at most a minute)
                    long end = System.nanoTime() + 60_000_000_000L;
                    while (reported.getCount() > 0 && System.nanoTime() - end < 0) {
                        Thread.onSpinWait();
                    }
                });
                g.join();
            }
        }

        @Test
        void plainCodeLeavesTwoGreenlets() {
            SpawnedGreenlet<?> parent = Hub.spawn(() -> {
                Hub.spawn(() -> Hub.sleep(3_600_000));
                Hub.sleep(3_600_000);
            });
            Hub.joinAll(java.time.Duration.ZERO, parent);
        }

        @Test
        @Suspendable
        void ignoresAFailedGreenlet() {
            Hub.spawn(() -> {
                throw new IllegalStateException("boom");
            });
            Hub.sleep(0);
        }

        @Test
        @Suspendable
        void linksACallbackThatThrows() {
            SpawnedGreenlet<?> g = Hub.spawn(() -> { });
            g.onComplete(x -> {
                throw new IllegalStateException("callback boom");
            });
            g.join(); // returns once the callback has run
        }

        @Test
        void linksARawLinkThatThrowsToAnEvent() {
            dev.weft.sync.Event e = new dev.weft.sync.Event();
            e.rawLink(() -> {
                throw new IllegalArgumentException("raw link boom");
            });
            e.set(); // does not throw: the hub reports it
        }

        @Test
        @Suspendable
        void looksAtTheFailedGreenlet() {
            SpawnedGreenlet<?> g = Hub.spawn(() -> {
                throw new IllegalStateException("boom");
            });
            g.join();
            assertEquals("boom", g.exception().getMessage());
        }

        @Test
        @Suspendable
        void getsTheFailedGreenletsException() {
            SpawnedGreenlet<?> g = Hub.spawn(() -> {
                throw new IllegalStateException("boom");
            });
            try {
                g.get();
                throw new AssertionError("get() should have thrown");
            } catch (IllegalStateException expected) {
                assertEquals("boom", expected.getMessage());
            }
        }

        @Test
        @Suspendable
        void failsAndLeaks() {
            Hub.spawn(() -> Hub.sleep(3_600_000));
            Hub.sleep(0);
            throw new AssertionError("the test's own failure");
        }

        @Test
        @Suspendable
        void suspendsThroughAnUnannotatedMethod() {
            notAnnotated();
        }

        void notAnnotated() {
            Hub.sleep(1);
        }
    }

    /** Tests on virtual time that fail on purpose. */
    @WeftTest(virtualTime = true)
    static class VirtualTimeFixture {
        static volatile long slept;

        @Test
        @Suspendable
        void waitsForAnEventNobodySets() {
            new dev.weft.sync.Event().await();
        }

        @Test
        @Suspendable
        void sleepsAnHourAndLeaks(Hub hub) {
            long start = hub.nanoTime();
            Hub.spawn(() -> Hub.sleep(Duration.ofHours(2)));
            Hub.sleep(Duration.ofHours(1));
            slept = hub.nanoTime() - start;
        }
    }

    /** A greenlet started by {@code @BeforeEach}, stopped (or not) by {@code @AfterEach}. */
    @WeftTest
    static class ServerFixture {
        private SpawnedGreenlet<?> server;
        private int requests;

        @BeforeEach
        void startServer() {
            server = Hub.spawn(() -> {
                while (true) {
                    requests++;
                    Hub.sleep(1);
                }
            });
        }

        @AfterEach
        @Suspendable
        void stopServer(org.junit.jupiter.api.TestInfo info) {
            if (!info.getDisplayName().startsWith("leaves")) {
                server.kill();
            }
        }

        @Test
        @Suspendable
        void usesTheServer() {
            Hub.sleep(0); // the server, ready since @BeforeEach, runs first
            assertTrue(requests > 0, "the server ran during the test");
        }

        @Test
        @Suspendable
        void leavesTheServerRunning() {
            Hub.sleep(0);
        }
    }
}
