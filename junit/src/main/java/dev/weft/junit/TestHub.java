package dev.weft.junit;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.internal.HubHooks;
import dev.weft.internal.MonitorReports;
import dev.weft.internal.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One test's thread and hub: everything of the test ({@code @BeforeEach}, the test, {@code @AfterEach})
 * runs on this thread, and the hub it creates records what the test spawns and what fails.
 *
 * <p>The records are written on the test's thread and read on JUnit's after a task has finished;
 * {@link Future#get()} orders the two.
 */
final class TestHub implements HubHooks.Observer, AutoCloseable {
    /** Where each greenlet was spawned, in spawn order. */
    private final Map<SpawnedGreenlet<?>, String> spawned = new LinkedHashMap<>();
    /** Failed greenlets whose exception nobody has looked at yet, in order of failure. */
    private final Map<SpawnedGreenlet<?>, Throwable> failures = new LinkedHashMap<>();
    /** Link callbacks that threw since the last check, as the hub named them, in order of failure. */
    private final List<Map.Entry<String, Throwable>> callbackFailures = new ArrayList<>();
    private final VirtualClock clock;
    /** The monitor's reports of a greenlet of this test's thread that ran too long without switching. */
    private final Queue<MonitorReports.Report> blocked = new ConcurrentLinkedQueue<>();
    private final AutoCloseable monitorSubscription;
    private volatile Thread testThread;
    /** The greenlets that ran the test's {@code @Suspendable} methods, to name in the monitor's reports. */
    private final Set<Greenlet> own = ConcurrentHashMap.newKeySet();
    /** The size of {@link #spawned} at which finished greenlets are dropped from it. */
    private int sweepAt = 1024;
    private final ExecutorService thread;

    TestHub(String name, boolean virtualTime) {
        // Any start would do, since only differences count; 0 keeps virtual readings easy to read.
        this.clock = virtualTime ? new VirtualClock(0) : null;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                HubHooks.bind(this);
                r.run();
            }, "weft-test: " + name);
            t.setDaemon(true);
            testThread = t;
            return t;
        });
        this.monitorSubscription = MonitorReports.listen(report -> {
            if (report.thread() == testThread) {
                blocked.add(report);
            }
        });
    }

    /** The test's hub, created on the test's thread on first use. */
    Hub hub() throws Throwable {
        return call(Hub::current);
    }

    /** Runs {@code task} on the test's thread and returns its result or rethrows its exception. */
    <T> T call(Task<T> task) throws Throwable {
        Future<T> f = thread.submit(() -> {
            try {
                return task.run();
            } catch (Throwable t) {
                throw new ExecutionException(t);
            }
        });
        try {
            return f.get();
        } catch (ExecutionException e) {
            // the executor's ExecutionException wraps the task's, which wraps what the task threw
            throw e.getCause().getCause();
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }

    /**
     * Runs a {@code @Suspendable} method as a greenlet on the test's hub until it returns, and
     * rethrows what it threw.
     */
    void runAsGreenlet(TestBody body) throws Throwable {
        call(() -> {
            SpawnedGreenlet<Void> g = Hub.spawn(body);
            spawned.remove(g); // the test's own greenlet: its outcome is the test's outcome
            g.join();
            if (body.greenlet != null) {
                own.add(body.greenlet);
            }
            return null;
        });
        body.rethrow();
    }

    /**
     * How long a greenlet left running at a check may take to end once killed (its {@code finally}
     * blocks may still wait, for a socket to close, say), after which the test fails without waiting.
     */
    static final Duration KILL_LIMIT = Duration.ofSeconds(10);

    /** Greenlets spawned since the test began, in spawn order. */
    List<SpawnedGreenlet<?>> spawnedSoFar() {
        return new ArrayList<>(spawned.keySet());
    }

    /**
     * Kills the greenlets among {@code candidates} that are still running and returns the failure that
     * names them, the greenlets whose exception nobody looked at and the link callbacks that threw, if
     * any; forgets what it reported.
     *
     * @param when the moment checked, for the message ("at its end")
     */
    Optional<AssertionError> check(List<SpawnedGreenlet<?>> candidates, String when) throws Throwable {
        List<String> leaks = new ArrayList<>();
        List<SpawnedGreenlet<?>> running = new ArrayList<>();
        for (SpawnedGreenlet<?> g : candidates) {
            if (!g.isReady()) {
                running.add(g);
                leaks.add(describe(g));
            }
        }
        List<SpawnedGreenlet<?>> stubborn = List.of();
        if (!running.isEmpty()) {
            // bounded: a greenlet that ignores its kill must not hang the test run
            stubborn = call(() -> Hub.killAll(KILL_LIMIT, running.toArray(new SpawnedGreenlet<?>[0])));
        }
        List<String> lines = new ArrayList<>();
        if (!leaks.isEmpty()) {
            lines.add(count(leaks.size(), "greenlet") + " spawned by the test " + (leaks.size() == 1 ? "was" : "were")
                    + " still running " + when + " (killed now):");
            for (int i = 0; i < leaks.size(); i++) {
                lines.add("  " + leaks.get(i) + (stubborn.contains(running.get(i))
                        ? " (it ignored its kill for " + KILL_LIMIT.toSeconds() + " s and still runs)" : ""));
            }
        }
        Throwable first = null;
        List<Throwable> more = new ArrayList<>();
        if (!failures.isEmpty()) {
            lines.add(count(failures.size(), "exception") + " escaped greenlets of the test, and nobody looked at "
                    + (failures.size() == 1 ? "it" : "them") + " with get() or exception():");
            for (Map.Entry<SpawnedGreenlet<?>, Throwable> f : failures.entrySet()) {
                lines.add("  " + describe(f.getKey()) + ": " + f.getValue());
                if (first == null) {
                    first = f.getValue();
                } else {
                    more.add(f.getValue());
                }
            }
            failures.clear();
        }
        if (!callbackFailures.isEmpty()) {
            lines.add(count(callbackFailures.size(), "callback") + " linked by the test threw (the hub printed "
                    + (callbackFailures.size() == 1 ? "it" : "them") + " and went on; a callback must catch what "
                    + "it cannot let fail):");
            for (Map.Entry<String, Throwable> f : callbackFailures) {
                lines.add("  " + f.getKey() + ": " + f.getValue());
                if (first == null) {
                    first = f.getValue();
                } else {
                    more.add(f.getValue());
                }
            }
            callbackFailures.clear();
        }
        for (MonitorReports.Report r; (r = blocked.poll()) != null; ) {
            String where = SpawnSite.firstOfUser(r.stack());
            lines.add("the hub was blocked: " + (own.contains(r.greenlet()) ? "the test's greenlet" : "a greenlet")
                    + " ran " + r.millis() + " ms without switching, holding up every other greenlet"
                    + (where == null ? "" : ", at " + where));
        }
        candidates.forEach(spawned::remove);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        AssertionError error = new AssertionError(String.join("\n", lines), first);
        more.forEach(error::addSuppressed);
        return Optional.of(error);
    }

    private String describe(SpawnedGreenlet<?> g) {
        return "greenlet spawned at " + spawned.getOrDefault(g, "an unknown place");
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Work for the test's thread. */
    interface Task<T> {
        /** Does the work. */
        T run() throws Throwable;
    }

    @Override
    public void spawned(SpawnedGreenlet<?> greenlet) {
        if (spawned.size() >= sweepAt) {
            // a test that spawns many greenlets need not keep the finished ones
            spawned.keySet().removeIf(SpawnedGreenlet::isReady);
            sweepAt = Math.max(1024, 2 * spawned.size());
        }
        spawned.put(greenlet, SpawnSite.ofCaller());
    }

    @Override
    public void failed(SpawnedGreenlet<?> greenlet, Throwable exception) {
        failures.put(greenlet, exception);
    }

    @Override
    public void observed(SpawnedGreenlet<?> greenlet) {
        failures.remove(greenlet);
    }

    @Override
    public void callbackFailed(String description, Throwable exception) {
        callbackFailures.add(Map.entry(description, exception));
    }

    @Override
    public VirtualClock clock() {
        return clock;
    }

    /** Ends the test's thread; a task still running on it (a test that hangs) is interrupted. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            monitorSubscription.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
