package dev.weft.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.opentest4j.TestAbortedException;

/**
 * On a JVM that cannot be attached to, {@code @WeftTest} tests are skipped with the reason, never
 * green. Run by its own Surefire execution, in a JVM started with {@code -XX:+DisableAttachMechanism}.
 */
class AttachImpossibleTest {
    private static final String PREFIX = "Weft could not attach its agent to this JVM (java.lang.IllegalStateException: ";
    private static final String SUFFIX = "), so @WeftTest tests are skipped. Fix: allow attaching (no "
            + "-XX:+DisableAttachMechanism or -XX:-EnableDynamicAgentLoading), or start the test JVM with "
            + "-javaagent:weft-agent.jar";

    @BeforeAll
    static void onlyWhereAttachingIsImpossible() {
        List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assumeTrue(flags.contains("-XX:+DisableAttachMechanism"), "needs a JVM started with -XX:+DisableAttachMechanism");
        assumeTrue(System.getProperty("weft.agent") == null, "needs a JVM without the agent");
    }

    @Test
    void aWeftTestClassIsAbortedWithTheReasonAndNoneOfItsTestsRuns() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(ClassFixture.class)).execute();
        assertEquals(0, results.testEvents().started().count(), "no test of the class started");
        List<Event> aborted = results.containerEvents().aborted().list();
        assertEquals(1, aborted.size());
        assertAbortedForTheReason(aborted.get(0));
        assertEquals(0, ClassFixture.runs);
    }

    @Test
    void aWeftTestMethodIsAbortedWithTheReason() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(MethodFixture.class)).execute();
        assertEquals(1, results.testEvents().succeeded().count(), "the plain test passes");
        List<Event> aborted = results.testEvents().aborted().list();
        assertEquals(1, aborted.size());
        assertAbortedForTheReason(aborted.get(0));
        assertEquals(0, MethodFixture.weftRuns);
    }

    private static void assertAbortedForTheReason(Event event) {
        TestExecutionResult result = event.getRequiredPayload(TestExecutionResult.class);
        Throwable reason = result.getThrowable().orElseThrow();
        assertInstanceOf(TestAbortedException.class, reason);
        String message = reason.getMessage();
        assertTrue(message.startsWith(PREFIX) && message.endsWith(SUFFIX), message);
    }

    /** A test class under {@code @WeftTest}. */
    @WeftTest
    static class ClassFixture {
        static int runs;

        @Test
        @Suspendable
        void sleeps() {
            runs++;
            Hub.sleep(1);
        }
    }

    /** {@code @WeftTest} on one method: only that one is skipped. */
    static class MethodFixture {
        static int weftRuns;

        @Test
        void plain() {
            assertEquals(2, 1 + 1);
        }

        @Test
        @WeftTest
        @Suspendable
        void sleeps() {
            weftRuns++;
            Hub.sleep(1);
        }
    }
}
