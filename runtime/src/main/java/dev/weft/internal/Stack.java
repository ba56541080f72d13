package dev.weft.internal;

import java.util.Arrays;

/**
 * The saved frames of one suspended coroutine: what woven code calls. Not API.
 *
 * <p>Frames are saved innermost first while a suspension unwinds (each woven method pushes its
 * operand stack, then its locals, then a record of its identity and resume point) and restored
 * outermost first when the coroutine is resumed, so one LIFO stack serves both directions and no
 * bookkeeping happens on calls that do not suspend. Primitive values live in a {@code long[]},
 * references in an {@code Object[]}; a reference slot is cleared as soon as it is popped.
 *
 * <pre>
 *   primitive: id                                the suspending primitive's frame, below all records
 *   records: [ id | state ] [ id | state ] ...   one long per saved woven frame, innermost at the bottom
 *   prims:   [ long ] [ long ] ...               ints, floats (raw bits), longs, doubles (raw bits)
 *   refs:    [ Object ] [ Object ] ...
 * </pre>
 *
 * <p>The bottom record and the bottom reference are fields ({@code record0}, {@code ref0}); the arrays
 * hold the rest, from index 1 at their index 0. A greenlet suspended in a one-frame wait (a body that
 * sleeps, with one reference live across the sleep) keeps no array at all: the fields cost 12 bytes of
 * the task, two arrays of one element 48.
 *
 * <p>A coroutine's stack is its {@link Task}, the one subclass; a plain {@code Stack} is the stack of
 * threads that run no coroutine.
 */
public sealed class Stack permits Task {
    /** Running normally: every woven call returns its real result. */
    public static final int RUNNING = 0;
    /** A primitive has suspended: every woven frame saves itself and returns a dummy. */
    public static final int SUSPENDING = 1;
    /** Frames are being restored: every woven method entered pops its record and jumps back. */
    public static final int RESUMING = 2;

    /** An identity that matches any callee: used where a call reaches its target through a forwarder. */
    public static final int ANY_CALLEE = 0;

    private static final long[] NO_LONGS = {};
    private static final Object[] NO_REFS = {};
    /**
     * The capacity of each array once it is first needed (its slot 0 is the stack's second, the first
     * is a field); each doubles when full. Small, because a greenlet of the hub usually suspends a few
     * frames deep and a server keeps thousands of them suspended.
     */
    private static final int FIRST_CAPACITY = 1;

    /** The stack of threads that are not running a coroutine: never suspends, never resumes. */
    static final Stack NONE = new Stack(null);

    /** The current mode; woven code reads it after every suspendable call and at every entry. */
    public int mode;

    /*
     * The arrays start empty (shared, zero-length) and get their first real capacity when a frame is
     * first saved: a greenlet that never suspends (spawned, run, finished) allocates none of them.
     */
    private long[] prims = NO_LONGS;
    private int pp;
    /** The references saved, from the second: {@code refs[i - 1]} is reference {@code i}. */
    private Object[] refs = NO_REFS;
    /** The first reference saved (the innermost frame's), while {@code rp > 0}. */
    private Object ref0;
    private int rp;
    /**
     * One record per saved woven frame, innermost first, from the second: {@code records[f - 1]} is
     * record {@code f}. A record holds the method's identity in the high half; in the low half its
     * state, the number of its suspension point in the JVM, which the agent can name ({@link SiteNames}).
     * The suspending primitive's frame is {@link #primitive}.
     */
    private long[] records = NO_LONGS;
    /** The first record (the innermost woven frame's), while {@code fp > 0}. */
    private long record0;
    private int fp;
    /**
     * The identity of the primitive that suspended, while suspended: its frame, below every record,
     * needs no state, so it is kept here rather than in the records (a sleeping greenlet's body then
     * keeps one record, not two). 0 otherwise.
     */
    private int primitive;
    /**
     * The identity of the frame on top while a suspension unwinds (the primitive's, then each record's as
     * it is pushed): what {@link #unwind} checks its callee against without reading the record back.
     * Stale once the restore has begun: a restore pops every record before the next suspension begins.
     */
    private int top;

    /** The coroutine these frames belong to, or null for {@link #NONE}. */
    final Object owner;
    /**
     * A value in transit: yielded out while suspending, sent in while resuming; or, when resuming with
     * an exception, that exception in a {@link Thrown}, which the primitive throws instead of returning.
     */
    Object transfer;

    Stack(Object owner) {
        this.owner = owner;
    }

    /**
     * {@return the API object ({@code Coroutine}, {@code Generator}, {@code Greenlet}) these frames belong
     * to, or null}
     */
    public Object owner() {
        return owner;
    }

    /**
     * Returns the stack of the coroutine running on the current thread: what a woven method reads on
     * entry.
     *
     * @return the running coroutine's stack, or a stack that never suspends when there is none
     */
    public static Stack current() {
        Carrier c = Carrier.last;
        if (c.thread == Thread.currentThread()) {
            return c.stack;
        }
        return Carrier.slow().stack;
    }

    /**
     * Returns the identity a woven method's saved frames carry, which its caller checks on resume.
     *
     * @param nameAndDescriptor the method's (or functional-interface method's) name followed by its
     *     descriptor, such as {@code run()V}
     * @return the identity, never {@link #ANY_CALLEE}
     */
    public static int idOf(String nameAndDescriptor) {
        int h = nameAndDescriptor.hashCode();
        return h == ANY_CALLEE ? 1 : h;
    }

    /** The names of the suspension primitives by identity: what a suspended stack's top frame shows. */
    private static final java.util.Map<Integer, String> PRIMITIVES = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Returns the identity of a suspension primitive of the runtime and remembers its name, which
     * {@link #suspendedAt()} shows for its frame (the stack keeps only the identity).
     *
     * @param nameAndDescriptor the primitive's public method, as for {@link #idOf}
     * @param name how a suspended stack names it, such as {@code Greenlet.switchTo()}
     * @return the identity
     */
    public static int primitive(String nameAndDescriptor, String name) {
        int id = idOf(nameAndDescriptor);
        PRIMITIVES.put(id, name);
        return id;
    }

    static {
        // woven code yields through Task.suspend directly, perhaps before Coroutine or Generator is initialised
        primitive("yield(Ljava/lang/Object;)Ljava/lang/Object;", "Coroutine.yield(value)");
        primitive("yield()Ljava/lang/Object;", "Coroutine.yield()");
        primitive("yield(Ljava/lang/Object;)V", "Generator.yield(value)");
    }

    /** An exception to raise at the suspension point, in transit as {@link #transfer}. */
    static final class Thrown {
        final Throwable exception;

        Thrown(Throwable exception) {
            this.exception = exception;
        }
    }

    private static long record(int id, int state) {
        return ((long) id << 32) | (state & 0xFFFFFFFFL);
    }

    private static int idOf(long record) {
        return (int) (record >>> 32);
    }

    // ---- entry of a woven method --------------------------------------------------------------

    /**
     * Called on entry of a woven method when {@link #mode} is not {@link #RUNNING}: pops this frame's
     * record and returns the index of the suspension point to resume at.
     *
     * @param id the identity of the method being entered
     * @param method {@code Owner.name(descriptor)} of that method, for the error message
     * @return the suspension-point index saved by this frame
     */
    public int enter(int id, String method) {
        int f = fp - 1;
        if (f >= 0 && mode == RESUMING) {
            long r = recordAt(f);
            if (idOf(r) == id) {
                fp = f;
                return (int) r;
            }
        }
        return enterSlow(id, method);
    }

    /** {@return record {@code f}, which must exist} */
    private long recordAt(int f) {
        return f == 0 ? record0 : records[f - 1];
    }

    private int enterSlow(int id, String method) {
        if (mode != RESUMING) {
            throw lost(method + " was called while a suspension was unwinding: a method that called a "
                    + "suspendable method went on running instead of suspending. That method is not woven; "
                    + "annotate it with @Suspendable");
        }
        if (fp == 0) {
            throw corrupt(method + " is resuming, but no frame is left to restore");
        }
        long r = recordAt(--fp);
        int saved = idOf(r);
        if (saved != id && saved != ANY_CALLEE && id != ANY_CALLEE) {
            throw corrupt(method + " is resuming a frame that another method saved: a method between the "
                    + "coroutine and " + method + " is not woven; annotate it with @Suspendable");
        }
        return (int) r;
    }

    // ---- unwinding ------------------------------------------------------------------------------

    /**
     * Called by a woven frame that is unwinding, after it pushed its stack and locals: checks that the
     * frame on top is the callee's and pushes this frame's record.
     *
     * @param calleeId the identity the frame above must have ({@link #ANY_CALLEE} to skip the check)
     * @param callee {@code Owner.name(descriptor)} of the call, for the error message
     * @param id this method's identity
     * @param state the number of the suspension point being unwound, in the JVM (the agent numbers every
     *     suspension point it weaves; {@link SiteNames} names it for {@link #suspendedAt()} and errors)
     */
    public void unwind(int calleeId, String callee, int id, int state) {
        // pushRecord's work, written out for the usual case (the records have room): every unwinding
        // frame comes this way, and a round trip 20 frames deep measured slower through the call
        if (top == calleeId) {
            int f = fp;
            if (f == 0) {
                record0 = record(id, state);
                fp = 1;
                top = id;
                return;
            }
            long[] r = records;
            if (f <= r.length) {
                r[f - 1] = record(id, state);
                fp = f + 1;
                top = id;
                return;
            }
        }
        unwindSlow(calleeId, callee, id, state);
    }

    private void unwindSlow(int calleeId, String callee, int id, int state) {
        // also the way of a frame that finds the records full: the name is looked up for errors only
        if (fp == 0 && primitive == 0) {
            throw corrupt("no saved frame above " + SiteNames.name(state));
        }
        int onTop = top;
        if (onTop != calleeId && onTop != ANY_CALLEE && calleeId != ANY_CALLEE
                && !MethodReferences.isAlias(calleeId, onTop)) {
            throw lost("a suspension was lost between " + SiteNames.name(state) + " and its call to " + callee
                    + ": a method in between is not woven and went on running after the suspension. "
                    + fixForUnwoven());
        }
        pushRecord(id, state);
    }

    private void pushRecord(int id, int state) {
        top = id;
        int f = fp;
        if (f == 0) {
            record0 = record(id, state);
        } else {
            if (f > records.length) {
                growRecords();
            }
            records[f - 1] = record(id, state);
        }
        fp = f + 1;
    }

    private void growRecords() {
        records = Arrays.copyOf(records, grown(records.length));
    }

    /**
     * Where a suspended coroutine stands: one line per saved frame, innermost first, as a stack trace
     * names frames ({@code pkg.Owner.name(File.java:line)}; the innermost is the suspending
     * primitive). Empty unless the coroutine is suspended.
     *
     * @return the frames, innermost first
     */
    public java.util.List<String> suspendedAt() {
        java.util.List<String> frames = new java.util.ArrayList<>(fp + 1);
        if (mode == SUSPENDING) {
            frames.add(PRIMITIVES.getOrDefault(primitive, "a suspension primitive"));
            for (int f = 0; f < fp; f++) {
                frames.add(SiteNames.name((int) recordAt(f)));
            }
        }
        return frames;
    }

    // ---- the primitive's side -----------------------------------------------------------------

    /**
     * Starts a suspension: the primitive's frame (its identity) goes below all records, and every woven
     * frame on the way out will save itself. Returns false when this stack cannot suspend now (the caller
     * reports why).
     */
    boolean beginSuspend(int id, Object value) {
        if (owner == null || mode != RUNNING) {
            return false;
        }
        if (value != null) {
            // null while running (cleared as the last restore ended): a greenlet's switch stores nothing
            transfer = value;
        }
        primitive = id;
        top = id;
        mode = SUSPENDING;
        return true;
    }

    /** Ends a restore at the primitive that suspended: checks and clears its identity and hands over the sent value. */
    Object endResume(int id, String what) {
        if (fp != 0 || primitive != id) {
            throw corrupt(what + " is resuming, but the saved frame was not its own");
        }
        primitive = 0;
        mode = RUNNING;
        Object in = transfer;
        if (in != null) {
            // usually null (a switch, a wait's wake sends nothing): no store, no collector barrier
            transfer = null;
        }
        return in;
    }

    /**
     * True, while a suspension unwinds, when the frame on top belongs to a method with identity
     * {@code id} (or to any method).
     */
    boolean topIs(int id) {
        int onTop = top;
        if (onTop == 0) {
            return false;
        }
        return onTop == id || onTop == ANY_CALLEE || MethodReferences.isAlias(id, onTop);
    }

    /** Drops every saved frame and clears every reference slot. */
    void reset() {
        if (rp > 1) {
            Arrays.fill(refs, 0, rp - 1, null);
        }
        ref0 = null;
        rp = 0;
        pp = 0;
        fp = 0;
        primitive = 0;
        top = 0;
        mode = RUNNING;
        transfer = null;
    }

    // ---- typed storage --------------------------------------------------------------------------

    /**
     * Saves an int (also boolean, byte, char, short).
     *
     * @param v the value, restored by {@link #popI()}
     */
    public void pushI(int v) {
        int p = pp;
        if (p == prims.length) {
            growPrims();
        }
        prims[p] = v;
        pp = p + 1;
    }

    /**
     * Saves a float.
     *
     * @param v the value, restored by {@link #popF()}
     */
    public void pushF(float v) {
        pushI(Float.floatToRawIntBits(v));
    }

    /**
     * Saves a long.
     *
     * @param v the value, restored by {@link #popL()}
     */
    public void pushL(long v) {
        int p = pp;
        if (p == prims.length) {
            growPrims();
        }
        prims[p] = v;
        pp = p + 1;
    }

    /**
     * Saves a double.
     *
     * @param v the value, restored by {@link #popD()}
     */
    public void pushD(double v) {
        pushL(Double.doubleToRawLongBits(v));
    }

    /**
     * Saves a reference.
     *
     * @param v the value, restored by {@link #popA()}
     */
    public void pushA(Object v) {
        int p = rp;
        if (p == 0) {
            ref0 = v;
        } else {
            if (p > refs.length) {
                growRefs();
            }
            refs[p - 1] = v;
        }
        rp = p + 1;
    }

    private void growPrims() {
        prims = Arrays.copyOf(prims, grown(prims.length));
    }

    private void growRefs() {
        refs = Arrays.copyOf(refs, grown(refs.length));
    }

    private static int grown(int length) {
        return length == 0 ? FIRST_CAPACITY : length * 2;
    }

    /** {@return the int saved last by {@link #pushI}} */
    public int popI() {
        return (int) prims[--pp];
    }

    /** {@return the float saved last by {@link #pushF}} */
    public float popF() {
        return Float.intBitsToFloat((int) prims[--pp]);
    }

    /** {@return the long saved last by {@link #pushL}} */
    public long popL() {
        return prims[--pp];
    }

    /** {@return the double saved last by {@link #pushD}} */
    public double popD() {
        return Double.longBitsToDouble(prims[--pp]);
    }

    /**
     * {@return the reference saved last by {@link #pushA}} Its slot is cleared, so the stack does not
     * keep the object alive.
     */
    public Object popA() {
        int p = rp - 1;
        Object v;
        if (p == 0) {
            v = ref0;
            ref0 = null;
        } else {
            Object[] r = refs;
            v = r[p - 1];
            r[p - 1] = null;
        }
        rp = p;
        return v;
    }

    // ---- errors ---------------------------------------------------------------------------------

    /**
     * Called by a woven method whose entry found a saved state that is none of its suspension points:
     * its class was redefined with other suspension points while a coroutine was suspended in it. The
     * caller throws the result.
     *
     * @param method {@code Owner.name(descriptor)} of that method
     * @return the error to throw
     */
    public RuntimeException unknownState(String method) {
        int state = (int) recordAt(fp);
        return corrupt(method + " is resuming at suspension point #" + state + " (" + SiteNames.name(state)
                + "), which its code no longer has: the class was redefined with different suspension points "
                + "while a coroutine was suspended in it, so the coroutine cannot go on");
    }

    /**
     * Called by a method the agent refused to make resumable when a suspension reaches it; the caller
     * throws the result.
     *
     * @param message the method, the line and the fix, as the agent wrote them
     * @return the error to throw
     */
    public static Error refuse(String message) {
        return new dev.weft.WeaveError(message);
    }

    /**
     * What to do about code that was not woven: install the agent when nothing is woven (see
     * {@link Weaving}), otherwise annotate the method.
     */
    static String fixForUnwoven() {
        if (!Weaving.woven && System.getProperty("weft.agent") == null) {
            return "The Weft agent is not installed, so nothing is woven: start the JVM with "
                    + "-javaagent:weft-agent.jar (or test with the Weft JUnit extension)";
        }
        return "Fix: annotate it with @Suspendable (run with -Dweft.verify=true to have the method named)";
    }

    static IllegalStateException lost(String message) {
        return new IllegalStateException("Weft: " + message);
    }

    static IllegalStateException corrupt(String message) {
        return new IllegalStateException("Weft: " + message);
    }
}
