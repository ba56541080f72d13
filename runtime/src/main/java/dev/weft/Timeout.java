package dev.weft;

import java.time.Duration;
import java.util.Objects;

/**
 * gevent's {@code Timeout}: a limit on how long the greenlet that started it may go on, raised in
 * that greenlet at its suspension point when the time is up.
 *
 * <p>As in gevent, the timeout is itself the exception that is raised: {@link #start} returns it,
 * {@link #close()} (or {@link #cancel()}) cancels it, and a {@code catch} block tells its own
 * timeout from another one by identity. Start it before a {@code try} with resources that names it,
 * so that the {@code catch} can see it:
 *
 * <pre>{@code
 * Timeout timeout = Timeout.start(Duration.ofSeconds(2));
 * try (timeout) {
 *     reply = queue.get();              // waits at most about 2 s
 * } catch (Timeout t) {
 *     if (t != timeout) {
 *         throw t;                      // an outer timeout: not this block's to handle
 *     }
 *     reply = null;
 * }
 * }</pre>
 *
 * <p>When the time is up, the hub raises the timeout in the greenlet (plain code included) at the
 * point where it waits; a greenlet that is ready to run again, but has not run yet, gets it there too.
 * A greenlet that never waits is never interrupted: a timeout is raised only at a suspension point.
 * Nested timeouts behave as in gevent: the one that expires first is raised; when that is an outer
 * one, it passes through the inner block (whose {@code close} cancels the inner timeout) to the
 * outer block's {@code catch}. A timeout closed before it is raised is never raised. A timeout that is
 * not closed stays armed, and is raised wherever its greenlet waits when it expires.
 *
 * <p>It is an {@link Error}, not an {@code Exception}, for the reason gevent's is a
 * {@code BaseException}: the limited code's own error handling ({@code catch (Exception e)}, a retry
 * loop, say) must not swallow the timeout meant for the block that started it. Catch it by name, as
 * above; a {@code catch (Throwable t)} sees it too, and must rethrow a timeout that is not its own.
 *
 * <p>Its stack trace is where it was started. It belongs to the thread that started it.
 */
public final class Timeout extends Error implements AutoCloseable {
    private static final long serialVersionUID = 1L;

    private final transient Hub hub;
    private final transient Greenlet owner;
    /** The duration it was started with, as {@link #duration()} returns it. */
    private final Duration duration;
    private transient Timer.Action timer;
    /** Set by {@link #cancel()}: the timeout will not be raised. */
    private boolean cancelled;
    /** Set when the time was up and the timeout was raised in its greenlet. */
    private boolean expired;

    private Timeout(Hub hub, Greenlet owner, Duration duration) {
        super("timed out after " + describe(duration));
        this.hub = hub;
        this.owner = owner;
        this.duration = duration;
    }

    /**
     * Starts a timeout of {@code duration} for the current greenlet (or plain code).
     *
     * @param duration the time until it is raised, not negative
     * @return the started timeout, to close when the limited code is done
     * @throws IllegalArgumentException when {@code duration} is negative
     * @throws IllegalStateException when called in the hub's own greenlet
     */
    public static Timeout start(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a timeout must not be negative, but was " + duration);
        }
        Hub hub = Hub.get();
        Timeout t = new Timeout(hub, hub.waiter("Timeout.start"), duration);
        t.timer = hub.schedule(hub.deadlineAfter(Hub.saturatedNanos(duration)), t);
        return t;
    }

    /** Cancels the timeout: it will not be raised. Does nothing when it has been raised or cancelled already. */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            timer.cancel();
        }
    }

    /** Same as {@link #cancel()}: ends a try-with-resources block that the timeout limits. */
    @Override
    public void close() {
        cancel();
    }

    /** {@return true while it may still be raised: started, neither raised nor cancelled} */
    public boolean isPending() {
        return !cancelled && !expired;
    }

    /** {@return true once the time was up and the timeout was raised in its greenlet} */
    public boolean isExpired() {
        return expired;
    }

    /**
     * Returns the duration it was started with.
     *
     * @return the duration
     */
    public Duration duration() {
        return duration;
    }

    /** Called in the hub when the time is up: raises this timeout in its greenlet unless cancelled since. */
    @Suspendable
    void raise() {
        if (cancelled || expired || owner.isDead()) {
            return;
        }
        expired = true;
        owner.throwInto(this);
    }

    private static String describe(Duration d) {
        long nanos = Hub.saturatedNanos(d);
        if (nanos % 1_000_000 == 0 && nanos < Long.MAX_VALUE) {
            return nanos / 1_000_000 + " ms";
        }
        return d.toString();
    }
}
