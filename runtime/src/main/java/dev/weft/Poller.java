package dev.weft;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A hub's NIO {@link Selector} and the greenlets waiting for its channels to become ready. Used on
 * the hub's thread only, except {@link #wakeup()}.
 *
 * <p>A channel is registered once, the first time a greenlet waits on it, and stays registered
 * (its key's interest set is the union of what its waiting greenlets wait for, empty when none
 * does) until the channel is closed. Readiness wakes each greenlet waiting for one of the ready
 * operations, once, and takes its operations out of the interest set.
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
    /** The greenlets waiting for a channel: while there are some, the hub's wait may end by I/O. */
    private int waits;

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
        if (key == null) {
            key = channel.register(selector, 0, new ArrayList<Wait>(2));
        } else if (!key.isValid()) {
            throw new ClosedChannelException();
        }
        Wait w = new Wait(key, ops, waiter);
        waitsOf(key).add(w);
        key.interestOps(key.interestOps() | ops);
        waits++;
        return w;
    }

    /** Unregisters {@code w} unless readiness or a cancel has done so already. */
    void remove(Wait w) {
        if (w.done) {
            return;
        }
        List<Wait> list = waitsOf(w.key);
        list.remove(w);
        w.done = true;
        waits--;
        updateInterest(w.key, list);
    }

    /**
     * Wakes every greenlet waiting for {@code channel}, whose wait then ends with
     * {@code AsynchronousCloseException}, and deregisters the channel from the selector: a registered
     * channel's file descriptor is closed only once it is deregistered, which would otherwise wait
     * for the hub's next select.
     */
    void cancel(SelectableChannel channel) {
        SelectionKey key = channel.keyFor(selector);
        if (key == null) {
            return;
        }
        List<Wait> list = waitsOf(key);
        for (Wait w : new ArrayList<>(list)) {
            w.cancelled = true;
            finish(w);
        }
        list.clear();
        key.cancel();
        try {
            // deregisters cancelled keys; what it finds ready stays in the selected set for the next select
            selector.selectNow();
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
     */
    void select(long nanos) {
        try {
            if (nanos == 0) {
                selector.selectNow();
            } else if (nanos < 0) {
                selector.select();
            } else {
                // select takes milliseconds (0 meaning forever): round up, so that a timer is never early
                selector.select(Math.max(1, (nanos + 999_999) / 1_000_000));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the hub's Selector failed", e);
        }
        if (selector.selectedKeys().isEmpty()) {
            return;
        }
        for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext(); ) {
            SelectionKey key = it.next();
            it.remove();
            List<Wait> list = waitsOf(key);
            // a key cancelled meanwhile (its channel closed) wakes everyone, who then sees the channel closed
            int ready = key.isValid() ? key.readyOps() : -1;
            for (int i = 0; i < list.size(); ) {
                Wait w = list.get(i);
                if ((w.ops & ready) != 0) {
                    list.remove(i);
                    finish(w);
                } else {
                    i++;
                }
            }
            updateInterest(key, list);
        }
    }

    /** Wakes the thread if it waits in {@link #select}; callable from any thread. */
    void wakeup() {
        selector.wakeup();
    }

    private void finish(Wait w) {
        w.done = true;
        waits--;
        w.waiter.wake();
    }

    private static void updateInterest(SelectionKey key, List<Wait> list) {
        if (!key.isValid()) {
            return;
        }
        int ops = 0;
        for (Wait w : list) {
            ops |= w.ops;
        }
        key.interestOps(ops);
    }

    @SuppressWarnings("unchecked")
    private static List<Wait> waitsOf(SelectionKey key) {
        return (List<Wait>) key.attachment();
    }

    /** One greenlet waiting for some operations of one channel. */
    static final class Wait {
        final SelectionKey key;
        final int ops;
        final Hub.Waiter waiter;
        /** Unregistered: by readiness, a cancel, or {@link #remove}. */
        boolean done;
        /** Woken by {@link #cancel}: the channel is being closed. */
        boolean cancelled;

        Wait(SelectionKey key, int ops, Hub.Waiter waiter) {
            this.key = key;
            this.ops = ops;
            this.waiter = waiter;
        }
    }
}
