package dev.weft.samples.older;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Hub;
import dev.weft.junit.WeftTest;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestEngine;

/**
 * This module runs the JUnit sample's tests on the JUnit Jupiter its pom names: checks that they do,
 * with every JUnit artifact of that one version, and that a {@code @WeftTest} runs on it.
 */
@WeftTest(virtualTime = true)
class OlderJUnitTest {

    @Test
    void everyJUnitArtifactIsOfTheOlderVersion() {
        String expected = System.getProperty("older.junit.version");
        assertEquals(expected, Test.class.getPackage().getImplementationVersion(), "junit-jupiter-api");
        assertEquals(expected, versionOf("org.junit.jupiter.engine.JupiterTestEngine"), "junit-jupiter-engine");
        // JUnit 5's platform is numbered 1.x beside Jupiter's 5.x; from JUnit 6 on, both share one number
        String platform = expected.startsWith("5.") ? "1." + expected.substring(2) : expected;
        assertEquals(platform, TestEngine.class.getPackage().getImplementationVersion(), "junit-platform-engine");
        assertEquals(platform, versionOf("org.junit.platform.commons.support.AnnotationSupport"), "junit-platform-commons");
    }

    @Test
    void aWeftTestRunsInTheHubWithVirtualTime(Hub hub) {
        long start = hub.nanoTime();
        Hub.sleep(1000);
        assertEquals(1_000_000_000L, hub.nanoTime() - start);
    }

    private static String versionOf(String className) {
        try {
            return Class.forName(className).getPackage().getImplementationVersion();
        } catch (ClassNotFoundException e) {
            throw new AssertionError(className + " is not on the test class path", e);
        }
    }
}
