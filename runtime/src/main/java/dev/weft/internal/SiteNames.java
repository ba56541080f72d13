package dev.weft.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Names a saved frame's suspension point from its number. Not API.
 *
 * <p>The agent numbers every suspension point it weaves, uniquely in the JVM, and a frame saves only
 * that number when it unwinds; the names stay with the agent (its {@code dev.weft.agent.weave.SiteTable},
 * in the system class loader, where {@code -javaagent} and self-attach put it). They are looked up
 * only when something asks where a coroutine stands ({@code Hub.dump()}) or an error names a frame, so
 * suspending stores nothing but the number. Reflection keeps the runtime free of any link to the agent.
 */
public final class SiteNames {
    private static final String TABLE = "dev.weft.agent.weave.SiteTable";
    private static volatile MethodHandle lookup;
    private static volatile boolean unavailable;

    private SiteNames() {
    }

    /**
     * The name of suspension point {@code site}, as a stack trace names a frame.
     *
     * @param site the state a woven frame saved
     * @return {@code pkg.Owner.method(Owner.java:line)}, or a placeholder with the number when the agent
     *     that wove it cannot be reached from here
     */
    public static String name(int site) {
        MethodHandle h = table();
        if (h != null) {
            try {
                String name = (String) h.invokeExact(site);
                if (name != null) {
                    return name;
                }
            } catch (Throwable e) {
                // fall through to the placeholder: naming a frame must never fail
            }
        }
        return "<suspension point #" + site + ": its name is with the Weft agent, which is not visible from here>";
    }

    private static MethodHandle table() {
        MethodHandle h = lookup;
        if (h != null || unavailable) {
            return h;
        }
        try {
            Class<?> table = Class.forName(TABLE, true, ClassLoader.getSystemClassLoader());
            h = MethodHandles.publicLookup().findStatic(table, "name", MethodType.methodType(String.class, int.class));
            lookup = h;
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            unavailable = true;
        }
        return h;
    }
}
