package dev.weft;

import dev.weft.internal.Stack;
import dev.weft.internal.SwitchRefused;
import dev.weft.internal.Task;

/**
 * A generator's or a coroutine's body that waits, or switches, while it runs in a greenlet: the
 * greenlet switches away with the body's frames kept below its own, and the body goes on where it
 * was when the greenlet is resumed, as a Python generator does in a gevent greenlet.
 *
 * <pre>
 *  greenlet G          woven     for (String line : lines)        Forward.hasNext(it, G's stack)
 *    lines' driver               Generator's hasNext(caller)      {@link #resume}
 *      lines' body     woven     ... socket.read(buffer)
 *        the wait                G.home.request(target)           {@link #suspendBody}: SWITCHING
 * </pre>
 *
 * <p>Going out: the wait asks the trampoline to switch G to its target, as any wait of G does, and
 * suspends the body's task, which hands its driver {@link #SWITCHING} instead of a value. The driver
 * then suspends its own caller's stack under the identity of the call that reached it: G's task,
 * whose frames unwind to the trampoline, which switches to the target; or another body's task, whose
 * driver does the same in turn. Coming back: G's frames are restored down to the driver, which ends
 * that restore, takes what G's switch returned (or the exception raised in G: a kill, a timeout) and
 * resumes the body with it; the body's frames are restored down to the wait, which returns it (or
 * throws it, and the body's {@code finally} blocks run before G's).
 *
 * <p>A driver can suspend its caller only when the caller is woven and reached it through
 * {@code dev.weft.internal.Forward}, which the agent puts in place of {@code Iterator.hasNext()},
 * {@code Iterator.next()} and {@code Coroutine.send}/{@code next} in resumable methods. Reached any
 * other way ({@link #resumePlain}: a stream, a method that is not woven), it cancels the switch, puts
 * back the greenlet the wait was to hand control to, and raises {@link SwitchRefused} at the wait.
 * Plain code (the thread's root) never gets here: its waits run the hub on its own Java stack.
 */
final class Nesting {
    /** What a body's task hands its driver, instead of a value, when the body's greenlet is to switch. */
    static final Object SWITCHING = new Object() {
        @Override
        public String toString() {
            return "a switch of the greenlet";
        }
    };

    /** What a driver returns to its caller while the caller suspends: a dummy, which the caller ignores. */
    static final Object SUSPENDED = new Object() {
        @Override
        public String toString() {
            return "suspended";
        }
    };

    // The identities of the calls a driver is reached through (see Forward): its caller's frame expects them above its own.
    static final int HAS_NEXT_ID = Stack.primitive("hasNext()Z", "Iterator.hasNext(), its generator's body waiting");
    static final int NEXT_ID = Stack.primitive("next()Ljava/lang/Object;", "next(), its generator's or coroutine's body waiting");
    static final int SEND_ID = Stack.primitive("send(Ljava/lang/Object;)Ljava/lang/Object;", "Coroutine.send(value), its body waiting");

    private Nesting() {
    }

    /** {@return true when {@code s} is the stack of a generator's or coroutine's body} */
    static boolean isBody(Stack s) {
        Object owner = s.owner();
        return owner instanceof Generator || owner instanceof Coroutine;
    }

    /**
     * Suspends {@code s}, the task of a body running in the current greenlet, for a switch of that
     * greenlet to {@code to}: what a wait (or a switch) in such a body does instead of suspending the
     * greenlet's own task. The greenlet switches once the body's drivers have passed it on.
     *
     * @param id the identity of the primitive that waits, which the body's woven caller expects
     * @param what its name, for messages
     */
    static void suspendBody(Trampoline home, Greenlet to, Object value, Throwable toThrow, int id, String what, Stack s) {
        home.request(to, value, toThrow);
        home.requestedBy = what;
        try {
            Task.suspend(SWITCHING, id, what, s);
        } catch (RuntimeException | Error e) {
            // it could not suspend (verification named a method that is not woven): nothing happens
            home.cancelRequest();
            throw e;
        }
    }

    /**
     * Resumes {@code task}, a generator's or a coroutine's, for a caller that can suspend (woven code,
     * through {@code Forward}): returns what the body yielded, or {@link #SUSPENDED} after suspending
     * {@code caller} because the body waits. When {@code caller} is being restored, the body is resumed
     * with what the greenlet's switch returned instead of {@code sent}.
     *
     * @param id the identity of the call that reached the driver, under which {@code caller} suspends
     * @param what that call's name, for messages
     */
    static Object resume(Task task, Object sent, Stack caller, int id, String what) {
        Object out;
        if (caller.mode == Stack.RESUMING) {
            Object back = null;
            Throwable raised = null;
            try {
                back = Task.suspend(null, id, what, caller);
            } catch (Throwable t) {
                raised = t;
            }
            out = task.resumeWaiting(back, raised);
        } else {
            out = task.resume(sent, null);
        }
        while (out == SWITCHING) {
            if (caller.owner() != null) {
                try {
                    // a body's task hands its own driver the same mark; a greenlet's task hands nothing
                    Task.suspend(caller.owner() instanceof Greenlet ? null : SWITCHING, id, what, caller);
                    // running, for anyone but this driver, until the greenlet is back
                    task.markWaiting();
                    return SUSPENDED;
                } catch (RuntimeException | Error e) {
                    Trampoline.get().cancelRequest();
                    out = task.resume(null, e);
                    continue;
                }
            }
            out = task.resume(null, refused(task));
        }
        return out;
    }

    /**
     * Resumes {@code task} for a caller that cannot suspend (the public {@code hasNext}, {@code next},
     * {@code send}): a switch the body asks for is refused at its wait with {@link SwitchRefused}.
     */
    static Object resumePlain(Task task, Object sent) {
        // a small method of its own: a generator's element measured 10% slower with this written out in
        // its caller (GeneratorIteration.generator), whose inlining it changes
        Object out = task.resume(sent, null);
        if (out == SWITCHING) {
            out = refuseSwitches(task);
        }
        return out;
    }

    /**
     * For a caller that cannot suspend whose {@code task.resume} returned {@link #SWITCHING}: refuses the
     * switch the body asks for, at its wait, with {@link SwitchRefused}, as often as the body asks, and
     * returns what the body yields or ends with at last.
     */
    private static Object refuseSwitches(Task task) {
        Object out;
        do {
            out = task.resume(null, refused(task));
        } while (out == SWITCHING);
        return out;
    }

    /** Cancels the switch the body of {@code task} asked for, and says why. */
    private static SwitchRefused refused(Task task) {
        Trampoline home = Trampoline.get();
        String what = home.requestedBy;
        home.cancelRequest();
        Greenlet g = home.current;
        String greenlet = home.hub != null ? home.hub.nameOf(g) : g.toString();
        String body = task.owner() instanceof Generator ? "Generator" : "Coroutine";
        String driven = body.equals("Generator") ? "iterated" : "driven";
        return new SwitchRefused(what, " was called in a " + body + " body that runs in " + greenlet
                + ", but the " + body.toLowerCase() + " is " + driven + " by code that cannot suspend ("
                + callerOfDriver() + "), so the greenlet cannot switch away from under it. Fix: "
                + (body.equals("Generator") ? "iterate the generator with a for loop (or hasNext and next)"
                        : "call the coroutine's send or next")
                + " in a @Suspendable method, not through a stream or a method that is not woven");
    }

    /** The first frame outside Weft's runtime: the code that called the driver, for messages. */
    private static String callerOfDriver() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> !isRuntime(f.getClassName()))
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
                .orElse("unknown code"));
    }

    private static boolean isRuntime(String className) {
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        return pkg.equals("dev.weft") || pkg.equals("dev.weft.internal") || pkg.equals("dev.weft.sync")
                || pkg.equals("dev.weft.net");
    }
}
