package dev.weft.internal;

/**
 * The per-thread slot that says which {@link Stack} the thread is running now.
 *
 * <p>Woven code looks the slot up at the entry of every woven method, so the lookup must be cheaper
 * than a {@code ThreadLocal} hash probe. The carrier last used is cached in a plain static field:
 * a thread compares its identity with the cached carrier's owner (an intrinsic and two loads) and
 * falls back to the {@code ThreadLocal} only when another thread used Weft more recently. The field
 * is racy on purpose: a stale value only costs the slow path, because {@link #thread} is final and a
 * carrier's {@link #stack} is read and written only by its own thread.
 *
 * <p>A {@link CarrierThread} (a hub of a {@code HubGroup}, one of several busy at once) keeps its
 * carrier in a field and never writes the cache: several of them would otherwise take the cache from
 * each other at every woven call, and each would always miss it.
 */
final class Carrier {
    private static final ThreadLocal<Carrier> LOCAL = ThreadLocal.withInitial(() -> new Carrier(Thread.currentThread()));

    /** The carrier used most recently by any thread but a {@link CarrierThread}; never null. */
    static Carrier last = new Carrier(null);

    final Thread thread;
    Stack stack = Stack.NONE;

    Carrier(Thread thread) {
        this.thread = thread;
    }

    static Carrier current() {
        Carrier c = last;
        if (c.thread == Thread.currentThread()) {
            return c;
        }
        return slow();
    }

    static Carrier slow() {
        Thread t = Thread.currentThread();
        if (t instanceof CarrierThread) {
            return ((CarrierThread) t).carrier;
        }
        Carrier c = LOCAL.get();
        last = c;
        return c;
    }
}
