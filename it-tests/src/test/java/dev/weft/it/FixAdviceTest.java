package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Coroutine;
import dev.weft.Generator;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.internal.SwitchRefused;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpSocket;
import dev.weft.sync.Queue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The fix an error proposes can be followed: a lambda is not told to annotate itself, a library
 * method is not to be annotated but avoided (naming the user's method that called it), and a wait is
 * named as the user called it, not by the switch inside it.
 */
class FixAdviceTest {

    @Test
    void aLambdaThatCallsSuspendableCodeIsToldToBeASuspendableInterfaceNotAnnotated() throws Exception {
        List<String> out = runWithAgent("");
        assertEquals("verify=null", out.get(0), "verification is off: " + out);

        String forEach = out.get(2);
        assertTrue(forEach.startsWith("forEach: dev.weft.it.AdviceProgram.lambda$yieldInForEach$"), forEach);
        assertTrue(forEach.contains(", the body of a lambda in dev.weft.it.AdviceProgram.yieldInForEach that "
                + "implements java.util.function.Consumer, calls suspendable method dev.weft.Coroutine.yield"), forEach);
        assertTrue(forEach.contains(" but is not suspendable itself, so a suspension cannot pass through it."), forEach);
        assertTrue(forEach.contains("Fix: a lambda cannot be annotated. Where you pass it, have a "
                + "SuspendableRunnable, SuspendableCallable or SuspendableFunction"), forEach);
        assertTrue(forEach.contains("make the suspending call outside it"), forEach);
        assertFalse(forEach.contains("annotate dev.weft.it.AdviceProgram.lambda$"), forEach);

        String assertThrows = out.get(1);
        assertTrue(assertThrows.startsWith("assertThrows: dev.weft.it.AdviceProgram.lambda$sleepInAssertThrows$"),
                assertThrows);
        assertTrue(assertThrows.contains("the body of a lambda in dev.weft.it.AdviceProgram.sleepInAssertThrows "
                + "that implements org.junit.jupiter.api.function.Executable"), assertThrows);
        assertTrue(assertThrows.contains("a try/catch instead of assertThrows"), assertThrows);
        assertFalse(assertThrows.contains("annotate dev.weft.it.AdviceProgram.lambda$"), assertThrows);
    }

    @Test
    void aSuspensionThroughALibraryMethodNamesTheCallerAndSaysToCallOutsideIt() throws Exception {
        List<String> out = runWithAgent("=verify");
        assertEquals("verify=true", out.get(0), "verification is on: " + out);

        String assertThrows = out.get(1);
        assertTrue(assertThrows.startsWith("assertThrows: Weft verify: Hub.sleep would suspend through "
                + "org.junit.jupiter.api.AssertThrows.assertThrows("), assertThrows);
        assertTrue(assertThrows.contains("It runs the lambda in dev.weft.it.AdviceProgram.sleepInAssertThrows "
                + "(AdviceProgram.java:"), assertThrows);
        assertTrue(assertThrows.contains("given to it by dev.weft.it.AdviceProgram.sleepInAssertThrows "
                + "(AdviceProgram.java:"), assertThrows);
        assertTrue(assertThrows.contains("Fix: make the suspending call outside "
                + "org.junit.jupiter.api.AssertThrows.assertThrows, in a @Suspendable method of yours (a try/catch "
                + "instead of assertThrows"), assertThrows);
        assertFalse(assertThrows.contains("Fix: annotate org.junit"), assertThrows);

        String forEach = out.get(2);
        assertTrue(forEach.startsWith("forEach: Weft verify: Coroutine.yield"), forEach);
        assertTrue(forEach.contains("It runs the lambda in dev.weft.it.AdviceProgram.yieldInForEach"), forEach);
        assertTrue(forEach.contains("given to it by dev.weft.it.AdviceProgram.yieldInForEach"), forEach);
        assertFalse(forEach.contains("Fix: annotate java."), forEach);
    }

    /** Runs {@link AdviceProgram} in a JVM with the agent and {@code options}; returns its lines but the agent's. */
    private static List<String> runWithAgent(String options) throws IOException, InterruptedException {
        String agent = System.getProperty("weft.agent.jar");
        assumeTrue(agent != null && Files.isRegularFile(Path.of(agent)),
                "needs the agent jar, which Maven passes as system property weft.agent.jar (found: " + agent + ")");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-javaagent:" + agent + options,
                "-cp", System.getProperty("java.class.path"), AdviceProgram.class.getName());
        Path log = Files.createTempFile("weft-advice", ".out");
        Path errors = Files.createTempFile("weft-advice", ".err");
        // stderr apart: the hub prints a failed greenlet's stack trace there
        Process p = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(errors.toFile()).start();
        try {
            boolean finished = p.waitFor(120, TimeUnit.SECONDS);
            String output = Files.readString(log, StandardCharsets.UTF_8) + "\nstderr:\n"
                    + Files.readString(errors, StandardCharsets.UTF_8);
            assertTrue(finished, "the program did not finish: " + output);
            assertEquals(0, p.exitValue(), "exit status of " + command + ": " + output);
            List<String> lines = new ArrayList<>();
            for (String line : Files.readString(log, StandardCharsets.UTF_8).split("\\R")) {
                if (!line.startsWith("[weft]")) {
                    lines.add(line);
                }
            }
            assertTrue(lines.contains("done"), output);
            return lines;
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(log);
            Files.deleteIfExists(errors);
        }
    }

    @Test
    void aBlockingReadInAGeneratorDrivenByAStreamIsNamedAsTheReadNotAsASwitch() {
        SpawnedGreenlet<String> g = Hub.spawn(() -> {
            try (TcpListener listener = TcpListener.bind("127.0.0.1", 0);
                    TcpSocket client = TcpSocket.connect("127.0.0.1", listener.address().getPort());
                    TcpSocket server = listener.accept()) {
                Generator<Integer> bytes = Generator.of(() -> Generator.yield(server.read(new byte[1], 0, 1)));
                return assertThrows(SwitchRefused.class, () -> bytes.stream().collect(Collectors.toList())).getMessage();
            }
        });
        String message = g.get();
        assertTrue(message.startsWith("TcpSocket.read was called in a Generator body that runs in greenlet-"), message);
    }

    @Test
    void aQueueGetInACoroutineDrivenByPlainCodeIsNamedAsTheGet() {
        Queue<String> queue = new Queue<>();
        SpawnedGreenlet<String> g = Hub.spawn(() -> {
            Coroutine<Object, String> c = Coroutine.of(() -> Coroutine.yield(queue.get()));
            return assertThrows(SwitchRefused.class, () -> List.of(1).forEach(i -> c.next())).getMessage();
        });
        String message = g.get();
        assertTrue(message.startsWith("Queue.get was called in a Coroutine body that runs in greenlet-"), message);
    }
}
