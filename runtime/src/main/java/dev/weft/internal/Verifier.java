package dev.weft.internal;

import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Verification mode ({@code -Dweft.verify=true}, or the agent's {@code verify} option): at every
 * suspension, walks the thread's stack from the primitive up to the coroutine's driver and names
 * any method on the way that cannot be suspended, before it can go on running by mistake. Costs a
 * stack walk per suspension, so it is off by default; without it, the same mistake is still
 * detected, later and with less detail.
 */
final class Verifier {
    /** True when verification is on; read once, when the first suspension happens. */
    static final boolean ON = Boolean.getBoolean("weft.verify");

    /**
     * Without {@code SHOW_REFLECT_FRAMES} the walker skips reflection's frames ({@code Method.invoke}, JDK
     * 17's native and generated accessors, JDK 18+'s method-handle accessor and its hidden frames). That
     * is what verification needs: woven code makes {@code Method.invoke} a suspension point, and those
     * frames only forward the dummy result, so the walk goes from the invoked method straight to its
     * caller, which must be suspendable itself.
     */
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private Verifier() {
    }

    /** Throws when a frame between the suspension point and the driver is not suspendable. */
    static void checkSuspension(String what) {
        List<StackWalker.StackFrame> frames = WALKER.walk(s -> s
                .dropWhile(Verifier::isPrimitive)
                .takeWhile(f -> !isDriver(f))
                .collect(Collectors.toList()));
        for (int i = 0; i < frames.size(); i++) {
            if (!isSuspendable(frames.get(i))) {
                throw new IllegalStateException(VerifyMessage.of(what, frames, i));
            }
        }
    }

    private static boolean isPrimitive(StackWalker.StackFrame f) {
        String c = f.getClassName();
        return c.equals(Verifier.class.getName()) || c.equals(Task.class.getName()) || c.startsWith("dev.weft.Coroutine")
                || c.startsWith("dev.weft.Generator") || c.equals("dev.weft.Greenlet")
                || c.equals("dev.weft.Trampoline") || c.equals("dev.weft.Nesting") || c.equals(Forward.class.getName())
                || (c.equals("dev.weft.Hub") && f.getMethodName().equals("sleepNanos"))
                || (c.equals("dev.weft.Waiter") && f.getMethodName().equals("parkAsPrimitive"));
    }

    private static boolean isDriver(StackWalker.StackFrame f) {
        return f.getClassName().equals(Task.class.getName()) && f.getMethodName().equals("resume");
    }

    private static boolean isSuspendable(StackWalker.StackFrame f) {
        Class<?> owner = f.getDeclaringClass();
        if (owner.isHidden() || f.getMethodName().startsWith("lambda$")) {
            // Lambda proxies forward to the lambda body; the body is woven with its interface.
            return true;
        }
        String key = f.getMethodName() + f.getDescriptor();
        Map<String, Boolean> known = KNOWN.get(owner);
        Boolean suspendable = known.get(key);
        if (suspendable == null) {
            Method m = find(owner, f.getMethodName(), f.getDescriptor());
            // A bridge is no exception: it is woven when the method it implements is suspendable, which
            // Overrides finds by its erased signature, and else a suspension through it is lost.
            suspendable = m != null && Overrides.isAnnotated(owner, m);
            known.put(key, suspendable);
        }
        return suspendable;
    }

    /** What {@link #isSuspendable} found, by class and then name and descriptor. */
    private static final ClassValue<Map<String, Boolean>> KNOWN = new ClassValue<>() {
        @Override
        protected Map<String, Boolean> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /**
     * The method a frame runs: matched by return type too, since a class may declare a bridge and its
     * target with the same parameters (a covariant return), where {@code getDeclaredMethod} picks the target.
     */
    private static Method find(Class<?> owner, String name, String descriptor) {
        try {
            MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
            for (Method m : owner.getDeclaredMethods()) {
                if (m.getName().equals(name) && m.getReturnType() == type.returnType()
                        && Arrays.equals(m.getParameterTypes(), type.parameterArray())) {
                    return m;
                }
            }
            return null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
