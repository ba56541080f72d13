package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Verification mode, which names a forgotten method before it goes on running (trap 16), in a JVM
 * started with {@code -javaagent:weft-agent.jar=verify}: verification is read once per JVM, and these
 * tests' own JVM runs without it.
 */
class VerificationTest {

    @Test
    void unwovenMethodBetweenBodyAndYieldIsNamedBeforeItRunsOn() throws Exception {
        List<String> out = runWithVerification(VerifyProgram.class.getName());
        assertEquals("verify=true", out.get(0), "the agent option turns verification on: " + out);

        // sum of (2i + 1) for i < 20
        assertEquals("reflective: sum 400", out.get(1), "a suspension through Method.invoke passes verification");

        String error = out.get(2);
        assertTrue(error.startsWith("error: java.lang.IllegalStateException: Weft verify:"), error);
        assertTrue(error.contains("elsewhere.Untouched.middle(Ljava/util/List;)V"), "names the method: " + error);
        assertTrue(error.contains("Untouched.java:"), "names the source line: " + error);
        assertTrue(error.contains("Fix: annotate elsewhere.Untouched.middle with @Suspendable"), error);
        assertEquals("events: [middle before]", out.get(3), "the code after the suspension never ran");
        assertEquals("done: true", out.get(4));
    }

    /** Runs {@code mainClass} in a new JVM with the agent in verification mode; returns its output lines. */
    static List<String> runWithVerification(String mainClass) throws IOException, InterruptedException {
        String agent = System.getProperty("weft.agent.jar");
        assumeTrue(agent != null && Files.isRegularFile(Path.of(agent)),
                "needs the agent jar, which Maven passes as system property weft.agent.jar (found: " + agent + ")");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-javaagent:" + agent + "=verify",
                "-cp", System.getProperty("java.class.path"), mainClass));
        Path log = Files.createTempFile("weft-verify", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = p.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(finished, "the program did not finish: " + output);
            assertEquals(0, p.exitValue(), "exit status of " + command + ": " + output);
            List<String> lines = new ArrayList<>();
            for (String line : output.split("\\R")) {
                if (!line.startsWith("[weft]")) {
                    lines.add(line);
                }
            }
            assertTrue(lines.size() >= 5, "output: " + output);
            return lines;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
