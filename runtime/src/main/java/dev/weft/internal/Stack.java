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
 *   records: [ id | state ] [ id | state ] ...   one pair per saved frame, innermost at the bottom
 *   prims:   [ long ] [ long ] ...               ints, floats (raw bits), longs, doubles (raw bits)
 *   refs:    [ Object ] [ Object ] ...
 * </pre>
 */
public final class Stack {
    /** Running normally: every woven call returns its real result. */
    public static final int RUNNING = 0;
    /** A primitive has suspended: every woven frame saves itself and returns a dummy. */
    public static final int SUSPENDING = 1;
    /** Frames are being restored: every woven method entered pops its record and jumps back. */
    public static final int RESUMING = 2;

    /** An identity that matches any callee: used where a call reaches its target through a forwarder. */
    public static final int ANY_CALLEE = 0;

    /** The stack of threads that are not running a coroutine: never suspends, never resumes. */
    static final Stack NONE = new Stack(null);

    /** The current mode; woven code reads it after every suspendable call and at every entry. */
    public int mode;

    private long[] prims = new long[8];
    private int pp;
    private Object[] refs = new Object[8];
    private int rp;
    private int[] records = new int[8];
    private int fp;

    /** The coroutine these frames belong to, or null for {@link #NONE}. */
    final Object owner;
    /** A value in transit: yielded out while suspending, sent in while resuming. */
    Object transfer;
    /** Thrown at the suspension point instead of returning {@link #transfer} when resuming. */
    Throwable pendingThrow;

    Stack(Object owner) {
        this.owner = owner;
    }

    /**
     * Returns the stack of the coroutine running on the current thread, or a stack that never
     * suspends when there is none.
     */
    public static Stack current() {
        Carrier c = Carrier.last;
        if (c.thread == Thread.currentThread()) {
            return c.stack;
        }
        return Carrier.slow().stack;
    }

    /** Returns the mangled identity of a method (or functional-interface method) named by name and descriptor. */
    public static int idOf(String nameAndDescriptor) {
        int h = nameAndDescriptor.hashCode();
        return h == ANY_CALLEE ? 1 : h;
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
        if (mode != RESUMING) {
            throw lost(method + " was called while a suspension was unwinding: a method that called a "
                    + "suspendable method went on running instead of suspending. That method is not woven; "
                    + "annotate it with @Suspendable");
        }
        if (fp == 0) {
            throw corrupt(method + " is resuming, but no frame is left to restore");
        }
        int state = records[--fp];
        int saved = records[--fp];
        if (saved != id && saved != ANY_CALLEE && id != ANY_CALLEE) {
            throw corrupt(method + " is resuming a frame that another method saved: a method between the "
                    + "coroutine and " + method + " is not woven; annotate it with @Suspendable");
        }
        return state;
    }

    // ---- unwinding ------------------------------------------------------------------------------

    /**
     * Called by a woven frame that is unwinding, after it pushed its stack and locals: checks that the
     * frame on top is the callee's and pushes this frame's record.
     *
     * @param calleeId the identity the frame above must have ({@link #ANY_CALLEE} to skip the check)
     * @param callee {@code Owner.name(descriptor)} of the call, for the error message
     * @param id this method's identity
     * @param state the index of the suspension point being unwound
     * @param method {@code Owner.name(descriptor)} of this method, for the error message
     */
    public void unwind(int calleeId, String callee, int id, int state, String method) {
        checkCallee(calleeId, callee, method);
        pushRecord(id, state);
    }

    void checkCallee(int calleeId, String callee, String method) {
        if (fp == 0) {
            throw corrupt("no saved frame above " + method);
        }
        int top = records[fp - 2];
        if (top != calleeId && top != ANY_CALLEE && calleeId != ANY_CALLEE
                && !MethodReferences.isAlias(calleeId, top)) {
            throw lost("a suspension was lost between " + method + " and its call to " + callee
                    + ": a method in between is not woven and went on running after the suspension. "
                    + "Annotate the methods between them with @Suspendable (run with -Dweft.verify=true to "
                    + "have the method named)");
        }
    }

    void pushRecord(int id, int state) {
        if (fp + 2 > records.length) {
            records = Arrays.copyOf(records, records.length * 2);
        }
        records[fp++] = id;
        records[fp++] = state;
    }

    /** Pops the record a primitive pushed when it suspended; true when it was there. */
    boolean popRecord(int id) {
        if (fp < 2 || records[fp - 2] != id) {
            return false;
        }
        fp -= 2;
        return true;
    }

    /** The identity on top of the record stack, or {@link #ANY_CALLEE} when it is empty. */
    int topId() {
        return fp == 0 ? ANY_CALLEE : records[fp - 2];
    }

    /** Drops every saved frame and clears every reference slot. */
    void reset() {
        Arrays.fill(refs, 0, rp, null);
        rp = 0;
        pp = 0;
        fp = 0;
        mode = RUNNING;
        transfer = null;
        pendingThrow = null;
    }

    boolean isEmpty() {
        return fp == 0 && pp == 0 && rp == 0;
    }

    // ---- typed storage --------------------------------------------------------------------------

    /** Saves an int (also boolean, byte, char, short). */
    public void pushI(int v) {
        if (pp == prims.length) {
            prims = Arrays.copyOf(prims, pp * 2);
        }
        prims[pp++] = v;
    }

    /** Saves a float. */
    public void pushF(float v) {
        pushI(Float.floatToRawIntBits(v));
    }

    /** Saves a long. */
    public void pushL(long v) {
        if (pp == prims.length) {
            prims = Arrays.copyOf(prims, pp * 2);
        }
        prims[pp++] = v;
    }

    /** Saves a double. */
    public void pushD(double v) {
        pushL(Double.doubleToRawLongBits(v));
    }

    /** Saves a reference. */
    public void pushA(Object v) {
        if (rp == refs.length) {
            refs = Arrays.copyOf(refs, rp * 2);
        }
        refs[rp++] = v;
    }

    /** Restores an int. */
    public int popI() {
        return (int) prims[--pp];
    }

    /** Restores a float. */
    public float popF() {
        return Float.intBitsToFloat((int) prims[--pp]);
    }

    /** Restores a long. */
    public long popL() {
        return prims[--pp];
    }

    /** Restores a double. */
    public double popD() {
        return Double.longBitsToDouble(prims[--pp]);
    }

    /** Restores a reference and clears its slot. */
    public Object popA() {
        Object v = refs[--rp];
        refs[rp] = null;
        return v;
    }

    // ---- errors ---------------------------------------------------------------------------------

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

    static IllegalStateException lost(String message) {
        return new IllegalStateException("Weft: " + message);
    }

    static IllegalStateException corrupt(String message) {
        return new IllegalStateException("Weft: " + message);
    }
}
