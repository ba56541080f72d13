package dev.weft.internal;

import java.util.List;

/**
 * The message of verification mode ({@link Verifier}) for a frame that is not suspendable, with a fix
 * the user can follow: annotate a method of theirs; for a lambda, which cannot be annotated, pass it
 * as a suspendable interface; for a library method that runs the user's lambda (a JDK {@code forEach},
 * JUnit's {@code assertThrows}), make the suspending call outside it, naming the user's method that
 * called it. The wait is named as the user called it ({@link ApiEntry}).
 */
final class VerifyMessage {
    private VerifyMessage() {
    }

    /**
     * Builds the message.
     *
     * @param what the suspending primitive's name
     * @param frames the frames between the primitive and the driver, innermost first
     * @param at the index of the frame that is not suspendable
     * @return the message
     */
    static String of(String what, List<StackWalker.StackFrame> frames, int at) {
        StackWalker.StackFrame f = frames.get(at);
        String operation = operation(what, frames);
        String method = f.getClassName() + "." + f.getMethodName();
        String head = "Weft verify: " + operation + " would suspend through " + method + f.getDescriptor()
                + " (" + f.getFileName() + ":" + f.getLineNumber() + "), which is not suspendable, so it would go "
                + "on running instead of suspending. ";
        if (f.getMethodName().startsWith("lambda$")) {
            return head + "It is a lambda's body, and a lambda cannot be annotated. Fix: pass the lambda as a "
                    + "SuspendableRunnable, SuspendableCallable or SuspendableFunction (or an interface whose method "
                    + "is @Suspendable), or move its body into a @Suspendable method";
        }
        StackWalker.StackFrame lambda = at > 0 ? frames.get(at - 1) : null;
        if (lambda != null && lambda.getMethodName().startsWith("lambda$")
                && !lambda.getClassName().equals(f.getClassName())) {
            StackWalker.StackFrame caller = callerIn(frames, at, lambda.getClassName());
            String by = caller == null ? "" : " by " + describe(caller);
            return head + "It runs " + describe(lambda) + ", given to it" + by
                    + ", and a suspension cannot pass through code that is not woven, such as a library's. Fix: "
                    + "make the suspending call outside " + method + ", in a @Suspendable method of yours (a "
                    + "try/catch instead of assertThrows, a for loop instead of forEach or a stream); if "
                    + method + " is your own, annotate it with @Suspendable and have it take a SuspendableRunnable "
                    + "or SuspendableCallable";
        }
        return head + "Fix: annotate " + method + " with @Suspendable";
    }

    /** {@code Owner.method (File.java:line)}, or for a lambda's body {@code the lambda in Owner.method (...)}. */
    private static String describe(StackWalker.StackFrame f) {
        String name = f.getMethodName();
        String where = " (" + f.getFileName() + ":" + f.getLineNumber() + ")";
        if (name.startsWith("lambda$")) {
            String enclosing = name.substring("lambda$".length());
            int end = enclosing.indexOf('$');
            enclosing = end < 0 ? enclosing : enclosing.substring(0, end);
            return "the lambda in " + f.getClassName() + "." + enclosing + where;
        }
        return f.getClassName() + "." + name + where;
    }

    /** The operation the user called: the outermost runtime frame before their code, or {@code what}. */
    private static String operation(String what, List<StackWalker.StackFrame> frames) {
        String[] classes = new String[frames.size()];
        String[] methods = new String[frames.size()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = frames.get(i).getClassName();
            methods[i] = frames.get(i).getMethodName();
        }
        return ApiEntry.name(classes, methods, what);
    }

    /** The first frame after {@code at} in {@code className}: the user's method that called the library. */
    private static StackWalker.StackFrame callerIn(List<StackWalker.StackFrame> frames, int at, String className) {
        for (int i = at + 1; i < frames.size(); i++) {
            if (frames.get(i).getClassName().equals(className)) {
                return frames.get(i);
            }
        }
        return null;
    }
}
