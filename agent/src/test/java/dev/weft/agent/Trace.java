package dev.weft.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * What a fixture did, in order: the events it recorded and the values it passed through suspension
 * points. The class lives outside the fixtures package so that the woven and the plain copies of a
 * fixture write to the same trace.
 */
public final class Trace {
    private static List<String> events = new ArrayList<>();
    private static boolean driven;
    private static int points;

    private Trace() {
    }

    /** Records an event. */
    public static void record(Object event) {
        events.add(String.valueOf(event));
    }

    /** Records a value passing through a suspension point. */
    public static void point(Object value) {
        points++;
        events.add("@" + value);
    }

    /** True when the fixture runs inside a coroutine whose driver resumes it at every point. */
    public static boolean driven() {
        return driven;
    }

    static void start(boolean drivenByCoroutine) {
        events = new ArrayList<>();
        points = 0;
        driven = drivenByCoroutine;
    }

    static int points() {
        return points;
    }

    static List<String> finish() {
        List<String> out = List.copyOf(events);
        events = new ArrayList<>();
        driven = false;
        return out;
    }
}
