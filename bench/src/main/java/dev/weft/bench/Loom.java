package dev.weft.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The JDK's own continuation ({@code jdk.internal.vm.Continuation}, the primitive under virtual
 * threads), reached through method handles so that this module still compiles for Java 17. Needs
 * JDK 21+ and {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}; {@link #available()} says
 * whether it is there.
 */
final class Loom {
    private static final MethodHandle NEW_SCOPE;
    private static final MethodHandle NEW_CONTINUATION;
    private static final MethodHandle RUN;
    private static final MethodHandle YIELD;
    private static final Throwable MISSING;

    static {
        MethodHandle scope = null;
        MethodHandle cont = null;
        MethodHandle run = null;
        MethodHandle yield = null;
        Throwable missing = null;
        try {
            Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
            Class<?> contClass = Class.forName("jdk.internal.vm.Continuation");
            MethodHandles.Lookup l = MethodHandles.lookup();
            scope = l.findConstructor(scopeClass, MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Object.class, String.class));
            cont = l.findConstructor(contClass, MethodType.methodType(void.class, scopeClass, Runnable.class))
                    .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
            run = l.findVirtual(contClass, "run", MethodType.methodType(void.class))
                    .asType(MethodType.methodType(void.class, Object.class));
            yield = l.findStatic(contClass, "yield", MethodType.methodType(boolean.class, scopeClass))
                    .asType(MethodType.methodType(boolean.class, Object.class));
        } catch (Throwable t) {
            missing = t;
        }
        NEW_SCOPE = scope;
        NEW_CONTINUATION = cont;
        RUN = run;
        YIELD = yield;
        MISSING = missing;
    }

    private Loom() {
    }

    static boolean available() {
        return MISSING == null;
    }

    static void requireAvailable() {
        if (MISSING != null) {
            throw new IllegalStateException("Loom's Continuation is not reachable: run on JDK 21+ with "
                    + "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED", MISSING);
        }
    }

    /** A continuation that recurses {@code depth} frames deep and then yields forever. */
    static Object yieldingAtDepth(int depth) throws Throwable {
        Object scope = (Object) NEW_SCOPE.invokeExact("weft-bench");
        Runnable body = () -> {
            try {
                deep(scope, depth);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        };
        return (Object) NEW_CONTINUATION.invokeExact(scope, body);
    }

    static void run(Object continuation) throws Throwable {
        RUN.invokeExact(continuation);
    }

    private static void deep(Object scope, int depth) throws Throwable {
        if (depth <= 1) {
            while (true) {
                boolean pinned = !(boolean) YIELD.invokeExact(scope);
                if (pinned) {
                    throw new IllegalStateException("continuation pinned");
                }
            }
        }
        deep(scope, depth - 1);
        RoundTrip.sink++;
    }
}
