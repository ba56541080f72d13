package dev.weft.internal;

import dev.weft.Greenlet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where the hub monitor's reports go besides {@code System.err}: listeners for tests and the JUnit
 * extension. Not API.
 *
 * <p>The monitor (one daemon thread, {@code weft-monitor}, for every hub) reports a greenlet that has
 * run {@code weft.monitor.millis} (100 by default) without switching, once per episode.
 */
public final class MonitorReports {
    private static final List<Consumer<Report>> LISTENERS = new CopyOnWriteArrayList<>();

    private MonitorReports() {
    }

    /**
     * Adds a listener, called on the monitor thread with every report until the returned handle is
     * closed. A listener must be quick and must not throw (what it throws is printed and dropped).
     *
     * @param listener receives the reports
     * @return closes the subscription
     */
    public static AutoCloseable listen(Consumer<Report> listener) {
        LISTENERS.add(listener);
        return () -> LISTENERS.remove(listener);
    }

    /**
     * Hands {@code report} to every listener. Called by the monitor.
     *
     * @param report what the monitor found
     */
    public static void publish(Report report) {
        for (Consumer<Report> l : LISTENERS) {
            try {
                l.accept(report);
            } catch (RuntimeException | Error e) {
                e.printStackTrace();
            }
        }
    }

    /**
     * A greenlet that has run too long without switching.
     *
     * @param greenlet the greenlet running (the hub's own greenlet when a submitted callback runs long)
     * @param thread the hub's thread
     * @param millis how long it has run without switching, when the monitor noticed
     * @param stack the thread's stack at that moment, innermost frame first
     */
    public record Report(Greenlet greenlet, Thread thread, long millis, StackTraceElement[] stack) {
    }
}
