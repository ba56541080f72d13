package dev.weft.internal;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What the agent puts in place of {@code Thread.sleep} and {@code TimeUnit.sleep} in woven methods:
 * gevent's patched {@code time.sleep}. Not API.
 *
 * <p>In a greenlet of its thread's hub ({@link Hub#inHubGreenlet()}), a sleep is {@link Hub#sleep}:
 * it suspends only the greenlet. The arguments are checked as {@code Thread.sleep} checks them, and a
 * thread whose interrupt status is set gets {@code InterruptedException} (clearing the status) instead
 * of sleeping; an interrupt that comes during the sleep does not end it. That includes a coroutine's or
 * generator's body that the greenlet drives from woven code, which sleeps with the greenlet; in one
 * driven by code that cannot suspend (a stream, say), the greenlet cannot switch, and the thread sleeps.
 * Anywhere else (plain code, the hub itself, a thread with no hub) it is {@code Thread.sleep} itself.
 */
public final class Sleeps {
    private Sleeps() {
    }

    /**
     * {@code Thread.sleep(long)}, cooperative in a hub's greenlet.
     *
     * @param millis the time to sleep
     * @throws InterruptedException when the thread's interrupt status is set
     */
    @Suspendable
    public static void sleep(long millis) throws InterruptedException {
        if (!Hub.inHubGreenlet()) {
            Thread.sleep(millis);
            return;
        }
        if (millis < 0) {
            throw new IllegalArgumentException("timeout value is negative");
        }
        checkInterrupt();
        try {
            Hub.sleep(millis);
        } catch (SwitchRefused refused) {
            // a generator's or coroutine's body whose driver cannot suspend: the thread sleeps, as anywhere else
            Thread.sleep(millis);
        }
    }

    /**
     * {@code Thread.sleep(long, int)}, cooperative in a hub's greenlet.
     *
     * @param millis the time to sleep, in milliseconds
     * @param nanos the additional nanoseconds, 0 to 999999
     * @throws InterruptedException when the thread's interrupt status is set
     */
    @Suspendable
    public static void sleep(long millis, int nanos) throws InterruptedException {
        if (!Hub.inHubGreenlet()) {
            Thread.sleep(millis, nanos);
            return;
        }
        if (millis < 0) {
            throw new IllegalArgumentException("timeout value is negative");
        }
        if (nanos < 0 || nanos > 999999) {
            throw new IllegalArgumentException("nanosecond timeout value out of range");
        }
        checkInterrupt();
        try {
            Hub.sleep(Duration.ofMillis(millis).plusNanos(nanos));
        } catch (SwitchRefused refused) {
            Thread.sleep(millis, nanos);
        }
    }

    /**
     * {@code Thread.sleep(Duration)} (Java 19 and later), cooperative in a hub's greenlet; a negative
     * duration returns at once, as there.
     *
     * @param duration the time to sleep
     * @throws InterruptedException when the thread's interrupt status is set
     */
    @Suspendable
    public static void sleep(Duration duration) throws InterruptedException {
        if (!Hub.inHubGreenlet()) {
            threadSleep(duration);
            return;
        }
        if (duration.isNegative()) {
            return;
        }
        checkInterrupt();
        try {
            Hub.sleep(duration);
        } catch (SwitchRefused refused) {
            threadSleep(duration);
        }
    }

    /**
     * {@code unit.sleep(timeout)}, cooperative in a hub's greenlet: the agent rewrites the virtual call
     * {@code TimeUnit.sleep(long)} into this static one, with the receiver as first argument. A timeout
     * of zero or less returns at once, without looking at the interrupt status, as there.
     *
     * @param unit the unit the call was made on
     * @param timeout the time to sleep, in {@code unit}
     * @throws InterruptedException when the thread's interrupt status is set
     */
    @Suspendable
    public static void sleep(TimeUnit unit, long timeout) throws InterruptedException {
        if (!Hub.inHubGreenlet()) {
            unit.sleep(timeout);
            return;
        }
        Objects.requireNonNull(unit, "unit"); // as the virtual call it replaces would have thrown
        if (timeout <= 0) {
            return;
        }
        checkInterrupt();
        try {
            Hub.sleep(Duration.ofNanos(unit.toNanos(timeout)));
        } catch (SwitchRefused refused) {
            unit.sleep(timeout);
        }
    }

    private static void checkInterrupt() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException("sleep interrupted");
        }
    }

    /** {@code Thread.sleep(Duration)}, which this runtime, built for Java 17, cannot call directly. */
    private static void threadSleep(Duration duration) throws InterruptedException {
        try {
            DurationSleep.SLEEP.invokeExact(duration);
        } catch (InterruptedException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("Thread.sleep(Duration) failed", t);
        }
    }

    /** Looks up {@code Thread.sleep(Duration)} when first needed: only classes built for Java 19+ call it. */
    private static final class DurationSleep {
        static final MethodHandle SLEEP = find();

        private static MethodHandle find() {
            try {
                return MethodHandles.publicLookup().findStatic(Thread.class, "sleep",
                        MethodType.methodType(void.class, Duration.class));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("Thread.sleep(Duration) needs Java 19 or later", e);
            }
        }
    }
}
