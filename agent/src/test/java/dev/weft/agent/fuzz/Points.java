package dev.weft.agent.fuzz;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The suspension points that generated programs call: each {@code point} records the value it passes
 * through and, when the harness drives the program as a coroutine, yields that record.
 *
 * <p>Each run loads its own copy of this class (plain in the plain run, woven in the coroutine run),
 * so {@link #trace} and {@link #suspend} belong to one run; the harness reads and sets them
 * reflectively.
 */
public final class Points {
    /** Stops a run whose program does not terminate (a miscompiled loop) instead of hanging the build. */
    static final int MAX_POINTS = 20_000;

    /** The records of the points passed, in order. */
    public static List<String> trace = new ArrayList<>();
    /** True while the harness drives the program as a coroutine: every point then yields. */
    public static boolean suspend;

    private Points() {
    }

    /** An int (also boolean, byte, char, short) through a suspension point. */
    @Suspendable
    public static int point(int v) {
        at("I" + v);
        return v;
    }

    /** A long through a suspension point. */
    @Suspendable
    public static long point(long v) {
        at("J" + v);
        return v;
    }

    /** A float through a suspension point. */
    @Suspendable
    public static float point(float v) {
        at("F" + v);
        return v;
    }

    /** A double through a suspension point. */
    @Suspendable
    public static double point(double v) {
        at("D" + v);
        return v;
    }

    /** A reference through a suspension point. */
    @Suspendable
    public static Object point(Object v) {
        at("A" + describe(v));
        return v;
    }

    /** A deterministic text for a value: arrays by contents, other objects by class, never by identity. */
    static String describe(Object v) {
        if (v == null || v instanceof String || v instanceof Integer) {
            return String.valueOf(v);
        }
        if (v instanceof Object[]) {
            return Arrays.deepToString((Object[]) v);
        }
        if (v.getClass().isArray()) {
            return Arrays.deepToString(new Object[] {v});
        }
        return v.getClass().getName();
    }

    @Suspendable
    private static void at(String record) {
        List<String> t = trace;
        if (t.size() >= MAX_POINTS) {
            throw new IllegalStateException("more than " + MAX_POINTS + " points: the program does not terminate");
        }
        t.add(record);
        if (suspend) {
            Coroutine.yield(record);
        }
    }
}
