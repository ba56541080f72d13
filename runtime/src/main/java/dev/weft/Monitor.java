package dev.weft;

import dev.weft.internal.MonitorReports;
import java.lang.ref.WeakReference;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * gevent's monitor thread: reports a greenlet that runs {@code weft.monitor.millis} (100 by default,
 * 0 for no monitor) without switching, since it holds up every other greenlet of its hub.
 *
 * <p>One daemon thread, {@code weft-monitor}, samples every hub a few times per period. The hot path
 * pays one opaque store per switch ({@link Trampoline#countSwitch}); the monitor reads that count
 * and the greenlet running, and when the count has not moved for a whole period while a greenlet
 * (not plain code, not the hub waiting) runs, prints the greenlet and its thread's stack, once per
 * episode: the same run is not reported again.
 */
final class Monitor {
    private static final ConcurrentLinkedQueue<Watch> WATCHES = new ConcurrentLinkedQueue<>();
    private static long thresholdNanos = -1;

    private Monitor() {
    }

    /** Starts watching {@code hub}; starts the monitor thread with the first hub. */
    static void watch(Hub hub) {
        if (start()) {
            WATCHES.add(new Watch(hub));
        }
    }

    /** Reads the setting and starts the thread once; false when the monitor is off. */
    private static synchronized boolean start() {
        if (thresholdNanos < 0) {
            long millis = thresholdMillis(System.getProperty("weft.monitor.millis", "100"));
            thresholdNanos = TimeUnit.MILLISECONDS.toNanos(millis);
            if (millis > 0) {
                Thread t = new Thread(Monitor::run, "weft-monitor");
                t.setDaemon(true);
                t.start();
            }
        }
        return thresholdNanos > 0;
    }

    /**
     * Parses {@code -Dweft.monitor.millis}.
     *
     * @throws IllegalArgumentException unless it is a number of at least 0
     */
    static long thresholdMillis(String setting) {
        long millis;
        try {
            millis = Long.parseLong(setting.trim());
        } catch (NumberFormatException e) {
            millis = -1;
        }
        if (millis < 0) {
            throw new IllegalArgumentException("weft.monitor.millis must be a number of milliseconds, "
                    + "at least 0 (0 turns the monitor off), but was '" + setting + "'");
        }
        return millis;
    }

    private static void run() {
        long threshold = thresholdNanos;
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(1), threshold / 5);
        while (true) {
            LockSupport.parkNanos(period);
            long now = System.nanoTime();
            for (Iterator<Watch> it = WATCHES.iterator(); it.hasNext(); ) {
                Watch w = it.next();
                Hub hub = w.hub.get();
                if (hub == null || !hub.home.thread.isAlive()) {
                    it.remove();
                } else {
                    w.sample(hub, now, threshold);
                }
            }
        }
    }

    /** What the monitor knows of one hub. */
    private static final class Watch {
        final WeakReference<Hub> hub;
        long switches = -1;
        long since;
        long reported = -1;

        Watch(Hub hub) {
            this.hub = new WeakReference<>(hub);
        }

        void sample(Hub hub, long now, long threshold) {
            Trampoline home = hub.home;
            long s = home.switches();
            Greenlet running = home.current;
            if (s != switches || hub.idle || running == home.root) {
                switches = s;
                since = now;
                return;
            }
            if (now - since < threshold || reported == s) {
                return;
            }
            StackTraceElement[] stack = home.thread.getStackTrace();
            if (home.switches() != s || hub.idle) {
                // it switched meanwhile: the stack may be someone else's
                return;
            }
            reported = s;
            report(new MonitorReports.Report(running, home.thread, TimeUnit.NANOSECONDS.toMillis(now - since), stack),
                    running == hub.greenlet);
        }
    }

    private static void report(MonitorReports.Report r, boolean hubItself) {
        StringBuilder b = new StringBuilder("[weft] monitor: ");
        // the hub's own greenlet runs submitted callbacks, links, expired timers and I/O readiness: the
        // stack below says which of them held it
        b.append(hubItself ? "the hub's own loop (callbacks, links, timers or I/O: see the stack)" : r.greenlet().toString())
                .append(" has run ").append(r.millis()).append(" ms without switching, holding up every other")
                .append(" greenlet of thread \"").append(r.thread().getName()).append("\":");
        for (StackTraceElement e : r.stack()) {
            b.append(System.lineSeparator()).append("\tat ").append(e);
        }
        System.err.println(b);
        MonitorReports.publish(r);
    }
}
