package dev.weft.internal;

/**
 * Names, for messages, the operation the user called: of a thread's frames, innermost first, the
 * outermost frame of Weft's runtime before the first frame of other code ({@code TcpSocket.read}
 * when a read waits, though the switch inside it is {@code Greenlet.switchTo}). Not API.
 */
final class ApiEntry {
    private ApiEntry() {
    }

    /**
     * Returns the operation, as {@code SimpleClass.method}.
     *
     * @param classNames the frames' class names, innermost first
     * @param methodNames the frames' method names, in the same order
     * @param fallback what to return when no frame of the runtime comes before other code
     * @return the operation's name
     */
    static String name(String[] classNames, String[] methodNames, String fallback) {
        String entry = null;
        for (int i = 0; i < classNames.length; i++) {
            if (!isRuntime(classNames[i])) {
                break;
            }
            if (!methodNames[i].startsWith("lambda$")) {
                entry = simpleName(classNames[i]) + "." + methodNames[i];
            }
        }
        return entry == null ? fallback : entry;
    }

    /** {@link #name(String[], String[], String)} for a stack trace. */
    static String name(StackTraceElement[] trace, String fallback) {
        String[] classes = new String[trace.length];
        String[] methods = new String[trace.length];
        for (int i = 0; i < trace.length; i++) {
            classes[i] = trace[i].getClassName();
            methods[i] = trace[i].getMethodName();
        }
        return name(classes, methods, fallback);
    }

    /** True for a class of the runtime's packages (not its examples, tests or agent). */
    static boolean isRuntime(String className) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        return pkg.equals("dev.weft") || pkg.equals("dev.weft.internal") || pkg.equals("dev.weft.sync")
                || pkg.equals("dev.weft.net");
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
    }
}
