package dev.weft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

/**
 * A hub's NIO {@link Selector} and the greenlets waiting for its channels to become ready. Used on
 * the hub's thread only, except {@link #wakeup()}.
 *
 * <p>A channel is registered once, the first time a greenlet waits on it, and stays registered until
 * it is closed. Readiness wakes each greenlet waiting for one of the ready operations, once.
 *
 * <p>Interest is dropped lazily: an operation stays in the key's interest set after the wait that
 * put it there, so that a connection that waits again soon (the next request, the next reply) costs
 * no {@code epoll_ctl}; the JDK's selector changes the kernel's interest set only when the key's
 * differs at the next select. An operation is taken out only when the selector has reported it
 * ready twice with nobody waiting for it and no wait for it in between: the first report may come
 * before a greenlet just woken for it has run (it reads what is there and waits again), the second
 * means nobody is coming, and without taking it out the selector would report it at every select and
 * the hub would never sleep. {@code OP_CONNECT} is the exception, dropped as its wait ends: the
 * selector never reports it once connected (though the kernel does), so it could not be dropped later.
 *
 * <p>The selector is closed when its hub becomes unreachable (its thread has ended and nothing else
 * holds the hub), so a thread that used I/O leaves no file descriptors behind.
 */
final class Poller {
    private static final Cleaner CLEANER = Cleaner.create(r -> {
        Thread t = new Thread(r, "weft-cleaner");
        t.setDaemon(true);
        return t;
    });

    final Selector selector;
    /** What the selector calls for each ready key: no selected-key set to fill and empty. */
    private final Consumer<SelectionKey> onReady = this::ready;
    /** The greenlets waiting for a channel: while there are some, the hub's wait may end by I/O. */
    private int waits;
    /** Greenlets woken by readiness that have not run since: their channels are still ready. */
    private int unrun;
    /** True when the last {@code select(0)} was skipped: never two in a row. */
    private boolean skipped;
    /**
     * True when a key was cancelled while greenlets waited, and no select has deregistered it yet
     * (see {@link #cancel}).
     */
    private boolean cancelledSinceSelect;
    /** The selects done by {@link #select}, for tests: a hub that spins shows here. */
    long selects;

    /** Opens the selector of {@code hub}, to be closed once the hub is unreachable. */
    Poller(Hub hub) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("the hub could not open its NIO Selector", e);
        }
        Selector s = selector;
        // the action must not hold the hub (nor this poller, which the hub holds)
        CLEANER.register(hub, () -> {
            try {
                s.close();
            } catch (IOException e) {
                System.err.println("[weft] could not close the NIO Selector of a hub whose thread has ended: " + e);
            }
        });
    }

    /** True while a greenlet waits for a channel. */
    boolean hasWaits() {
        return waits > 0;
    }

    /**
     * Registers {@code waiter} for {@code ops} of {@code channel}; {@link #remove} must follow.
     *
     * @throws ClosedChannelException when the channel is closed
     */
    Wait add(SelectableChannel channel, int ops, Hub.Waiter waiter) throws ClosedChannelException {
        SelectionKey key = channel.keyFor(selector);
        Channel c;
        if (key == null) {
            c = new Channel();
            c.key = channel.register(selector, ops, c);
            c.interest = ops;
        } else {
            if (!key.isValid()) {
                throw new ClosedChannelException();
            }
            c = (Channel) key.attachment();
            if ((c.interest & ops) != ops) {
                c.interest |= ops;
                key.interestOps(c.interest);
            }
            c.unanswered &= ~ops;
        }
        Wait w = new Wait(c, ops, waiter);
        c.append(w);
        waits++;
        return w;
    }

    /** Unregisters {@code w} unless readiness or a cancel has done so already. */
    void remove(Wait w) {
        Channel c = w.channel;
        if (w.readied) {
            w.readied = false;
            unrun--;
        } else if (!w.done) {
            c.unlink(w);
            w.done = true;
            waits--;
        }
        if ((w.ops & SelectionKey.OP_CONNECT) != 0 && (c.interest & SelectionKey.OP_CONNECT) != 0 && c.key.isValid()
                && !c.waitedFor(SelectionKey.OP_CONNECT)) {
            c.interest &= ~SelectionKey.OP_CONNECT;
            c.key.interestOps(c.interest);
        }
        if (waits == 0 && cancelledSinceSelect) {
            // the last wait has ended (by a timeout, say): the hub may not select again
            deregisterCancelled();
        }
    }

    /**
     * Wakes every greenlet waiting for {@code channel}, whose wait then ends with
     * {@code AsynchronousCloseException}, and cancels the channel's key. A registered channel's file
     * descriptor is closed only once it is deregistered, at the selector's next select: when no
     * greenlet waits for a channel any more, the hub may never select again, so the deregistration is
     * done here at once (with a {@code selectNow}, which deregisters every key cancelled so far). While
     * greenlets still wait, the hub's next select does it: it comes within a pass of the loop, and a
     * {@code selectNow} per close would report every other ready channel once more, so that a
     * thousand connections ending together (a client closing them all) would cost each close a look
     * at the hundreds not yet served, a thousand times.
     */
    void cancel(SelectableChannel channel) {
        SelectionKey key = channel.keyFor(selector);
        if (key == null) {
            return;
        }
        Channel c = (Channel) key.attachment();
        for (Wait w = c.first; w != null; ) {
            Wait next = w.next;
            c.unlink(w);
            w.cancelled = true;
            finish(w);
            w = next;
        }
        key.cancel();
        if (waits > 0) {
            cancelledSinceSelect = true;
            return;
        }
        deregisterCancelled();
    }

    /** Deregisters the cancelled keys now (a select does it), closing their channels' descriptors. */
    private void deregisterCancelled() {
        cancelledSinceSelect = false;
        try {
            // deregisters cancelled keys, and wakes the greenlets whose channels it finds ready
            selector.selectNow(onReady);
        } catch (IOException e) {
            throw new UncheckedIOException("the hub's Selector failed", e);
        }
    }

    /** Closes the selector (its channels are deregistered); for a hub whose thread is ending. */
    void close() {
        try {
            selector.close();
        } catch (IOException e) {
            System.err.println("[weft] could not close the NIO Selector of a hub: " + e);
        }
    }

    /**
     * Waits in the selector for at most {@code nanos} (forever when negative; 0 does not wait), then
     * wakes the greenlets whose channels are ready.
     *
     * <p>A look without waiting (0) is skipped, once, while greenlets that the previous select woke
     * have not run yet: their channels are still ready, so the selector would report every one of
     * them a second time for nothing, and under load (a select per pass of the hub's loop, each
     * waking the greenlets of the next pass) that doubles the selector's work. Skipping only once in
     * a row keeps the channels looked at even if such a greenlet never runs.
     */
    void select(long nanos) {
        if (nanos == 0 && unrun > 0 && !skipped) {
            skipped = true;
            return;
        }
        skipped = false;
        selects++;
        cancelledSinceSelect = false;
        try {
            if (nanos == 0) {
                selector.selectNow(onReady);
            } else if (nanos < 0) {
                selector.select(onReady);
            } else {
                // select takes milliseconds (0 meaning forever): round up, so that a timer is never early
                selector.select(onReady, Math.max(1, (nanos + 999_999) / 1_000_000));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the hub's Selector failed", e);
        }
    }

    /** Wakes the thread if it waits in {@link #select}; callable from any thread. */
    void wakeup() {
        selector.wakeup();
    }

    /** For the selector, during a select: {@code key} is ready for some of its interest set. */
    private void ready(SelectionKey key) {
        Channel c = (Channel) key.attachment();
        int ready = key.readyOps();
        int answered = 0;
        for (Wait w = c.first; w != null; ) {
            Wait next = w.next;
            if ((w.ops & ready) != 0) {
                answered |= w.ops;
                c.unlink(w);
                w.readied = true;
                unrun++;
                finish(w);
            }
            w = next;
        }
        int idle = ready & c.interest & ~answered;
        if (idle == 0) {
            return;
        }
        // reported ready for the second time with no wait in between: nobody is coming for these
        int drop = idle & c.unanswered;
        c.unanswered = (c.unanswered | idle) & ~drop;
        if (drop != 0) {
            c.interest &= ~drop;
            key.interestOps(c.interest);
        }
    }

    private void finish(Wait w) {
        w.done = true;
        waits--;
        w.waiter.wake();
    }

    /** A registered channel: its key's attachment, and the greenlets waiting for it, oldest first. */
    static final class Channel {
        SelectionKey key;
        /** The key's interest set, as last set here (reading the key's costs a volatile read). */
        int interest;
        /** Operations reported ready once with nobody waiting, and not waited for since. */
        int unanswered;
        Wait first;
        Wait last;

        void append(Wait w) {
            w.previous = last;
            if (last == null) {
                first = w;
            } else {
                last.next = w;
            }
            last = w;
        }

        void unlink(Wait w) {
            if (w.previous == null) {
                first = w.next;
            } else {
                w.previous.next = w.next;
            }
            if (w.next == null) {
                last = w.previous;
            } else {
                w.next.previous = w.previous;
            }
            w.previous = null;
            w.next = null;
        }

        boolean waitedFor(int ops) {
            for (Wait w = first; w != null; w = w.next) {
                if ((w.ops & ops) != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** One greenlet waiting for some operations of one channel. */
    static final class Wait {
        final Channel channel;
        final int ops;
        final Hub.Waiter waiter;
        Wait previous;
        Wait next;
        /** Unregistered: by readiness, a cancel, or {@link #remove}. */
        boolean done;
        /** Woken by {@link #cancel}: the channel is being closed. */
        boolean cancelled;
        /** Woken by readiness, and its greenlet has not run since ({@link #remove} not called yet). */
        boolean readied;

        Wait(Channel channel, int ops, Hub.Waiter waiter) {
            this.channel = channel;
            this.ops = ops;
            this.waiter = waiter;
        }
    }
}
