package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.CoroutineException;
import dev.weft.SuspendableRunnable;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fixture round-trip: every fixture class is woven in-process, checked with ASM's
 * {@code CheckClassAdapter}, loaded, and run three ways whose traces must agree: un-woven as plain
 * code (the reference), woven as plain code, and woven inside a coroutine that suspends at every
 * suspension point.
 *
 * <p>A fixture is a public top-level class of {@code dev.weft.agent.fixtures} implementing
 * {@link SuspendableRunnable}; it records what it does with {@link Trace} and suspends through
 * {@code fixtures.Point.here}, which yields the value passing through when driven (the driver sends
 * it back). Fixtures that cannot run without weaving state their trace with {@link Expect}.
 */
class FixtureRoundTripTest {
    private static final int MAX_SUSPENSIONS = 100_000;

    static Stream<String> allFixtures() throws IOException, URISyntaxException {
        URL dir = FixtureRoundTripTest.class.getClassLoader().getResource("dev/weft/agent/fixtures");
        assertNotNull(dir, "fixtures package on the test classpath");
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(dir.toURI()))) {
            for (Path f : files.collect(Collectors.toList())) {
                String file = f.getFileName().toString();
                if (!file.endsWith(".class") || file.contains("$")) {
                    continue;
                }
                String name = WeavingLoader.FIXTURES + file.substring(0, file.length() - ".class".length());
                Class<?> c;
                try {
                    c = Class.forName(name, false, FixtureRoundTripTest.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
                if (SuspendableRunnable.class.isAssignableFrom(c) && !Modifier.isAbstract(c.getModifiers())) {
                    names.add(c.getSimpleName());
                }
            }
        }
        names.sort(null);
        assertTrue(names.size() >= 15, "fixtures found: " + names);
        return names.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allFixtures")
    void wovenFixtureBehavesAsPlainOneWhenSuspendedAtEveryPoint(String simpleName) throws Exception {
        String name = WeavingLoader.FIXTURES + simpleName;
        ClassLoader testLoader = FixtureRoundTripTest.class.getClassLoader();
        WeavingLoader weaving = new WeavingLoader(testLoader);
        Class<?> plainClass = Class.forName(name, true, testLoader);
        Class<?> wovenClass = Class.forName(name, true, weaving);
        assertEquals(weaving, wovenClass.getClassLoader(), "the fixture is defined by the weaving loader");
        assertTrue(weaving.woven.containsKey(name), simpleName + " was woven");

        Expect expect = plainClass.getAnnotation(Expect.class);
        List<String> reference = expect != null ? List.of(expect.value()) : runPlain(plainClass);
        assertTrue(reference.stream().anyMatch(e -> e.startsWith("@")), simpleName + " passes a suspension point: " + reference);

        List<String> wovenPlain = runPlain(wovenClass);
        assertEquals(reference, wovenPlain, simpleName + " woven, run as plain code");

        Trace.start(true);
        int suspensions = drive(newInstance(wovenClass));
        int points = Trace.points();
        List<String> driven = Trace.finish();
        assertEquals(reference, driven, simpleName + " woven, suspended at every point");
        assertEquals(points, suspensions, simpleName + " suspended once at each suspension point");

        assertEquals(List.of(), weaving.report(), "CheckClassAdapter on every woven class");
        weaving.refusals.forEach((c, refused) -> refused.forEach(r -> assertTrue(
                r.startsWith(c + ".") && r.contains(" line ") && r.contains("Fix: "),
                "a refusal names the method, the line and the fix: " + r)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allFixtures")
    void wovenFixtureResumedOnAlternatingThreadsBehavesAsPlainOne(String simpleName) throws Exception {
        String name = WeavingLoader.FIXTURES + simpleName;
        ClassLoader testLoader = FixtureRoundTripTest.class.getClassLoader();
        Class<?> plainClass = Class.forName(name, true, testLoader);
        Expect expect = plainClass.getAnnotation(Expect.class);
        List<String> reference = expect != null ? List.of(expect.value()) : runPlain(plainClass);

        Class<?> wovenClass = Class.forName(name, true, new WeavingLoader(testLoader));
        ExecutorService[] threads = {Executors.newSingleThreadExecutor(), Executors.newSingleThreadExecutor()};
        try {
            Trace.start(true);
            Coroutine<Object, Object> c = Coroutine.of(newInstance(wovenClass));
            int suspensions = 0;
            try {
                Object y = threads[0].submit(c::next).get();
                while (!c.isDone()) {
                    suspensions++;
                    Object sent = y;
                    y = threads[suspensions % 2].submit(() -> c.send(sent)).get();
                }
            } catch (ExecutionException e) {
                Throwable t = e.getCause() instanceof CoroutineException ? e.getCause().getCause() : e.getCause();
                Trace.record("threw " + t);
            }
            int points = Trace.points();
            assertEquals(reference, Trace.finish(), simpleName + " resumed on alternating threads");
            assertEquals(points, suspensions);
        } finally {
            for (ExecutorService t : threads) {
                t.shutdownNow();
            }
        }
    }

    private static List<String> runPlain(Class<?> fixture) throws ReflectiveOperationException {
        Trace.start(false);
        SuspendableRunnable body = newInstance(fixture);
        try {
            body.run();
        } catch (Exception e) {
            Trace.record("threw " + e);
        }
        return Trace.finish();
    }

    /** Runs the body as a coroutine, sending each yielded value back; returns how often it suspended. */
    private static int drive(SuspendableRunnable body) {
        Coroutine<Object, Object> c = Coroutine.of(body);
        int suspensions = 0;
        try {
            Object y = c.next();
            while (!c.isDone()) {
                suspensions++;
                assertTrue(suspensions < MAX_SUSPENSIONS, "the coroutine keeps suspending");
                y = c.send(y);
            }
        } catch (CoroutineException e) {
            Trace.record("threw " + e.getCause());
        } catch (RuntimeException e) {
            Trace.record("threw " + e);
        }
        return suspensions;
    }

    private static SuspendableRunnable newInstance(Class<?> c) throws ReflectiveOperationException {
        return (SuspendableRunnable) c.getConstructor().newInstance();
    }
}
