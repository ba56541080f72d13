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

    private static boolean isExtension(Class<?> c) {
        return c == SpawnSite.class || c == TestHub.class || c == TestBody.class || c == WeftExtension.class;
    }
}
