package dev.weft.junit;

import java.util.Set;

/** Names the place in the caller's code where a greenlet is being spawned. */
final class SpawnSite {
    /** Packages of Weft's runtime, whose frames sit between the user's call and the observer. */
    private static final Set<String> RUNTIME = Set.of("dev.weft", "dev.weft.internal", "dev.weft.sync", "dev.weft.net");

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private SpawnSite() {
    }

    /** {@code Class.method(File.java:line)} of the first frame outside the runtime and this extension. */
    static String ofCaller() {
        return WALKER.walk(frames -> frames
                .filter(f -> !RUNTIME.contains(f.getDeclaringClass().getPackageName())
                        && !isExtension(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("an unknown place"));
    }

    /** {@code Class.method(File.java:line)} of the first element of {@code stack} in the user's code, or null. */
    static String firstOfUser(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            int dot = c.lastIndexOf('.');
            String pkg = dot < 0 ? "" : c.substring(0, dot);
            if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || RUNTIME.contains(pkg)
                    || pkg.equals(SpawnSite.class.getPackageName()) && isExtensionName(c)) {
                continue;
            }
            return c + "." + e.getMethodName() + "(" + e.getFileName() + ":" + e.getLineNumber() + ")";
        }
        return null;
    }

    private static boolean isExtensionName(String className) {
        for (Class<?> c : new Class<?>[] {SpawnSite.class, TestHub.class, TestBody.class, WeftExtension.class}) {
            // the class or one nested in it (lambdas, inner classes), not a class whose name starts the same
            if (className.equals(c.getName()) || className.startsWith(c.getName() + "$")) {
                return true;
            }
        }
        return false;
    }

    private static boolean isExtension(Class<?> c) {
        return c == SpawnSite.class || c == TestHub.class || c == TestBody.class || c == WeftExtension.class;
    }
}
