package dev.weft.internal;

import dev.weft.Suspendable;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;
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
        Method m = find(owner, f.getMethodName(), f.getDescriptor());
        if (m == null) {
            return false;
        }
        return m.isBridge() || isAnnotated(owner, m.getName(), m.getParameterTypes());
    }

    private static Method find(Class<?> owner, String name, String descriptor) {
        try {
            MethodType type = MethodType.fromMethodDescriptorString(descriptor, owner.getClassLoader());
            return owner.getDeclaredMethod(name, type.parameterArray());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** True when the method, or one it overrides anywhere up the hierarchy, is annotated. */
    private static boolean isAnnotated(Class<?> c, String name, Class<?>[] params) {
        if (c == null) {
            return false;
        }
        try {
            if (c.getDeclaredMethod(name, params).isAnnotationPresent(Suspendable.class)) {
                return true;
            }
        } catch (NoSuchMethodException e) {
            // not declared here; look further up
        }
        if (isAnnotated(c.getSuperclass(), name, params)) {
            return true;
        }
        for (Class<?> i : c.getInterfaces()) {
            if (isAnnotated(i, name, params)) {
                return true;
            }
        }
        return false;
    }
}
