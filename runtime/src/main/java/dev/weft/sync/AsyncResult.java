package dev.weft.sync;

import dev.weft.CoroutineException;
import dev.weft.Hub;
import dev.weft.Suspendable;
import dev.weft.Waitable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * gevent's {@code AsyncResult}: a value or an exception that greenlets wait for, set once. As a
 * {@link Waitable} for {@code Hub.wait} and {@code Hub.iwait} it is ready once set.
 *
 * <p>Waiters and raw links are notified in the order they came. A greenlet that calls {@code get} once
 * it is set, while greenlets the set woke have not all run yet, waits its turn behind them, as in gevent.
 *
 * @param <T> the type of the value
 */
public final class AsyncResult<T> implements Waitable {
    private boolean ready;
    private T value;
    private Throwable exception;
    private final WaitList waiters = new WaitList();

    /** Creates a result that is not set yet: greenlets that wait for it wait until it is. */
    public AsyncResult() {
    }

    /**
     * Stores {@code value} and wakes every waiting greenlet, in the order they started waiting, and calls
     * the raw links in turn with them. A raw link that throws is reported by the hub and does not stop
     * {@code set}: the others are still called and woken.
     *
     * @param value the value, may be null
     * @throws IllegalStateException when a value or exception was set already
     */
    public void set(T value) {
        complete(value, null);
    }

    /**
     * Stores {@code exception}, which {@link #get()} then throws, and wakes every waiting greenlet.
     *
     * @param exception the exception
     * @throws IllegalStateException when a value or exception was set already
     */
    public void setException(Throwable exception) {
        complete(null, Objects.requireNonNull(exception, "exception"));
    }

    private void complete(T v, Throwable e) {
        if (ready) {
            throw new IllegalStateException("AsyncResult already has "
                    + (exception == null ? "a value" : "an exception") + "; it can be set only once");
        }
        ready = true;
        value = v;
        exception = e;
        waiters.wakeAll(this);
    }

    /** True once a value or an exception has been set. */
    @Override
    public boolean isReady() {
        return ready;
    }

    /**
     * Calls {@code callback} at once when it is set already, otherwise in the {@code set} or
     * {@code setException} that sets it, in turn with the waiters. An exception from it is reported by the
     * hub and goes no further.
     *
     * @param callback called once; must not wait
     */
    @Override
    public void rawLink(Runnable callback) {
        if (ready) {
            Hub.Waiter.callLink(callback, this);
        } else {
            waiters.link(callback);
        }
    }

    /**
     * Removes a callback added with {@link #rawLink} that has not been called.
     *
     * @param callback the callback
     */
    @Override
    public void rawUnlink(Runnable callback) {
        waiters.unlink(callback);
    }

    /**
     * Waits until a value or exception is set, then returns the value or throws the exception (a
     * checked one wrapped in {@link CoroutineException}). Once it is set, a greenlet that comes while
     * greenlets the set woke have not all run yet waits its turn behind them (in the hub's own greenlet,
     * which cannot wait, it returns at once).
     *
     * @return the value
     */
    @Suspendable
    public T get() {
        if (!ready) {
            awaitFor(null);
        } else {
            waiters.awaitTurn("AsyncResult.get");
        }
        return result();
    }

    /**
     * Like {@link #get()}, waiting at most {@code timeout}.
     *
     * @param timeout the longest time to wait
     * @return the value
     * @throws TimeoutException when nothing was set within {@code timeout} (as {@code Future.get})
     */
    @Suspendable
    public T get(Duration timeout) throws TimeoutException {
        Objects.requireNonNull(timeout, "timeout");
        if (ready) {
            waiters.awaitTurn("AsyncResult.get");
        } else if (!awaitFor(timeout)) {
            throw new TimeoutException("AsyncResult not set within " + timeout);
        }
        return result();
    }

    @Suspendable
    private boolean awaitFor(Duration timeout) {
        return waiters.await("AsyncResult.get", timeout);
    }

    private T result() {
        if (exception == null) {
            return value;
        }
        if (exception instanceof RuntimeException) {
            throw (RuntimeException) exception;
        }
        if (exception instanceof Error) {
            throw (Error) exception;
        }
        throw new CoroutineException(exception);
    }

    @Override
    public String toString() {
        String state = !ready ? "pending" : exception == null ? "value" : "exception";
        return "AsyncResult[" + state + ", " + waiters.size() + " waiting]";
    }
}
