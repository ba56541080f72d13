package dev.weft.net;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;

/**
 * Waits of this package: a greenlet waiting for a channel of its own hub, within an operation's
 * deadline. Internal.
 */
final class IoWait {
    private IoWait() {
    }

    /** The hub-time deadline {@code timeout} from now, or 0 (unused) when {@code timeout} is null. */
    static long deadline(Duration timeout) {
        if (timeout == null) {
            return 0;
        }
        return Hub.current().nanoTime() + Math.min(nanos(timeout), Long.MAX_VALUE / 4);
    }

    /**
     * Suspends until {@code channel} is ready for {@code ops}, or throws {@link SocketTimeoutException}
     * once {@code deadline} (from {@link #deadline}) has passed, when {@code timeout} is not null.
     */
    @Suspendable
    static void await(SelectableChannel channel, int ops, Duration timeout, long deadline, String what, Object on)
            throws IOException {
        Duration left = null;
        if (timeout != null) {
            long nanos = deadline - Hub.current().nanoTime();
            if (nanos <= 0) {
                throw timedOut(what, on, timeout);
            }
            left = Duration.ofNanos(nanos);
        }
        if (!Hub.Waiter.forCurrent(what, on).parkUntilReady(channel, ops, left)) {
            throw timedOut(what, on, timeout);
        }
    }

    /**
     * Closes {@code channel} of a socket or listener owned by {@code owner}'s hub: wakes the greenlets
     * waiting on it (their waits throw {@code AsynchronousCloseException}), then runs {@code closeChannel}.
     * From another thread the closing is submitted to that hub, which does it on its next pass: the
     * waits are the owner hub's, and closing first would deregister the channel before they are found.
     * When the owner's thread has ended, nobody waits any more and the channel is closed at once.
     */
    static void close(Hub hub, Thread owner, SelectableChannel channel, Runnable closeChannel) {
        Runnable onOwner = () -> {
            Hub.Waiter.cancelChannelWaits(channel);
            closeChannel.run();
        };
        if (Thread.currentThread() == owner) {
            onOwner.run();
            return;
        }
        try {
            hub.submit(onOwner);
        } catch (IllegalStateException ended) {
            closeChannel.run();
        }
    }

    static SocketTimeoutException timedOut(String what, Object on, Duration timeout) {
        return new SocketTimeoutException(what + " on " + on + " timed out after " + describe(timeout));
    }

    /** Checks a timeout argument: null (none) or not negative. */
    static Duration checkTimeout(Duration timeout) {
        if (timeout != null && timeout.isNegative()) {
            throw new IllegalArgumentException("a timeout must not be negative, but was " + timeout
                    + "; pass null for no timeout");
        }
        return timeout;
    }

    static long nanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    private static String describe(Duration d) {
        long nanos = nanos(d);
        if (nanos % 1_000_000 == 0 && nanos < Long.MAX_VALUE) {
            return nanos / 1_000_000 + " ms";
        }
        return d.toString();
    }
}
