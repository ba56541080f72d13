package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Generator;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A generator's or coroutine's body closes, when it ends (returns, throws, or is closed), the
 * generators and coroutines it started and left unfinished, the latest started first, each in turn
 * closing its own: on a close, innermost first (before the body's own {@code finally} blocks, as
 * Python's unwinding frees a loop's generator), and after them when the body returns or throws. What their {@code finally}
 * blocks throw is kept; a generator the body only created and handed out is left alone.
 *
 * <p>Not a {@code @WeftTest}: the first of those in a JVM turns verification on for every test after
 * it, and this class's plain hub does what the tests with a hub need.
 */
class StartedGeneratorsCloseTest {
    private final List<String> log = new ArrayList<>();

    /** The lines of a pretend file: 1, 2, 3, ..., until it is closed; logs when it opens and closes. */
    private Generator<Integer> reader(String name) {
        return reader(name, 0);
    }

    /** {@link #reader(String)} on a slow disk: its greenlet sleeps {@code millis} before each line. */
    private Generator<Integer> reader(String name, long millis) {
        return Generator.of(() -> {
            log.add(name + " opened");
            try {
                for (int i = 1; ; i++) {
                    if (millis > 0) {
                        Hub.sleep(millis);
                    }
                    Generator.yield(i);
                }
            } finally {
                log.add(name + " closed");
            }
        });
    }

    /** A stage of a pipeline: each element of {@code in} times ten, logging when its body ends. */
    private Generator<Integer> stage(String name, Generator<Integer> in) {
        return Generator.of(() -> {
            try {
                for (int x : in) {
                    Generator.yield(x * 10);
                }
            } finally {
                log.add(name + " closed");
            }
        });
    }

    /** Yields 1 and 2; its finally block logs, then throws. */
    private Generator<Integer> failingOnClose() {
        return Generator.of(() -> {
            try {
                Generator.yield(1);
                Generator.yield(2);
            } finally {
                log.add("inner closed");
                throw new IllegalStateException("inner's finally failed");
            }
        });
    }

    private static <T> List<T> take(Iterator<T> it, int n) {
        List<T> got = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            got.add(it.next());
        }
        return got;
    }

    @Test
    void aThreeStagePipelineClosedAtItsOuterEndClosesEveryStage() {
        Generator<Integer> outer = stage("outer", stage("middle", reader("source")));
        assertEquals(List.of(100, 200), take(outer.iterator(), 2));
        outer.close();
        assertEquals(List.of("source opened", "source closed", "middle closed", "outer closed"), log,
                "innermost first: the generators a body started, then the body's own finally");
        assertFalse(outer.iterator().hasNext());
    }

    @Test
    void tryWithResourcesClosesThePipeline() {
        try (Generator<Integer> outer = stage("outer", stage("middle", reader("source")))) {
            assertEquals(List.of(100), take(outer.iterator(), 1));
        }
        assertEquals(List.of("source opened", "source closed", "middle closed", "outer closed"), log);
    }

    @Test
    void closingTwiceIsHarmless() {
        Generator<Integer> outer = stage("outer", reader("source"));
        take(outer.iterator(), 1);
        outer.close();
        outer.close();
        assertEquals(List.of("source opened", "source closed", "outer closed"), log);
    }

    @Test
    void aBodyThatReturnsClosesTheGeneratorItLeftUnfinished() {
        Generator<Integer> source = reader("source");
        Generator<Integer> firstTwo = Generator.of(() -> {
            for (int x : source) {
                if (x > 2) {
                    break;
                }
                Generator.yield(x);
            }
            log.add("firstTwo returns");
        });
        List<Integer> got = new ArrayList<>();
        for (int x : firstTwo) {
            got.add(x);
        }
        assertEquals(List.of(1, 2), got);
        assertEquals(List.of("source opened", "firstTwo returns", "source closed"), log);
        assertFalse(source.iterator().hasNext(), "the source is finished");
    }

    @Test
    void aBodyThatThrowsClosesItsInnerGeneratorsAndKeepsWhatTheirFinallyThrows() {
        Generator<Integer> failing = Generator.of(() -> {
            log.add("inner opened");
            try {
                Generator.yield(1);
                Generator.yield(2);
            } finally {
                log.add("inner closed");
                throw new IllegalStateException("inner's finally failed");
            }
        });
        Generator<Integer> outer = Generator.of(() -> {
            for (int x : failing) {
                throw new IllegalArgumentException("outer failed at " + x);
            }
        });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> outer.iterator().hasNext());
        assertEquals("outer failed at 1", e.getMessage());
        assertEquals(1, e.getSuppressed().length, "the inner finally's exception is kept");
        assertEquals("inner's finally failed", e.getSuppressed()[0].getMessage());
        assertEquals(List.of("inner opened", "inner closed"), log);
    }

    @Test
    void whatAnInnerFinallyThrowsComesOutOfClose() {
        Generator<Integer> failing = failingOnClose();
        Generator<Integer> outer = stage("outer", failing);
        take(outer.iterator(), 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertEquals("inner's finally failed", e.getMessage());
        assertEquals(List.of("inner closed", "outer closed"), log, "innermost first");
        outer.close();
    }

    @Test
    void anInnerFinallyThrowingAfterTheBodyReturnedComesOutOfHasNext() {
        Generator<Integer> failing = failingOnClose();
        Generator<Integer> outer = Generator.of(() -> Generator.yield(failing.iterator().next()));
        Iterator<Integer> it = outer.iterator();
        assertEquals(1, it.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, it::hasNext);
        assertEquals("inner's finally failed", e.getMessage());
        assertFalse(it.hasNext(), "the outer generator is finished");
    }

    @Test
    void aGeneratorHandedOutUnstartedIsNotClosed() {
        // a body that makes generators for its caller, and ends before they are used
        Generator<Generator<Integer>> sources = Generator.of(() -> {
            Generator.yield(reader("a"));
            Generator.yield(reader("b"));
        });
        List<Generator<Integer>> handedOut = new ArrayList<>();
        for (Generator<Integer> g : sources) {
            handedOut.add(g);
        }
        assertEquals(List.of(), log, "none started yet");
        assertEquals(List.of(1, 2), take(handedOut.get(0).iterator(), 2));
        assertEquals(List.of(1), take(handedOut.get(1).iterator(), 1));
        assertEquals(List.of("a opened", "b opened"), log, "both go on after the body that made them ended");
    }

    @Test
    void aGeneratorStartedByTheCallerIsNotClosedByTheBodyThatGoesOnWithIt() {
        Generator<Integer> source = reader("source");
        Iterator<Integer> lines = source.iterator();
        assertEquals(1, lines.next()); // the caller reads a header itself
        Generator<Integer> rest = Generator.of(() -> Generator.yield(lines.next()));
        assertEquals(List.of(2), take(rest.iterator(), 1));
        rest.close();
        assertEquals(List.of("source opened"), log, "the caller started it: the caller's to close");
        assertEquals(3, lines.next());
        source.close();
        assertEquals(List.of("source opened", "source closed"), log);
    }

    @Test
    void onlyTheUnfinishedOnesAreClosedTheLatestStartedFirst() {
        Generator<Integer> outer = Generator.of(() -> {
            // many run to their end, which the body's list drops as it grows
            for (int i = 0; i < 100; i++) {
                for (int x : Generator.<Integer>of(() -> Generator.yield(7))) {
                    assertEquals(7, x);
                }
            }
            Iterator<Integer> a = reader("a").iterator();
            Iterator<Integer> b = reader("b").iterator();
            Iterator<Integer> c = reader("c").iterator();
            a.next();
            c.next();
            b.next();
            for (int i = 0; i < 50; i++) {
                Generator.<Integer>of(() -> Generator.yield(8)).iterator().next();
            }
            Generator.yield(a.next() + b.next() + c.next());
        });
        assertEquals(List.of(6), take(outer.iterator(), 1));
        log.clear();
        outer.close();
        assertEquals(List.of("b closed", "c closed", "a closed"), log, "the latest started first: b, c, a");
    }

    @Test
    void aCoroutineClosesTheGeneratorsItStartedAndAGeneratorTheCoroutines() {
        Coroutine<Integer, Integer> adder = Coroutine.of(() -> {
            try {
                int sum = 0;
                for (int x : reader("numbers")) {
                    sum += x * Coroutine.<Integer>yield(sum);
                }
            } finally {
                log.add("adder closed");
            }
        });
        try (adder) {
            assertEquals(0, adder.next());
            assertEquals(10, adder.send(10));
        }
        assertEquals(List.of("numbers opened", "numbers closed", "adder closed"), log);

        log.clear();
        Coroutine<Object, String> echo = Coroutine.of(() -> {
            try {
                Object in = Coroutine.yield("ready");
                while (true) {
                    in = Coroutine.yield("echo " + in);
                }
            } finally {
                log.add("echo closed");
            }
        });
        Generator<String> driving = Generator.of(() -> {
            Generator.yield(echo.next());
            Generator.yield(echo.send("x"));
        });
        Iterator<String> it = driving.iterator();
        assertEquals("ready", it.next());
        assertEquals("echo x", it.next());
        assertFalse(it.hasNext());
        assertEquals(List.of("echo closed"), log, "the generator's body returned: the coroutine it started is closed");
        assertTrue(echo.isDone());
    }

    @Test
    void aPipelineAGreenletDrivesWhileItsSourceSleepsIsClosedWhenTheGreenletLeavesItEarly() {
        Hub hub = Hub.current();
        long start = hub.nanoTime();
        Generator<Integer> slowSource = reader("source", 10);
        SpawnedGreenlet<List<Integer>> consumer = Hub.spawn(() -> {
            List<Integer> got = new ArrayList<>();
            try (Generator<Integer> outer = stage("outer", stage("middle", slowSource))) {
                for (int x : outer) {
                    got.add(x);
                    if (got.size() == 3) {
                        break;
                    }
                }
            }
            log.add("consumer done");
            return got;
        });
        SpawnedGreenlet<?> other = Hub.spawn(() -> {
            Hub.sleep(15);
            log.add("other ran");
        });
        assertEquals(List.of(100, 200, 300), consumer.get());
        other.join();
        assertEquals(List.of("source opened", "other ran", "source closed", "middle closed", "outer closed", "consumer done"), log);
        assertTrue(hub.nanoTime() - start >= Duration.ofMillis(30).toNanos(), "three sleeps of the source");
    }

    @Test
    void aGreenletKilledWhileTheSourceSleepsClosesThePipelineThroughTheKill() {
        Generator<Integer> slowSource = reader("source", 10);
        Generator<Integer> outer = stage("outer", stage("middle", slowSource));
        SpawnedGreenlet<?> consumer = Hub.spawn(() -> {
            for (int x : outer) {
                log.add("got " + x);
            }
        });
        Hub.sleep(15);
        consumer.kill();
        consumer.join();
        assertTrue(consumer.isDead());
        assertEquals(List.of("source opened", "got 100", "source closed", "middle closed", "outer closed"), log,
                "the kill is raised at the source's sleep and unwinds the bodies from the inside out");
    }
}
