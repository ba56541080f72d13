package dev.weft.it;

import static dev.weft.it.HubThreadsTest.onOwnThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Generator;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.SuspendableRunnable;
import dev.weft.sync.AsyncResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * {@code Thread.sleep} in woven code: cooperative in a hub's greenlets (gevent's patched
 * {@code time.sleep}), the thread's own sleep everywhere else, and always with {@code sleep=thread}.
 */
class ThreadSleepTest {

    @Suspendable
    static void sleeper(String name, List<String> log, long millis) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            Thread.sleep(millis);
            log.add(name + i);
        }
    }

    @Test
    void greenletsCallingThreadSleepInterleaveAndTheHubRunsOthersMeanwhile() throws Throwable {
        onOwnThread(() -> {
            List<String> log = new ArrayList<>();
            SpawnedGreenlet<?> a = Hub.spawn(() -> sleeper("a", log, 50));
            SpawnedGreenlet<?> b = Hub.spawn(() -> sleeper("b", log, 50));
            SpawnedGreenlet<?> ticker = Hub.spawn(() -> {
                while (!a.isReady() || !b.isReady()) {
                    log.add("tick");
                    Hub.sleep(1);
                }
            });
            Hub.joinAll(a, b, ticker);
            List<String> sleepers = new ArrayList<>(log);
            sleepers.removeIf("tick"::equals);
            // a thread's sleep would give a0 a1 a2 b0 b1 b2
            assertEquals(List.of("a0", "b0", "a1", "b1", "a2", "b2"), sleepers);
            assertTrue(log.subList(log.indexOf("a0"), log.indexOf("a1")).contains("tick"),
                    "another greenlet ran while they slept: " + log);
        });
    }

    @Suspendable
    static void napWithNanos(List<String> log) throws InterruptedException {
        log.add("nap");
        Thread.sleep(5, 500_000);
        log.add("woke");
    }

    @Test
    void theSleepWithNanosIsCooperativeToo() throws Throwable {
        onOwnThread(() -> {
            List<String> log = new ArrayList<>();
            Hub.joinAll(Hub.spawn(() -> napWithNanos(log)), Hub.spawn(() -> log.add("other")));
            assertEquals(List.of("nap", "other", "woke"), log);
            SpawnedGreenlet<?> bad = Hub.spawn(() -> Thread.sleep(1, 1_000_000));
            HubThreadsTest.capturingErr(bad::join);
            assertEquals("nanosecond timeout value out of range", bad.exception().getMessage());
        });
    }

    @Test
    void theDurationSleepOfJava19IsCooperativeToo() throws Throwable {
        assumeTrue(Runtime.version().feature() >= 19, "Thread.sleep(Duration) came in Java 19");
        SuspendableRunnable napper = (SuspendableRunnable) new GeneratedClasses.BytesLoader()
                .define("gen.DurationNapper", durationNapper()).getConstructor().newInstance();
        // plain code: Thread.sleep(Duration) itself, interrupt included
        napper.run();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, napper::run);
        assertFalse(Thread.interrupted());
        onOwnThread(() -> {
            List<String> log = new ArrayList<>();
            SpawnedGreenlet<?> a = Hub.spawn(() -> {
                log.add("nap");
                napper.run();
                log.add("woke");
            });
            Hub.joinAll(a, Hub.spawn(() -> log.add("other")));
            assertEquals(List.of("nap", "other", "woke"), log);
        });
    }

    /**
     * A {@code SuspendableRunnable} whose {@code run()} calls {@code Thread.sleep(Duration.ofMillis(5))}:
     * generated, since this module compiles for Java 17, where that method does not exist.
     */
    private static byte[] durationNapper() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/DurationNapper", null, "java/lang/Object",
                new String[] {"dev/weft/SuspendableRunnable"});
        GeneratedClasses.objectConstructor(cw);
        MethodVisitor run = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "()V", null, new String[] {"java/lang/Exception"});
        run.visitCode();
        run.visitLdcInsn(5L);
        run.visitMethodInsn(Opcodes.INVOKESTATIC, "java/time/Duration", "ofMillis", "(J)Ljava/time/Duration;", false);
        run.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Thread", "sleep", "(Ljava/time/Duration;)V", false);
        run.visitInsn(Opcodes.RETURN);
        run.visitMaxs(0, 0);
        run.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void theThreadSleepsInPlainCodeAndInABodyThatCannotSuspendTheGreenletSleepsInAGeneratorBody() throws Throwable {
        onOwnThread(() -> {
            List<String> log = new ArrayList<>();
            SpawnedGreenlet<?> spawned = Hub.spawn(() -> log.add("spawned"));
            sleeper("plain", log, 1); // plain code: the hub does not run meanwhile
            assertEquals(List.of("plain0", "plain1", "plain2"), log);
            spawned.join();
            SpawnedGreenlet<Integer> iterating = Hub.spawn(() -> {
                int sum = 0;
                for (int x : Generator.<Integer>of(() -> {
                    for (int i = 1; i <= 3; i++) {
                        sleeper("gen", log, 1); // inside a generator body: sleeps with the greenlet
                        Generator.yield(i);
                    }
                })) {
                    sum += x;
                }
                return sum;
            });
            assertEquals(6, iterating.get());
            assertEquals(9, log.stream().filter(s -> s.startsWith("gen")).count());
            // napWithNanos in a generator body iterated by a stream, which cannot suspend: the thread sleeps
            List<String> naps = new ArrayList<>();
            SpawnedGreenlet<Long> streamed = Hub.spawn(() -> Generator.<Integer>of(() -> {
                napWithNanos(naps);
                Generator.yield(1);
                napWithNanos(naps);
                Generator.yield(2);
            }).stream().count());
            Hub.joinAll(streamed, Hub.spawn(() -> naps.add("other")));
            assertEquals(2L, streamed.get());
            assertEquals(List.of("nap", "woke", "nap", "woke", "other"), naps, "the hub did not run during the naps");
        });
    }

    @Test
    void interruptsAndBadArgumentsAreThoseOfThreadSleep() throws Throwable {
        onOwnThread(() -> {
            // plain code: Thread.sleep itself
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> sleeper("x", new ArrayList<>(), 1));
            assertFalse(Thread.interrupted(), "the status is cleared");
            // in a greenlet: the same
            SpawnedGreenlet<Throwable> g = Hub.spawn(() -> {
                Thread.currentThread().interrupt();
                try {
                    sleeper("x", new ArrayList<>(), 1);
                    return null;
                } catch (InterruptedException e) {
                    return Thread.interrupted() ? new AssertionError("status not cleared") : e;
                }
            });
            assertTrue(g.get() instanceof InterruptedException, String.valueOf(g.get()));
            SpawnedGreenlet<?> negative = Hub.spawn(() -> sleeper("x", new ArrayList<>(), -1));
            HubThreadsTest.capturingErr(negative::join);
            assertTrue(negative.exception() instanceof IllegalArgumentException, String.valueOf(negative.exception()));
            assertEquals("timeout value is negative", negative.exception().getMessage());
        });
    }

    @Test
    void inHubGreenletIsTrueOnlyInTheHubsGreenletsAndTheBodiesTheyDrive() throws Throwable {
        onOwnThread(() -> {
            assertFalse(Hub.inHubGreenlet(), "plain code");
            assertTrue(Hub.spawn(Hub::inHubGreenlet).get());
            assertTrue(Hub.spawn(() -> Hub.spawn(Hub::inHubGreenlet).get()).get(), "spawned by a greenlet");
            AsyncResult<Boolean> inCallback = new AsyncResult<>();
            Hub.current().submit(() -> inCallback.set(Hub.inHubGreenlet()));
            assertFalse(inCallback.get(), "the hub's own greenlet");
            assertTrue(Hub.spawn(() -> Generator.<Boolean>of(() -> Generator.yield(Hub.inHubGreenlet()))
                    .iterator().next()).get(), "a generator body that the greenlet drives");
        });
    }

    @Test
    void withSleepThreadEveryThreadSleepBlocks() throws Exception {
        String agent = System.getProperty("weft.agent.jar");
        assumeTrue(agent != null && Files.isRegularFile(Path.of(agent)),
                "needs the agent jar, which Maven passes as system property weft.agent.jar (found: " + agent + ")");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-javaagent:" + agent + "=sleep=thread",
                "-cp", System.getProperty("java.class.path"), SleepProgram.class.getName());
        Path out = Files.createTempFile("weft-sleep", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean finished = p.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertTrue(finished, "the program did not finish: " + output);
            assertEquals(0, p.exitValue(), output);
            assertEquals("[a0, a1, a2, b0, b1, b2]", output.strip(), "each sleep blocked the thread");
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Run by {@link #withSleepThreadEveryThreadSleepBlocks} in a JVM whose agent has {@code sleep=thread}. */
    public static final class SleepProgram {
        private SleepProgram() {
        }

        /**
         * Prints the order in which two sleeping greenlets went.
         *
         * @param args unused
         */
        public static void main(String[] args) {
            List<String> log = new ArrayList<>();
            Hub.joinAll(Hub.spawn(() -> sleeper("a", log, 5)), Hub.spawn(() -> sleeper("b", log, 5)));
            System.out.println(log);
        }
    }
}
