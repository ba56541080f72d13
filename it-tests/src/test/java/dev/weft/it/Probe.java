package dev.weft.it;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The suspension points of the differential fixtures: each {@code point} records its label (and the
 * value it passes through) in the current trace and, when the harness is driving the fixture as a
 * coroutine, yields that record.
 *
 * <p>The typed overloads pass a value through the suspension, so that fixtures can put values of
 * every type on the operand stack around a suspension point. Whether to yield is decided by the
 * harness, not by probing for a coroutine: {@link Differential} installs a trace that suspends only
 * while it drives the fixture as a coroutine.
 */
public final class Probe {
    private static volatile Trace current = new Trace(false);

    private Probe() {
    }

    /** The trace of one run: the events and the suspension points, in order. */
    static final class Trace {
        final boolean suspend;
        final List<String> events = new ArrayList<>();
        final List<String> points = new ArrayList<>();

        Trace(boolean suspend) {
            this.suspend = suspend;
        }
    }

    /** Installs the trace the next run records into; returns it. */
    static Trace install(boolean suspend) {
        Trace t = new Trace(suspend);
        current = t;
        return t;
    }

    /** Records an event that is not a suspension point. */
    public static void note(String event) {
        current.events.add(event);
    }

    /** A suspension point. */
    @Suspendable
    public static void point(String label) {
        suspendAt(label);
    }

    /** A suspension point that passes an int through. */
    @Suspendable
    public static int point(String label, int v) {
        suspendAt(label + "=" + v);
        return v;
    }

    /** A suspension point that passes a long through. */
    @Suspendable
    public static long point(String label, long v) {
        suspendAt(label + "=" + v);
        return v;
    }

    /** A suspension point that passes a double through. */
    @Suspendable
    public static double point(String label, double v) {
        suspendAt(label + "=" + v);
        return v;
    }

    /** A suspension point that passes a float through. */
    @Suspendable
    public static float point(String label, float v) {
        suspendAt(label + "=" + v);
        return v;
    }

    /** A suspension point that passes a boolean through. */
    @Suspendable
    public static boolean point(String label, boolean v) {
        suspendAt(label + "=" + v);
        return v;
    }

    /** A suspension point that passes a byte through. */
    @Suspendable
    public static byte point(String label, byte v) {
        suspendAt(label + "=" + v);
        return v;
    }

    /** A suspension point that passes a char through. */
    @Suspendable
    public static char point(String label, char v) {
        suspendAt(label + "=" + v);
        return v;
    }

    /** A suspension point that passes a short through. */
    @Suspendable
    public static short point(String label, short v) {
        suspendAt(label + "=" + v);
        return v;
    }

    /** A suspension point that passes a reference through. */
    @Suspendable
    public static <T> T pass(String label, T v) {
        suspendAt(label + "=" + describe(v));
        return v;
    }

    /** A deterministic text for a value: arrays by their contents, as they differ by identity between runs. */
    static String describe(Object v) {
        if (v instanceof Object[]) {
            return Arrays.deepToString((Object[]) v);
        }
        if (v != null && v.getClass().isArray()) {
            return Arrays.deepToString(new Object[] {v});
        }
        return String.valueOf(v);
    }

    @Suspendable
    private static void suspendAt(String record) {
        Trace t = current;
        t.events.add(record);
        t.points.add(record);
        if (t.suspend) {
            Coroutine.yield(record);
        }
    }
}
