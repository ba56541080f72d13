package dev.weft;

import dev.weft.internal.NotWovenError;
import dev.weft.internal.Stack;
import dev.weft.internal.Task;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The greenlets of one thread: its root, the greenlet running now, and the loop that runs them.
 *
 * <p>Greenlets switch symmetrically, but a {@link Task} is asymmetric: it runs until it suspends and
 * then returns to whoever resumed it. The two meet here. Only the root greenlet, which is the thread's
 * plain code, ever resumes a task: its switch runs {@link #run}, a loop on the root's Java stack. A
 * greenlet that switches suspends its task and leaves a request (target, value or exception) in this
 * object; the loop then resumes that target, and so on, until a request targets the root, whose
 * switch then returns. Every switch between greenlets costs one unwind and one restore, and the Java
 * stack does not grow with the number of switches.
 *
 * <p>The switching code lives here rather than in {@code Greenlet} because a class that calls
 * {@code Stack} counts as woven already, and {@code Greenlet}'s body lambda must be woven.
 */
final class Trampoline {
    static final int SWITCH_ID = Stack.primitive("switchTo(Ljava/lang/Object;)Ljava/lang/Object;", "Greenlet.switchTo(value)");
    static final int SWITCH0_ID = Stack.primitive("switchTo()Ljava/lang/Object;", "Greenlet.switchTo()");
    static final int THROW_ID = Stack.primitive("throwInto(Ljava/lang/Throwable;)Ljava/lang/Object;", "Greenlet.throwInto(exception)");

    private static final ThreadLocal<Trampoline> LOCAL = ThreadLocal.withInitial(Trampoline::new);
    private static final VarHandle SWITCHES;

    static {
        try {
            SWITCHES = MethodHandles.lookup().findVarHandle(Trampoline.class, "switches", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Thread thread = Thread.currentThread();
    final Greenlet root = new Greenlet(this);
    Greenlet current = root;
    Greenlet.Trace trace;
    /** This thread's hub, once it has one. */
    Hub hub;
    /**
     * Bumped at every switch (and when the hub stops waiting); the monitor thread samples it. Written
     * by this thread only, with an opaque store: as cheap as a plain one, but never held back.
     */
    private long switches;

    // The pending request of the greenlet that suspended last, read by the loop.
    private Greenlet target;
    private Object value;
    private Throwable toThrow;
    /** The operation that made the pending request from a coroutine's body, for {@link Nesting}'s messages. */
    String requestedBy;

    private Trampoline() {
    }

    static Trampoline get() {
        return LOCAL.get();
    }

    /** Marks a switch, for the monitor. */
    void countSwitch() {
        SWITCHES.setOpaque(this, switches + 1);
    }

    /** The switch count as another thread sees it. */
    long switches() {
        return (long) SWITCHES.getOpaque(this);
    }

    /**
     * Every switch to {@code target}. From the root it runs the trampoline; from a greenlet it suspends that greenlet's
     * task with a request the trampoline reads. Woven callers call the public method again, with dummy
     * arguments, when they are restored: that call ends the restore here.
     */
    static Object transfer(Greenlet target, int id, String what, Object value, Throwable toThrow) {
        Stack s = Stack.current();
        if (s.mode == Stack.RESUMING) {
            return Task.suspend(null, id, what, s);
        }
        Trampoline home = target.home;
        Thread me = Thread.currentThread();
        if (home.thread != me) {
            throw new IllegalStateException(what + ": cannot switch to a greenlet of thread \""
                    + home.thread.getName() + "\" from thread \"" + me.getName()
                    + "\"; a greenlet runs only on the thread that created it");
        }
        if (toThrow != null && target.isDead()) {
            return null;
        }
        if (toThrow != null && !target.isStarted() && target.spawned() != null) {
            // gevent's rule for its greenlets: one that has not started ends at once with the exception as
            // its outcome, and nothing switches (its parent, the hub, would otherwise run with no way back)
            target.killUnstarted();
            target.spawned().ended(toThrow);
            return null;
        }
        Greenlet to = target.alive();
        Greenlet from = home.current;
        if (to == from) {
            if (toThrow != null) {
                throw Greenlet.unchecked(toThrow);
            }
            return value;
        }
        if (from == home.root) {
            return home.run(to, value, toThrow);
        }
        Hub hub = home.hub;
        if (hub != null && hub.inCallback && from == hub.greenlet) {
            // a callback is plain code in the hub's greenlet: it cannot suspend, and the hub must go on
            throw new IllegalStateException(what + " was called in a callback that the hub runs in its own "
                    + "greenlet (a submitted callback, a link), which cannot switch. Fix: spawn a greenlet for "
                    + "it (Hub.spawn(() -> g.kill()) to kill one), or set an Event that a greenlet waits for");
        }
        if (s.owner() != from) {
            if (!Nesting.isBody(s)) {
                throw new IllegalStateException(what + " was called in " + from + " by code that runs no "
                        + "greenlet's body and no coroutine's: there is nothing to suspend");
            }
            // a generator's or coroutine's body in this greenlet: its drivers pass the switch on
            Nesting.suspendBody(home, to, value, toThrow, id, what, s);
            return null;
        }
        home.request(to, value, toThrow);
        return Task.suspend(null, id, what, s);
    }

    /**
     * Withdraws the request of a switch that did not happen (a body's wait that its driver refused, see
     * {@link Nesting}): the greenlet it named, taken from the hub's run queue, is put back there.
     */
    void cancelRequest() {
        Greenlet t = target;
        target = null;
        value = null;
        toThrow = null;
        requestedBy = null;
        if (t != null && hub != null) {
            hub.requeue(t);
        }
    }

    /** Called by a greenlet about to suspend: what the loop is to do next. */
    void request(Greenlet to, Object v, Throwable t) {
        target = to;
        // value and exception are null between requests (the loop clears them): stored only when not null
        if (v != null) {
            value = v;
        }
        if (t != null) {
            toThrow = t;
        }
    }

    /**
     * Runs greenlets until one switches to the root, and returns what it passed (or throws what it
     * threw). Called by the root only; {@code to} is alive and not the root.
     */
    Object run(Greenlet to, Object v, Throwable t) {
        Greenlet origin = root;
        Greenlet g = to;
        while (true) {
            g = g.alive();
            current = g;
            countSwitch();
            if (trace != null) {
                t = traced(origin, g, t);
                v = t == null ? v : null;
            }
            if (g == root) {
                if (t != null) {
                    throw Greenlet.unchecked(t);
                }
                return v;
            }
            origin = g;
            if (t != null && !g.isStarted()) {
                // greenlet's rule: an exception thrown into an unstarted greenlet kills it unrun
                current = root;
                g.killUnstarted();
                if (g.spawned() != null) {
                    // a spawned greenlet ends with that exception as its outcome, as if it had thrown it
                    g.spawned().ended(t);
                    v = null;
                    t = null;
                    g = next(g);
                    continue;
                }
                v = exitValue(t);
                t = v == null ? t : null;
                g = g.parent;
                continue;
            }
            try {
                g.resume(v, t);
            } catch (Throwable died) {
                current = root;
                if (died instanceof NotWovenError) {
                    // nothing is woven: no greenlet can run, so the root gets the one error at once
                    throw (NotWovenError) died;
                }
                if (target != null) {
                    // it asked to switch, then died on its way out (a suspension lost in a method that is
                    // not woven): a greenlet it took from its hub's run queue must not be lost with it
                    if (hub != null) {
                        hub.requeue(target);
                    }
                    target = null;
                    value = null;
                    toThrow = null;
                }
                if (g.spawned() != null) {
                    // a spawned greenlet's exception is its outcome, kept on it; the hub goes on
                    g.spawned().ended(died);
                    if (g.task.lostSuspension() && hub != null) {
                        hub.forgetDeadWaiters(g);
                    }
                    v = null;
                    t = null;
                    g = next(g);
                    continue;
                }
                v = exitValue(died);
                t = v == null ? died : null;
                g = g.parent;
                continue;
            }
            if (g.isDead()) {
                current = root;
                v = g.takeResult();
                t = null;
                if (g.spawned() != null) {
                    g.spawned().ended(null);
                    if (g.task.lostSuspension() && hub != null) {
                        hub.forgetDeadWaiters(g);
                    }
                }
                Greenlet p = next(g);
                // the result goes to the parent; a greenlet the hub's run queue hands control to gets null
                v = p == g.parent ? v : null;
                g = p;
                continue;
            }
            // it switched away: on to its target, which becomes current at the top of the loop (one
            // reference store less per switch than passing through the root)
            g = target;
            v = value;
            t = toThrow;
            target = null;
            if (v != null) {
                value = null;
            }
            if (t != null) {
                toThrow = null;
            }
        }
    }

    /**
     * Where control goes when {@code g} has ended: its parent; for a greenlet of the hub, the next ready
     * greenlet, unless the hub has work first.
     */
    private Greenlet next(Greenlet g) {
        Greenlet p = g.parent;
        if (hub != null && p == hub.greenlet) {
            p = hub.next();
        }
        return p;
    }

    /**
     * Tells the trace of the switch from {@code origin} to {@code g}; returns what to raise in
     * {@code g}: {@code t}, or the trace's own exception, which also removes the trace (greenlet does both).
     */
    private Throwable traced(Greenlet origin, Greenlet g, Throwable t) {
        try {
            trace.event(t == null ? "switch" : "throw", origin, g);
            return t;
        } catch (Throwable fromTrace) {
            trace = null;
            return fromTrace;
        }
    }

    /** A greenlet that died of {@code GreenletExit} hands it to its parent as a value; other exceptions are raised there. */
    private static Object exitValue(Throwable died) {
        return died instanceof GreenletExit ? died : null;
    }
}
