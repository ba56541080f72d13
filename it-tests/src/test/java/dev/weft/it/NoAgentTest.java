package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A program that uses the hub, a greenlet, a generator or a coroutine in a JVM started without the
 * agent gets one error at its first switch, saying how to install the agent, and ends: it neither
 * loops on the error nor runs a body half way. Each case runs {@link NoAgentProgram} in a JVM of its
 * own, without {@code -javaagent}, as these tests' JVM has it.
 */
class NoAgentTest {
    /** Longer than a JVM takes to start and fail on a busy machine; a program that loops never gets here. */
    private static final long BOUND_SECONDS = 60;
    /** More than one stack trace; a program that floods its stderr is stopped as soon as it passes this. */
    private static final int STDERR_LIMIT = 4096;

    @ParameterizedTest
    @ValueSource(strings = {"sleep", "spawnJoinAll", "greenlet", "generator", "coroutine", "group"})
    void aProgramWithoutTheAgentFailsOnceWithTheInstallAdviceAndEnds(String program) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                NoAgentProgram.class.getName(), program);
        Process p = new ProcessBuilder(command).start();
        try {
            Drain out = new Drain(p.getInputStream(), p);
            Drain err = new Drain(p.getErrorStream(), p);
            boolean ended = p.waitFor(BOUND_SECONDS, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            out.join(10_000);
            err.join(10_000);
            String stderr = err.text();
            assertFalse(err.flooded, "stderr passed " + STDERR_LIMIT + " bytes, stopped; it began: " + stderr);
            assertTrue(ended, "the program did not end in " + BOUND_SECONDS + " s; stderr: " + stderr);
            assertNotEquals(0, p.exitValue(), "exit status; stderr: " + stderr);
            assertTrue(err.total < STDERR_LIMIT, err.total + " bytes on stderr: " + stderr);
            assertEquals(1, count(stderr, "Exception in thread"), "one exception: " + stderr);
            assertEquals(1, count(stderr, "-javaagent:"), "the install advice once: " + stderr);
            assertEquals(1, count(stderr, "@WeftTest"), "the JUnit extension's advice once: " + stderr);
            assertTrue(stderr.contains("the Weft agent is not installed"), stderr);
            assertFalse(stderr.contains("NullPointerException"), stderr);
            assertFalse(stderr.contains("Caused by"), "one exception, no cause: " + stderr);
            assertFalse(stderr.contains("CancellationException"), "the reason, not a cancellation: " + stderr);
            assertFalse(stderr.contains("annotate"), "no advice to annotate what is annotated: " + stderr);
            assertEquals("", out.text().strip(), "no body ran before the error");
        } finally {
            p.destroyForcibly();
        }
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    /** Reads one stream of the program, keeping its start; stops the program once it has written too much. */
    private static final class Drain extends Thread {
        private final InputStream in;
        private final Process process;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        volatile long total;
        volatile boolean flooded;

        Drain(InputStream in, Process process) {
            this.in = in;
            this.process = process;
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    synchronized (kept) {
                        if (kept.size() < 16 * STDERR_LIMIT) {
                            kept.write(buffer, 0, n);
                        }
                    }
                    total += n;
                    if (total > 16 * STDERR_LIMIT && !flooded) {
                        flooded = true;
                        process.destroyForcibly();
                    }
                }
            } catch (IOException e) {
                // the process was stopped: what was read is kept
            }
        }

        String text() {
            synchronized (kept) {
                return kept.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
