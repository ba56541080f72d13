package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Checks that the test JVM is the one {@code .ci/run} asked Surefire to fork: its extra passes set
 * {@code weft.expect.javaFeature} and {@code weft.expect.jvmArg}, which Surefire hands to the fork.
 */
class ForkedJvmTest {
    @Test
    void reportsTheTestJvm() {
        System.out.println("[weft] test JVM: java.version=" + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.info") + ") at " + System.getProperty("java.home")
                + ", arguments " + ManagementFactory.getRuntimeMXBean().getInputArguments());
        assertTrue(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-javaagent:") && a.contains("weft-agent")),
                "the test JVM must run with -javaagent:weft-agent.jar");
    }

    @Test
    @EnabledIfSystemProperty(named = "weft.expect.javaFeature", matches = "\\d+")
    void runsOnTheRequestedJdk() {
        assertEquals(Integer.parseInt(System.getProperty("weft.expect.javaFeature")), Runtime.version().feature());
    }

    @Test
    @EnabledIfSystemProperty(named = "weft.expect.jvmArg", matches = ".+")
    void runsWithTheRequestedJvmFlag() {
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertTrue(args.contains(System.getProperty("weft.expect.jvmArg")), "JVM arguments " + args);
    }
}
