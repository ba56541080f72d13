package dev.weft.it;

import static dev.weft.it.HubThreadsTest.capturingErr;
import static dev.weft.it.HubThreadsTest.count;
import static dev.weft.it.HubThreadsTest.onOwnThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.internal.MonitorReports;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The monitor thread: a greenlet that runs too long without switching is reported once, with its stack.
 */
class HubMonitorTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    @Timeout(60)
    void theMonitorReportsAGreenletThatRunsTooLongWithoutSwitchingOnceWithItsStack() throws Throwable {
        onOwnThread(() -> {
            List<MonitorReports.Report> reports = new CopyOnWriteArrayList<>();
            AtomicReference<Greenlet> spinner = new AtomicReference<>();
            AtomicReference<String> name = new AtomicReference<>();
            String err;
            try (AutoCloseable listening = MonitorReports.listen(r -> {
                if (r.greenlet() == spinner.get()) {
                    reports.add(r);
                }
            })) {
                err = capturingErr(() -> {
                    SpawnedGreenlet<?> g = Hub.spawn(() -> {
                        name.set(Greenlet.current().toString());
                        spinner.set(Greenlet.current());
                        spin(reports);
                    });
                    SpawnedGreenlet<?> other = Hub.spawn(() -> log.add("other ran after"));
                    Hub.joinAll(g, other);
                });
            }
            assertEquals(1, reports.size(), "one report for one long run: " + reports);
            MonitorReports.Report r = reports.get(0);
            assertSame(Thread.currentThread(), r.thread());
            assertTrue(r.millis() >= 100, "ran " + r.millis() + " ms");
            boolean spinFrame = false;
            for (StackTraceElement e : r.stack()) {
                spinFrame |= e.getClassName().equals(HubMonitorTest.class.getName()) && e.getMethodName().equals("spin");
            }
            assertTrue(spinFrame, "the spinning method is on the reported stack");
            assertEquals(1, count(err, "[weft] monitor: " + name.get() + " has run "), err);
            assertEquals(1, count(err, HubMonitorTest.class.getName() + ".spin("), err);
            assertEquals(List.of("other ran after"), log);
        });
    }

    @Test
    void theMonitorLeavesAWaitingHubAndPlainCodeAlone() throws Throwable {
        onOwnThread(() -> {
            Thread me = Thread.currentThread();
            List<MonitorReports.Report> reports = new CopyOnWriteArrayList<>();
            try (AutoCloseable listening = MonitorReports.listen(r -> {
                if (r.thread() == me) {
                    reports.add(r);
                }
            })) {
                Hub.spawn(() -> Hub.sleep(300)).join(); // the hub waits 300 ms: nothing runs
                long start = System.nanoTime();
                while (System.nanoTime() - start < 300_000_000L) {
                    Thread.onSpinWait(); // plain code, not a greenlet of the hub
                }
            }
            assertEquals(List.of(), reports);
        });
    }

    /**
     * Busy for 300 ms, and on until the monitor has reported (a loaded machine may starve the monitor),
     * then 300 ms more: the same run must not be reported again.
     */
    private static void spin(List<?> reports) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < 300_000_000L
                || reports.isEmpty() && System.nanoTime() - start < 30_000_000_000L) {
            Thread.onSpinWait();
        }
        long reported = System.nanoTime();
        while (System.nanoTime() - reported < 300_000_000L) {
            Thread.onSpinWait();
        }
    }
}
