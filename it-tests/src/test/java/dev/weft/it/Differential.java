package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.CoroutineException;
import dev.weft.SuspendableCallable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The differential harness: runs a fixture as plain code, then as a coroutine suspended at every
 * {@link Probe} point, all on one thread and then resumed on two threads in turn, and asserts that the
 * three runs are indistinguishable.
 *
 * <p>Every run happens on the harness's own threads, which have a large stack, so that deep recursion
 * fixtures behave alike in all three modes. Steps are handed over with {@link Future#get}, which also
 * orders the memory effects of one step before the next.
 */
final class Differential {
    private static final long STACK_SIZE = 512L << 20;
    private static final ExecutorService FIRST = Executors.newSingleThreadExecutor(threads("weft-it-a"));
    private static final ExecutorService SECOND = Executors.newSingleThreadExecutor(threads("weft-it-b"));

    private Differential() {
    }

    /** What one run of a fixture showed. */
    static final class Run {
        final String mode;
        final String outcome;
        final List<String> events;
        final List<String> points;
        final List<Object> yields;

        Run(String mode, String outcome, Probe.Trace trace, List<Object> yields) {
            this.mode = mode;
            this.outcome = outcome;
            this.events = List.copyOf(trace.events);
            this.points = List.copyOf(trace.points);
            this.yields = yields;
        }
    }

    /**
     * Runs the fixture in the three modes, asserts they agree and that it suspended at least once.
     *
     * @return the plain run, for the test to check against hand-computed values
     */
    static Run check(SuspendableCallable<?> fixture) {
        Run plain = compare(fixture);
        assertFalse(plain.points.isEmpty(), "the fixture has no suspension point: it tests nothing");
        return plain;
    }

    /** Runs the fixture in the three modes and asserts they agree; it need not suspend. */
    static Run compare(SuspendableCallable<?> fixture) {
        Run plain = plain(fixture);
        Run oneThread = coroutine(fixture, false);
        Run twoThreads = coroutine(fixture, true);
        for (Run co : List.of(oneThread, twoThreads)) {
            assertEquals(plain.outcome, co.outcome, co.mode + ": outcome differs from the plain run");
            assertEquals(plain.events, co.events, co.mode + ": trace differs from the plain run");
            assertEquals(plain.points, co.yields, co.mode + ": yielded values differ from the points the plain run passed");
            assertEquals(plain.points.size(), co.yields.size(), co.mode + ": number of suspensions");
        }
        return plain;
    }

    /** Runs the fixture as plain code, outside any coroutine. */
    static Run plain(SuspendableCallable<?> fixture) {
        Probe.Trace trace = Probe.install(false);
        String outcome = await(FIRST.submit(() -> {
            try {
                return "returned " + Probe.describe(fixture.call());
            } catch (Throwable t) {
                return describeThrown(t);
            }
        }));
        return new Run("plain", outcome, trace, List.of());
    }

    /** Runs the fixture as a coroutine to the end, on one thread or alternating between two. */
    static Run coroutine(SuspendableCallable<?> fixture, boolean alternate) {
        Probe.Trace trace = Probe.install(true);
        Object[] result = new Object[1];
        Coroutine<Object, Object> co = Coroutine.of(() -> result[0] = fixture.call());
        List<Object> yields = new ArrayList<>();
        String outcome = null;
        for (int step = 0; outcome == null; step++) {
            ExecutorService thread = alternate && step % 2 == 1 ? SECOND : FIRST;
            Future<Object> f = thread.submit(() -> {
                try {
                    Object y = co.next();
                    return co.isDone() ? new Finished("returned " + Probe.describe(result[0])) : y;
                } catch (Throwable t) {
                    assertTrue(co.isDone(), "a coroutine that threw must be done");
                    return new Finished(describeThrown(t instanceof CoroutineException ? t.getCause() : t));
                }
            });
            Object y = await(f);
            if (y instanceof Finished) {
                outcome = ((Finished) y).outcome;
            } else {
                yields.add(y);
            }
        }
        return new Run(alternate ? "coroutine on two threads" : "coroutine on one thread", outcome, trace, yields);
    }

    private static final class Finished {
        final String outcome;

        Finished(String outcome) {
            this.outcome = outcome;
        }
    }

    private static String describeThrown(Throwable t) {
        return "threw " + t.getClass().getName() + ": " + t.getMessage();
    }

    /** Runs a task on a harness thread (large stack) and returns its result. */
    static <T> T onBigStack(Callable<T> task) {
        return await(FIRST.submit(task));
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException) {
                throw (RuntimeException) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw new AssertionError(cause);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the fixture did not finish: " + e, e);
        }
    }

    private static java.util.concurrent.ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), STACK_SIZE);
            t.setDaemon(true);
            return t;
        };
    }
}
