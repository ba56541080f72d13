package dev.weft.agent.weave;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of the suspension points the weaver has woven in this JVM, by number.
 *
 * <p>Every suspension point of a woven method gets a number of its own, unique in the JVM, and the
 * method's frame saves that number as its state when it unwinds (the method's entry switch dispatches
 * on it when it resumes). So a saved frame says where it stands without storing anything else, and
 * {@code Hub.dump()} turns the numbers back into names ({@code pkg.Owner.method(Owner.java:42)}) only
 * when it is asked, through {@link #name}: the runtime looks this class up in the system class loader,
 * where {@code -javaagent} and self-attach put the agent.
 *
 * <p>Two ranges: the runtime's classes woven when the agent was built ({@code dev.weft.agent.Prewoven}, numbered from
 * {@value #PREWOVEN_BASE} in the order the build wove them, their names shipped with them) and every
 * class woven at load (from {@value #LOAD_BASE}). State 0 is the suspending primitive's own record.
 */
public final class SiteTable {
    /** The first number of the runtime classes woven at build time. */
    public static final int PREWOVEN_BASE = 1;
    /** The first number of the classes woven at load. */
    public static final int LOAD_BASE = 1 << 20;

    private static String[] prewoven = new String[0];
    private static String[] loaded = new String[256];
    private static int loadedCount;
    /** Set while the build weaves the runtime: numbers come from the prewoven range. */
    private static List<String> building;
    /** The numbers given to each method woven so far (owner, name, descriptor), to give them again. */
    private static Map<String, Numbered> given = new HashMap<>();

    /** The numbers of one method's points, and the names they were given for. */
    private static final class Numbered {
        final int first;
        final String[] names;

        Numbered(int first, String[] names) {
            this.first = first;
            this.names = names;
        }
    }

    private SiteTable() {
    }

    /**
     * Numbers the suspension points of one method, consecutively. The same method woven again with
     * the same points (a retransformation, another loader's copy of the class) gets the same numbers,
     * so that a frame saved before the retransformation resumes where it stood; a method whose points
     * changed gets new numbers, which an old frame's number then matches nothing of.
     *
     * @param method the method: owner's internal name, name and descriptor
     * @param names each point's name, in the method's order
     * @return the number of the first point; the others follow it
     */
    static synchronized int register(String method, String[] names) {
        Numbered before = given.get(method);
        if (before != null && Arrays.equals(before.names, names)) {
            return before.first;
        }
        int first = number(names);
        given.put(method, new Numbered(first, names.clone()));
        return first;
    }

    private static int number(String[] names) {
        if (building != null) {
            int first = PREWOVEN_BASE + building.size();
            if (first + names.length > LOAD_BASE) {
                throw new IllegalStateException("more than " + (LOAD_BASE - PREWOVEN_BASE) + " suspension points in the runtime");
            }
            building.addAll(Arrays.asList(names));
            return first;
        }
        if (loadedCount + names.length > Integer.MAX_VALUE - LOAD_BASE - 1) {
            throw new IllegalStateException("the JVM has woven more suspension points than can be numbered");
        }
        while (loadedCount + names.length > loaded.length) {
            loaded = Arrays.copyOf(loaded, loaded.length * 2);
        }
        int first = LOAD_BASE + loadedCount;
        System.arraycopy(names, 0, loaded, loadedCount, names.length);
        loadedCount += names.length;
        return first;
    }

    /**
     * The name of suspension point {@code site} as a stack trace names a frame, or null when this JVM
     * wove no such point.
     *
     * @param site the number a saved frame carries as its state
     * @return {@code pkg.Owner.method(Owner.java:line)}, or null
     */
    public static synchronized String name(int site) {
        if (site >= LOAD_BASE) {
            int i = site - LOAD_BASE;
            return i < loadedCount ? loaded[i] : null;
        }
        int i = site - PREWOVEN_BASE;
        return i >= 0 && i < prewoven.length ? prewoven[i] : null;
    }

    /** Called by the build before it weaves the runtime: numbers come from the prewoven range. */
    public static synchronized void startBuilding() {
        building = new ArrayList<>();
        given = new HashMap<>();
    }

    /**
     * Called by the build once it has woven the runtime.
     *
     * @return the names to ship, numbered from {@value #PREWOVEN_BASE}
     */
    public static synchronized List<String> finishBuilding() {
        List<String> names = List.copyOf(building);
        building = null;
        given = new HashMap<>();
        return names;
    }

    /**
     * Installs the names of the prewoven runtime's points, shipped with its classes.
     *
     * @param names the names, numbered from {@value #PREWOVEN_BASE}
     */
    public static synchronized void installPrewoven(List<String> names) {
        prewoven = names.toArray(new String[0]);
    }
}
