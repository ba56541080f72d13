package dev.weft.internal;

import dev.weft.CoroutineException;
import dev.weft.CoroutineExit;
import dev.weft.SuspendableCallable;
import dev.weft.SuspendableRunnable;
import java.util.Arrays;

/**
 * A suspendable body and its saved frames: the engine under {@code Coroutine}, {@code Generator} and
 * {@code Greenlet}. Not API. A task is its own {@link Stack} (one object per coroutine, not two: a
 * server keeps many thousands of greenlets suspended).
 *
 * <p>{@link #resume} runs the body on the calling thread until a primitive suspends it (the woven
 * frames then unwind by returning, saving themselves on the way) or until it ends. The next
 * {@code resume} calls the body again in {@link Stack#RESUMING} mode: each woven frame pops its
 * record, restores itself and calls on, until the primitive that suspended hands over the sent value
 * (or throws the pending exception) and normal running continues where it stopped.
 */
public final class Task extends Stack {
    /*
     * The task's state is the stack's mode, which woven code reads only while the task runs (its stack
     * is then the current one): RUNNING, SUSPENDING or RESUMING while started and not finished (suspended
     * when SUSPENDING), and these three otherwise, so that no field more is needed for them.
     */
    private static final int NEW = 3;
    private static final int DONE = 4;
    /** Done because a suspension was lost: the body ended while its frames were unwinding. */
    private static final int LOST = 5;
    /**
     * Suspended in a wait of the greenlet that drives it (see {@code dev.weft.Nesting}): running, for
     * anyone but its driver, which resumes it with {@link #resumeWaiting}.
     */
    private static final int WAITING = -1;

    /** The identity of {@code SuspendableRunnable.run()}, the frame the driver calls. */
    private static final int BODY_ID = Stack.idOf("run()V");
    /** The identity of {@code SuspendableCallable.call()}, the frame the driver calls for a callable body. */
    private static final int CALL_ID = Stack.idOf("call()Ljava/lang/Object;");

    /** A {@link SuspendableRunnable}, or a {@link SuspendableCallable} whose value the last resume returns. */
    private final Object body;

    /*
     * A task was 72 bytes (JOL, compressed references), which left no gap: these two fields make it 80,
     * as either alone would, a greenlet's task too. Kept here rather than in Generator and Coroutine,
     * because only a first resume and a body's end read them, and the end reads one field of this.
     */
    /**
     * Set for a generator's or coroutine's task: its body closes, when it ends, the generators' and
     * coroutines' tasks it started and left unfinished.
     */
    private boolean closesStarted;
    /**
     * The tasks this body started (resumed first), oldest first, null slots at the end; null until the
     * first. Only a first resume writes it, so no element of any generator pays for it.
     */
    private Task[] started;

    /**
     * Creates a task that has not started.
     *
     * @param body the body to run
     * @param owner the API object this task serves ({@code Coroutine}, {@code Generator}, ...)
     */
    public Task(SuspendableRunnable body, Object owner) {
        super(owner);
        this.body = body;
        this.mode = NEW;
    }

    /**
     * Creates a task that has not started, whose body computes a value: the {@link #resume} in which
     * the body returns returns that value (a spawned greenlet's, with no adapter frame around the body
     * to save and restore at every switch).
     *
     * @param body the body to run
     * @param owner the API object this task serves
     */
    public Task(SuspendableCallable<?> body, Object owner) {
        super(owner);
        this.body = body;
        this.mode = NEW;
    }

    /**
     * Makes this task, a generator's or a coroutine's, close when its body ends (returns, throws, or is
     * closed) every task that the body started and left unfinished, the latest started first: on a
     * {@link #close}, before the exit reaches the body (innermost first, as Python's unwinding frees a
     * loop's generator before the handlers run); after the body's own {@code finally} blocks when it
     * returns or throws.
     */
    public void closeStartedOnEnd() {
        closesStarted = true;
    }

    /**
     * Throws when this JVM runs no woven code, as a task's first start would: for a caller that starts
     * threads before any task runs ({@code HubGroup.start}), so that the error reaches its caller
     * rather than the threads. Checked once: after woven code has been seen, it costs a field read.
     *
     * @throws NotWovenError when nothing is woven (no agent, no weaving at build time)
     */
    public static void requireWoven() {
        if (!Weaving.woven) {
            Weaving.require(null);
        }
    }

    /** {@return the body, as given} */
    public Object body() {
        return body;
    }

    /** {@return true before the first {@link #resume}} */
    public boolean isNew() {
        return mode == NEW;
    }

    /** {@return true once the body has returned or thrown} */
    public boolean isDone() {
        return mode >= DONE;
    }

    /**
     * {@return true when the body ended while a suspension was unwinding (a method between it and the
     * suspension point is not woven): whatever it was waiting in, it never left}
     */
    public boolean lostSuspension() {
        return mode == LOST;
    }

    /**
     * Runs the body until it next suspends or ends.
     *
     * <p>A suspended task's stack keeps the mode {@link Stack#SUSPENDING} until it is resumed, so that
     * "suspended" needs no state of its own: a round trip writes no bookkeeping beyond the mode.
     *
     * @param sent the value the pending primitive returns in the body (ignored on the first run)
     * @param toThrow thrown at the pending suspension point instead, or null
     * @return the value the body suspended with; once it has ended, a callable body's value (null for a runnable)
     * @throws IllegalStateException when the task has finished or is running already
     */
    public Object resume(Object sent, Throwable toThrow) {
        return resume(sent, toThrow, true);
    }

    /**
     * Like {@link #resume}, but an exception escaping the body comes out as the body threw it: a
     * checked one is not wrapped in {@link CoroutineException} (for a spawned greenlet, which keeps it).
     *
     * @param sent the value the pending primitive returns in the body
     * @param toThrow thrown at the pending suspension point instead, or null
     * @return the value the body suspended with; once it has ended, a callable body's value (null for a runnable)
     */
    public Object resumeUnwrapped(Object sent, Throwable toThrow) {
        return resume(sent, toThrow, false);
    }

    private Object resume(Object sent, Throwable toThrow, boolean wrap) {
        Stack s = this;
        if (s.mode != Stack.SUSPENDING) {
            start(toThrow);
        } else {
            if (toThrow != null) {
                s.transfer = new Stack.Thrown(toThrow);
            } else if (sent != null) {
                // null between resumes (the primitive clears it as it ends the restore): a switch, which
                // sends null, stores nothing
                s.transfer = sent;
            }
            s.mode = Stack.RESUMING;
        }
        Carrier carrier = Carrier.current();
        Stack previous = carrier.stack;
        carrier.stack = s;
        Object b = body;
        Object value = null;
        try {
            if (b instanceof SuspendableRunnable) {
                ((SuspendableRunnable) b).run();
            } else {
                value = ((SuspendableCallable<?>) b).call();
            }
        } catch (Throwable t) {
            carrier.stack = previous;
            throw failed(t, wrap);
        }
        carrier.stack = previous;
        if (s.mode == Stack.SUSPENDING && s.topIs(b instanceof SuspendableRunnable ? BODY_ID : CALL_ID)) {
            Object out = s.transfer;
            if (out != null) {
                // a greenlet's switch and a wait hand over nothing: no store then
                s.transfer = null;
            }
            return out;
        }
        ended();
        return value;
    }

    /** {@link #failed}, then the tasks the body started are closed: their exceptions go with the body's. */
    private RuntimeException failedClosingStarted(Throwable t, boolean wrap) {
        Throwable out;
        try {
            out = failedOnly(t, wrap);
        } catch (Throwable thrown) {
            out = thrown;
        }
        Throwable left = closeStarted(out);
        // left: the body was closed, and its CoroutineExit holds nothing; close() throws what they threw
        throw Task.<RuntimeException>sneaky(left != null ? left : out);
    }

    /** {@link #ended}, then the tasks the body started are closed: the first exception they throw comes out here. */
    private void endedClosingStarted() {
        try {
            endedOnly();
        } catch (RuntimeException | Error e) {
            closeStarted(e);
            throw e;
        }
        Throwable left = closeStarted(null);
        if (left != null) {
            throw Task.<RuntimeException>sneaky(left);
        }
    }

    /**
     * Marks this task, suspended because its body waits in the greenlet that drives it, as running for
     * anyone but its driver: {@link #resume} and {@link #close} refuse it until {@link #resumeWaiting}.
     */
    public void markWaiting() {
        mode = WAITING;
    }

    /**
     * The driver's {@link #resume} of a task marked by {@link #markWaiting}, once the greenlet is back.
     *
     * @param sent what the greenlet's switch returned, which the body's wait returns
     * @param toThrow raised at the body's wait instead, or null
     * @return what {@link #resume} returns
     */
    public Object resumeWaiting(Object sent, Throwable toThrow) {
        if (mode == WAITING) {
            mode = Stack.SUSPENDING;
        }
        return resume(sent, toThrow);
    }

    /** Checks a first run is allowed and prepares it; anything else here is misuse. */
    private void start(Throwable toThrow) {
        if (mode >= DONE) {
            throw new IllegalStateException("coroutine already finished");
        }
        if (mode == WAITING) {
            throw waiting();
        }
        if (mode != NEW) {
            throw new IllegalStateException("coroutine already running: it cannot resume itself");
        }
        if (!Weaving.woven) {
            // the first task of the JVM: when nothing is woven, one clear error now, before any body runs
            Weaving.require(owner);
        }
        mode = Stack.RUNNING;
        if (toThrow != null) {
            mode = DONE;
            throw unchecked(toThrow);
        }
        if (closesStarted) {
            // a generator or coroutine started in the body of another: never a greenlet, which a body's
            // wait in plain code may start as it runs the hub
            Stack by = Stack.current();
            if (by instanceof Task && ((Task) by).closesStarted) {
                ((Task) by).startedHere(this);
            }
        }
    }

    /**
     * Notes {@code child}, started by this body, after the others. The tasks noted fill the array from
     * its start; when it is full, the finished ones are dropped first, and it grows only when more than
     * half are still unfinished, so that a body that runs many generators to their end keeps a short array.
     */
    private void startedHere(Task child) {
        Task[] tasks = started;
        if (tasks == null) {
            started = tasks = new Task[2];
        }
        int n = filled(tasks);
        if (n == tasks.length) {
            n = 0;
            for (Task t : tasks) {
                if (!t.isDone()) {
                    tasks[n++] = t;
                }
            }
            Arrays.fill(tasks, n, tasks.length, null);
            if (n > tasks.length / 2) {
                started = tasks = Arrays.copyOf(tasks, tasks.length * 2);
            }
        }
        tasks[n] = child;
    }

    /** {@return how many slots at the start of {@code tasks} are taken} (they are all at the start) */
    private static int filled(Task[] tasks) {
        int lo = 0;
        int hi = tasks.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (tasks[mid] != null) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Closes the tasks this body started and left unfinished, the latest first (each closes its own in
     * turn). What they throw is added to {@code propagating}, the exception the body ended with, when
     * that can hold it; otherwise it is returned (the first, the others suppressed onto it).
     *
     * @return what no exception could take, or null
     */
    private Throwable closeStarted(Throwable propagating) {
        Task[] tasks = started;
        started = null;
        Throwable first = null;
        boolean attach = propagating != null && !(propagating instanceof CoroutineExit);
        for (int i = tasks.length - 1; i >= 0; i--) {
            Task t = tasks[i];
            // one running now (driven by code below this body on the thread, or waiting in a greenlet
            // that iterates it) is its driver's to close
            if (t == null || t.isDone() || t.mode == Stack.RUNNING || t.mode == Stack.RESUMING || t.mode == WAITING) {
                continue;
            }
            try {
                t.close();
            } catch (Throwable x) {
                if (attach) {
                    propagating.addSuppressed(x);
                } else if (first == null) {
                    first = x;
                } else {
                    first.addSuppressed(x);
                }
            }
        }
        return first;
    }

    /** The body threw: {@link #failedOnly}, then the tasks it started are closed. */
    private RuntimeException failed(Throwable t, boolean wrap) {
        // the tasks the body started are handled here, not in resume: resume's size is what a
        // generator's element pays for in inlining (GeneratorIteration), and it stays as it was
        return started == null ? failedOnly(t, wrap) : failedClosingStarted(t, wrap);
    }

    /** The body threw: the task is done, and a throw in the middle of an unwinding means a lost suspension. */
    private RuntimeException failedOnly(Throwable t, boolean wrap) {
        Stack s = this;
        boolean lost = s.mode == Stack.SUSPENDING && !(t instanceof dev.weft.WeaveError);
        int end = s.mode == Stack.SUSPENDING ? LOST : DONE;
        s.reset();
        s.mode = end;
        if (lost) {
            IllegalStateException e = Stack.lost("a suspension was lost: the coroutine body threw while "
                    + "a suspension was unwinding, because a method between the body and the suspension "
                    + "point is not woven. " + Stack.fixForUnwoven());
            e.initCause(t);
            return e;
        }
        return wrap ? unchecked(t) : Task.<RuntimeException>sneaky(t);
    }

    /** The body returned without a proper suspension: {@link #endedOnly}, then the tasks it started are closed. */
    private void ended() {
        if (started == null) {
            endedOnly();
        } else {
            endedClosingStarted();
        }
    }

    /** The body returned without a proper suspension: it finished, or something was not woven. */
    private Object endedOnly() {
        Stack s = this;
        int mode = s.mode;
        s.reset();
        s.mode = mode == Stack.SUSPENDING ? LOST : DONE;
        if (mode == Stack.SUSPENDING) {
            throw Stack.lost("a suspension was lost: the coroutine body returned while a suspension was "
                    + "unwinding, so it went on running after the suspension point. The body, or a "
                    + "method between it and the suspension point, is not woven. " + Stack.fixForUnwoven());
        }
        if (mode == Stack.RESUMING) {
            throw Stack.corrupt("the coroutine body returned without reaching its suspension point while "
                    + "resuming: the body is not woven. " + Stack.fixForUnwoven());
        }
        return null;
    }

    /**
     * Ends a suspended task by throwing {@link CoroutineExit} at its suspension point, so that its
     * {@code finally} blocks run; a task that has not started or has finished is simply marked done.
     *
     * @throws IllegalStateException when the body catches the exit and suspends again
     */
    public void close() {
        if (mode == Stack.RUNNING || mode == Stack.RESUMING) {
            throw new IllegalStateException("coroutine is running: it cannot close itself");
        }
        if (mode == WAITING) {
            throw waiting();
        }
        if (mode != Stack.SUSPENDING) {
            if (mode == NEW) {
                mode = DONE;
            }
            return;
        }
        // innermost first, as Python's unwinding frees a loop's generator before the handlers run: what
        // the body started is closed before the exit reaches the body's own finally blocks
        Throwable inner = started == null ? null : closeStarted(null);
        try {
            resume(null, new CoroutineExit());
        } catch (CoroutineExit expected) {
            if (inner != null) {
                throw Task.<RuntimeException>sneaky(inner);
            }
            return;
        } catch (Throwable other) {
            if (inner != null && other != inner) {
                other.addSuppressed(inner);
            }
            throw other;
        }
        if (mode < DONE) {
            reset();
            mode = DONE;
            IllegalStateException e = new IllegalStateException("coroutine ignored CoroutineExit: it suspended again after close()");
            if (started != null) {
                closeStarted(e);
            }
            throw e;
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
        return suspend(value, id, what, Stack.current());
    }

    /**
     * The same primitive, called by woven code, which holds the current stack already.
     *
     * @param value the value to hand to the driver
     * @param id the identity of the public primitive the woven code called
     * @param what that primitive's name, for the error message
     * @param s the current stack
     * @return the value the driver sends in, or null while suspending
     */
    public static Object suspend(Object value, int id, String what, Stack s) {
        if (s.mode == Stack.RESUMING) {
            Object in = s.endResume(id, what);
            if (in instanceof Stack.Thrown) {
                Throwable raised = ((Stack.Thrown) in).exception;
                if (raised instanceof SwitchRefused) {
                    ((SwitchRefused) raised).raisedAtWait();
                }
                throw Task.<RuntimeException>sneaky(raised);
            }
            return in;
        }
        if (Verifier.ON && s.owner != null) {
            Verifier.checkSuspension(what);
        }
        if (!s.beginSuspend(id, value)) {
            throw cannotSuspend(s, what);
        }
        return null;
    }

    /** The error for a task whose body waits in the greenlet that drives it (see {@link #markWaiting}). */
    private IllegalStateException waiting() {
        String kind = owner != null && owner.getClass().getSimpleName().equals("Generator") ? "generator" : "coroutine";
        return new IllegalStateException(kind + " already running: its body waits in the greenlet that drives it, "
                + "and goes on when that greenlet is resumed");
    }

    private static IllegalStateException cannotSuspend(Stack s, String what) {
        if (s.owner == null) {
            return new IllegalStateException(what + " called outside a coroutine: only a body run by a "
                    + "Coroutine or Generator (or a @Suspendable method it calls) can yield");
        }
        return Stack.lost(what + " was called while a suspension was unwinding: a method that called a "
                + "suspendable method went on running instead of suspending. That method is not woven; "
                + "annotate it with @Suspendable");
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
