package dev.weft.internal;

import dev.weft.CoroutineException;
import dev.weft.CoroutineExit;
import dev.weft.SuspendableRunnable;

/**
 * A suspendable body and its saved frames: the engine under {@code Coroutine} and {@code Generator}.
 * Not API.
 *
 * <p>{@link #resume} runs the body on the calling thread until a primitive suspends it (the woven
 * frames then unwind by returning, saving themselves on the way) or until it ends. The next
 * {@code resume} calls the body again in {@link Stack#RESUMING} mode: each woven frame pops its
 * record, restores itself and calls on, until the primitive that suspended hands over the sent value
 * (or throws the pending exception) and normal running continues where it stopped.
 */
public final class Task {
    private static final int NEW = 0;
    private static final int SUSPENDED = 1;
    private static final int RUNNING = 2;
    private static final int DONE = 3;

    /** The identity of {@code SuspendableRunnable.run()}, the frame the driver calls. */
    private static final int BODY_ID = Stack.idOf("run()V");

    private final SuspendableRunnable body;
    private final Stack stack;
    private int state = NEW;

    /**
     * Creates a task that has not started.
     *
     * @param body the body to run
     * @param owner the API object this task serves ({@code Coroutine}, {@code Generator}, ...)
     */
    public Task(SuspendableRunnable body, Object owner) {
        this.body = body;
        this.stack = new Stack(owner);
    }

    /** True before the first {@link #resume}. */
    public boolean isNew() {
        return state == NEW;
    }

    /** True once the body has returned or thrown. */
    public boolean isDone() {
        return state == DONE;
    }

    /**
     * Runs the body until it next suspends or ends.
     *
     * @param sent the value the pending primitive returns in the body (ignored on the first run)
     * @param toThrow thrown at the pending suspension point instead, or null
     * @return the value the body suspended with, or null when it ended
     * @throws IllegalStateException when the task has finished or is running already
     */
    public Object resume(Object sent, Throwable toThrow) {
        if (state == DONE) {
            throw new IllegalStateException("coroutine already finished");
        }
        if (state == RUNNING) {
            throw new IllegalStateException("coroutine already running: it cannot resume itself");
        }
        Carrier carrier = Carrier.current();
        Stack previous = carrier.stack;
        Stack s = stack;
        if (state == NEW) {
            s.mode = Stack.RUNNING;
            if (toThrow != null) {
                state = DONE;
                throw unchecked(toThrow);
            }
        } else {
            s.mode = Stack.RESUMING;
            s.transfer = sent;
            s.pendingThrow = toThrow;
        }
        state = RUNNING;
        carrier.stack = s;
        try {
            body.run();
        } catch (Throwable t) {
            state = DONE;
            boolean lost = s.mode == Stack.SUSPENDING && !(t instanceof dev.weft.WeaveError);
            s.reset();
            if (lost) {
                IllegalStateException e = Stack.lost("a suspension was lost: the coroutine body threw while "
                        + "a suspension was unwinding, because a method between the body and the suspension "
                        + "point is not woven. Annotate it with @Suspendable (run with -Dweft.verify=true to "
                        + "have it named)");
                e.initCause(t);
                throw e;
            }
            throw unchecked(t);
        } finally {
            carrier.stack = previous;
        }
        switch (s.mode) {
            case Stack.SUSPENDING: {
                int top = s.topId();
                if (top != BODY_ID && top != Stack.ANY_CALLEE && !MethodReferences.isAlias(BODY_ID, top)) {
                    state = DONE;
                    s.reset();
                    throw Stack.lost("a suspension was lost: the coroutine body returned while a suspension was "
                            + "unwinding, so it went on running after the suspension point. The body, or a "
                            + "method between it and the suspension point, is not woven: annotate it with "
                            + "@Suspendable (run with -Dweft.verify=true to have it named)");
                }
                s.mode = Stack.RUNNING;
                state = SUSPENDED;
                Object out = s.transfer;
                s.transfer = null;
                return out;
            }
            case Stack.RESUMING: {
                state = DONE;
                s.reset();
                throw Stack.corrupt("the coroutine body returned without reaching its suspension point while "
                        + "resuming: the body is not woven (is the Weft agent installed? start the JVM with "
                        + "-javaagent:weft-agent.jar)");
            }
            default:
                state = DONE;
                s.reset();
                return null;
        }
    }

    /**
     * Ends a suspended task by throwing {@link CoroutineExit} at its suspension point, so that its
     * {@code finally} blocks run; a task that has not started or has finished is simply marked done.
     *
     * @throws IllegalStateException when the body catches the exit and suspends again
     */
    public void close() {
        if (state == RUNNING) {
            throw new IllegalStateException("coroutine is running: it cannot close itself");
        }
        if (state != SUSPENDED) {
            state = DONE;
            return;
        }
        try {
            resume(null, new CoroutineExit());
        } catch (CoroutineExit expected) {
            return;
        }
        if (state != DONE) {
            state = DONE;
            stack.reset();
            throw new IllegalStateException("coroutine ignored CoroutineExit: it suspended again after close()");
        }
    }

    /**
     * The suspension primitive behind {@code Coroutine.yield} and {@code Generator.yield}.
     *
     * <p>Running: saves {@code value}, pushes a record with the primitive's identity and starts the
     * unwinding. Resuming: pops that record, ends the restore and returns the sent value (or throws).
     *
     * @param id the identity of the primitive's own method, as its callers' woven code expects it
     * @param value the value to hand to the driver
     * @param what the primitive's name, for the error message
     * @return the value the driver sends in, or null while suspending
     */
    public static Object suspend(int id, Object value, String what) {
        Stack s = Stack.current();
        if (s.mode == Stack.RESUMING) {
            if (!s.popRecord(id)) {
                throw Stack.corrupt(what + " is resuming, but the saved frame was not its own");
            }
            s.mode = Stack.RUNNING;
            Object in = s.transfer;
            Throwable t = s.pendingThrow;
            s.transfer = null;
            if (t != null) {
                s.pendingThrow = null;
                throw Task.<RuntimeException>sneaky(t);
            }
            return in;
        }
        if (s.owner == null) {
            throw new IllegalStateException(what + " called outside a coroutine: only a body run by a "
                    + "Coroutine or Generator (or a @Suspendable method it calls) can yield");
        }
        if (s.mode == Stack.SUSPENDING) {
            throw Stack.lost(what + " was called while a suspension was unwinding: a method that called a "
                    + "suspendable method went on running instead of suspending. That method is not woven; "
                    + "annotate it with @Suspendable");
        }
        s.transfer = value;
        s.pushRecord(id, 0);
        s.mode = Stack.SUSPENDING;
        return null;
    }

    private static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new CoroutineException(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> T sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
