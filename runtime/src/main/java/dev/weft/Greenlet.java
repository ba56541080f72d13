package dev.weft;

import dev.weft.internal.Task;
import java.util.Objects;

/**
 * A symmetric coroutine with the semantics of Python's greenlet: any greenlet can switch to any
 * other greenlet of its thread, passing a value.
 *
 * <p>The plain code of a thread (for example {@code main}) is that thread's root greenlet: switching
 * from it runs greenlets until one of them switches back to it. A greenlet's {@linkplain #parent()
 * parent} is the greenlet that was current when it was created; when a greenlet's body returns, its
 * result is switched to the parent, and an exception escaping the body is raised in the parent (a
 * {@link GreenletExit} is passed to the parent as a value instead). A greenlet lives on the thread
 * that created it.
 *
 * <pre>{@code
 * Greenlet[] gr = new Greenlet[2];
 * gr[0] = new Greenlet(() -> { print(12); gr[1].switchTo(); print(34); gr[1].switchTo(); });
 * gr[1] = new Greenlet(() -> { print(56); gr[0].switchTo(); print(78); });
 * gr[0].switchTo(); // prints 12, 56, 34, 78
 * }</pre>
 *
 * <p>The greenlets the hub spawns are greenlets too: {@link SpawnedGreenlet} (gevent's {@code Greenlet},
 * a subclass of greenlet's) is the one subclass, and inside its body {@link #current()} is the spawned
 * greenlet itself.
 *
 * <p>A switch (or a wait on the hub) inside a {@link Coroutine}'s or {@link Generator}'s body that
 * runs in a greenlet suspends that greenlet with the body's frames kept below its own, as in Python;
 * the body goes on where it was when the greenlet is resumed. The greenlet must drive the body from
 * woven code: a generator iterated by a stream, say, cannot let its greenlet switch, and the switch
 * throws {@code IllegalStateException} instead (see {@link Generator}).
 */
public sealed class Greenlet permits SpawnedGreenlet {
    /** The thread's greenlets this one belongs to. */
    final Trampoline home;
    /** The body's task; null for a root greenlet. */
    final Task task;
    Greenlet parent;
    /**
     * Its own waiter for waits with no time limit, reused from wait to wait (see
     * {@code Hub.Waiter.ownForCurrent}); null until the first.
     */
    Hub.Waiter waiter;
    /**
     * The greenlet's sleep in {@code Hub.sleep}: the sequence of its timer entry in the low half, then
     * {@code Hub.SLEEP_TIMED}, {@code Hub.SLEEP_WOKEN} and {@code Hub.SLEEP_TAKEN} (all 0 when it is not
     * asleep), and above them the number of its stale run-queue entries. A sleeping greenlet is its own entry in the timer queue
     * and on the run queue; this tells a live entry from a stale one.
     */
    long sleep;

    /** {@return true while it is in {@code Hub.sleep}: asleep, or woken and waiting for its turn} */
    final boolean isAsleep() {
        return (sleep & Hub.SLEEP_NOW) != 0;
    }

    /**
     * Creates a greenlet that has not started; its parent is the current greenlet.
     *
     * @param run the body; the first switch into the greenlet starts it, ignoring the value passed
     */
    public Greenlet(SuspendableRunnable run) {
        this.home = Trampoline.get();
        this.parent = home.current;
        // The body is the task's own: no adapter frame to save and restore at every switch.
        this.task = new Task(Objects.requireNonNull(run, "run"), this);
    }

    /**
     * Creates a greenlet that has not started, whose body takes the value of the first switch into it
     * and returns the value switched to its parent when it ends; its parent is the current greenlet.
     *
     * @param run the body
     * @param <T> the type of the first switch's value (checked only when the body uses it)
     */
    @SuppressWarnings("unchecked")
    public <T> Greenlet(SuspendableFunction<T, ?> run) {
        // the body is the Apply, which is all the greenlet needs to keep of it (see apply())
        Apply apply = new Apply((SuspendableFunction<Object, ?>) Objects.requireNonNull(run, "run"));
        this.home = Trampoline.get();
        this.parent = home.current;
        this.task = new Task(apply, this);
    }

    /**
     * A greenlet of {@code home}'s thread with the given parent, for the hub's spawned greenlets: no
     * thread-local lookup and no parent checks (the hub's greenlet is a valid parent by construction).
     * Its body is {@code run} when that is not null, else {@code call}, whose value its last resume
     * returns; either is the task's own.
     */
    Greenlet(Trampoline home, Greenlet parent, SuspendableRunnable run, SuspendableCallable<?> call) {
        this.home = home;
        this.parent = parent;
        this.task = run != null ? new Task(run, this) : new Task(call, this);
    }

    /** The root greenlet of the thread of {@code home}. */
    Greenlet(Trampoline home) {
        this.home = home;
        this.task = null;
    }

    /** {@return this greenlet as a spawned one, or null} */
    SpawnedGreenlet<?> spawned() {
        return this instanceof SpawnedGreenlet ? (SpawnedGreenlet<?>) this : null;
    }

    /**
     * Returns the greenlet running now on this thread: the thread's root greenlet in plain code.
     *
     * @return the current greenlet, never null
     */
    public static Greenlet current() {
        return Trampoline.get().current;
    }

    /**
     * Receives the switches of one thread's greenlets, like the function given to greenlet's
     * {@code settrace}; see {@link Greenlet#setTrace}.
     */
    @FunctionalInterface
    public interface Trace {
        /**
         * Called on every switch, after the switch, with {@code target} as the current greenlet.
         *
         * @param kind {@code "switch"}, or {@code "throw"} when an exception is raised in {@code target}
         * @param origin the greenlet that ran until now
         * @param target the greenlet that runs next
         */
        void event(String kind, Greenlet origin, Greenlet target);
    }

    /**
     * Sets the trace of the current thread's greenlets and returns the previous one, as greenlet's
     * {@code settrace}.
     *
     * <p>The trace gets a {@code "switch"} event each time control passes from one greenlet to another
     * (a body returning to its parent included) and a {@code "throw"} event when control passes with an
     * exception ({@code throwInto}, or a body dying of one). Switching to the current greenlet, and
     * {@code throwInto} a dead greenlet, switch nothing and trace nothing. An exception from the trace
     * removes the trace and is raised in the target at its pending switch (an unstarted target dies of
     * it unrun), replacing any exception the switch carried. The trace must not switch.
     *
     * @param trace the new trace, or null to remove the trace
     * @return the previous trace, or null
     */
    public static Trace setTrace(Trace trace) {
        Trampoline home = Trampoline.get();
        Trace previous = home.trace;
        home.trace = trace;
        return previous;
    }

    /**
     * Returns the greenlet that receives this one's result when it ends, or null for a root greenlet.
     *
     * @return the parent
     */
    public Greenlet parent() {
        return parent;
    }

    /**
     * Changes the parent.
     *
     * @param parent the new parent, a greenlet of the same thread
     * @throws IllegalArgumentException when {@code parent} is null, lives on another thread, is this
     *     greenlet or one of its descendants, or when this is a root greenlet
     */
    public void setParent(Greenlet parent) {
        if (parent == null) {
            throw new IllegalArgumentException("parent must be a greenlet, not null");
        }
        if (task == null) {
            throw new IllegalArgumentException("the root greenlet of thread \"" + home.thread.getName()
                    + "\" cannot have a parent");
        }
        if (parent.home != home) {
            throw new IllegalArgumentException("parent must live on the same thread: this greenlet belongs to "
                    + "thread \"" + home.thread.getName() + "\", the parent to thread \""
                    + parent.home.thread.getName() + "\"");
        }
        for (Greenlet g = parent; g != null; g = g.parent) {
            if (g == this) {
                throw new IllegalArgumentException("cyclic parent chain: the new parent is this greenlet or one "
                        + "of its descendants; a parent chain must end at the thread's root greenlet");
            }
        }
        this.parent = parent;
    }

    /**
     * {@return true once the body has returned or thrown, or was killed before it started; never for a
     * root greenlet}
     */
    public boolean isDead() {
        return task != null && task.isDone();
    }

    /** {@return true once the greenlet has been switched into (or killed); always for a root greenlet} */
    public boolean isStarted() {
        return task == null || !task.isNew();
    }

    /**
     * Switches to this greenlet, passing {@code null}; same as {@code switchTo(null)}.
     *
     * @return the value passed by the switch that comes back to the caller's greenlet
     */
    @Suspendable
    public Object switchTo() {
        return Trampoline.transfer(this, Trampoline.SWITCH0_ID, "Greenlet.switchTo()", null, null);
    }

    /**
     * Switches to this greenlet: an unstarted one starts (a body taking an argument gets
     * {@code value}), a suspended one's pending switch returns {@code value}, a dead one's parent
     * (or the first living ancestor) gets {@code value} instead.
     *
     * @param value the value handed over
     * @return the value passed by the switch that comes back to the caller's greenlet
     * @throws IllegalStateException when this greenlet lives on another thread, or when called inside a
     *     {@code Coroutine} or {@code Generator} body that is driven by code that cannot suspend
     */
    @Suspendable
    public Object switchTo(Object value) {
        return Trampoline.transfer(this, Trampoline.SWITCH_ID, "Greenlet.switchTo(value)", value, null);
    }

    /**
     * Switches to this greenlet and raises {@code exception} in it, at its pending switch; an unstarted
     * greenlet is killed without running and the exception goes to its parent ({@code GreenletExit}
     * as a value). A {@link SpawnedGreenlet} that has not started is killed without running and
     * without a switch, as gevent's are: it ends at once with the exception as its outcome (a
     * {@code GreenletExit} counts as killed) and this returns null. Does nothing and returns null when
     * the greenlet is dead.
     *
     * @param exception the exception to raise
     * @return the value passed by the switch that comes back to the caller's greenlet
     * @throws IllegalStateException when this greenlet lives on another thread, or when called inside a
     *     {@code Coroutine} or {@code Generator} body that is driven by code that cannot suspend
     */
    @Suspendable
    public Object throwInto(Throwable exception) {
        return Trampoline.transfer(this, Trampoline.THROW_ID, "Greenlet.throwInto(exception)", null, exception);
    }

    /** This greenlet, or its first ancestor that is not dead: where a switch to it really goes. */
    Greenlet alive() {
        Greenlet g = this;
        while (g.isDead()) {
            g = g.parent;
        }
        return g;
    }

    /** Called by the trampoline: runs the task until it switches away or ends. */
    void resume(Object value, Throwable toThrow) {
        if (task.isNew()) {
            Apply apply = apply();
            if (apply != null) {
                apply.argument = value;
            }
        }
        if (this instanceof SpawnedGreenlet) {
            // a spawned greenlet keeps the exception its body threw, checked or not
            Object out = task.resumeUnwrapped(value, toThrow);
            if (out != null && task.isDone()) {
                // the value of a callable body, which is the task's own
                ((SpawnedGreenlet<?>) this).outcome = out;
            }
        } else {
            task.resume(value, toThrow);
        }
    }

    /** Called by the trampoline: kills an unstarted greenlet without running it. */
    final void killUnstarted() {
        Apply apply = apply();
        if (apply != null) {
            apply.function = null;
        }
        task.close();
    }

    Object takeResult() {
        Apply apply = apply();
        if (apply == null) {
            return null;
        }
        Object r = apply.result;
        apply.result = null;
        return r;
    }

    /** {@return the body of a greenlet made from a function, or null} */
    private Apply apply() {
        Object body = task == null ? null : task.body();
        return body instanceof Apply ? (Apply) body : null;
    }

    /** The body of a greenlet made from a function: applies it to the first switch's value and keeps the result. */
    private static final class Apply implements SuspendableRunnable {
        SuspendableFunction<Object, ?> function;
        Object argument;
        Object result;

        Apply(SuspendableFunction<Object, ?> function) {
            this.function = function;
        }

        @Override
        @Suspendable
        public void run() throws Exception {
            Object arg = argument;
            argument = null;
            SuspendableFunction<Object, ?> body = function;
            function = null;
            result = body.apply(arg);
        }
    }

    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new CoroutineException(t);
    }

    @Override
    public String toString() {
        String state = task == null ? "root" : isDead() ? "dead" : isStarted() ? "started" : "new";
        SpawnedGreenlet<?> spawned = spawned();
        String name = spawned != null ? spawned.name() : "Greenlet@" + Integer.toHexString(hashCode());
        return name + "[" + state + ", thread " + home.thread.getName() + "]";
    }
}
