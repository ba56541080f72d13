package dev.weft;

import dev.weft.internal.Forward;
import dev.weft.internal.Stack;
import dev.weft.internal.Task;
import java.util.Objects;

/**
 * An asymmetric coroutine with the semantics of a Python generator used as a coroutine.
 *
 * <p>The body runs on the thread that calls {@link #send} until it calls {@link #yield(Object)};
 * {@code send} then returns the yielded value, and the next {@code send} makes that {@code yield}
 * return the value sent. A coroutine may be resumed on another thread than the one it suspended on,
 * and may drive other coroutines.
 *
 * <pre>{@code
 * Coroutine<Integer, String> c = Coroutine.of(() -> {
 *     int n = Coroutine.yield("ready");
 *     Coroutine.yield("got " + n);
 * });
 * c.next();   // "ready"
 * c.send(42); // "got 42"
 * }</pre>
 *
 * @param <S> the type of the values sent in
 * @param <Y> the type of the values yielded out
 */
public final class Coroutine<S, Y> implements AutoCloseable {
    private static final int YIELD_ID = Stack.primitive("yield(Ljava/lang/Object;)Ljava/lang/Object;", "Coroutine.yield(value)");
    private static final int YIELD0_ID = Stack.primitive("yield()Ljava/lang/Object;", "Coroutine.yield()");

    static {
        // how woven code's calls of send and next reach a coroutine (see Nesting)
        Forward.coroutines((coroutine, value, next, caller) -> ((Coroutine<?, ?>) coroutine).sendFrom(value, next, caller));
    }

    private final Task task;

    private Coroutine(SuspendableRunnable body) {
        this.task = new Task(body, this);
        task.closeStartedOnEnd();
    }

    /**
     * Creates a coroutine that has not started; the first {@link #next()} runs the body up to its first
     * yield.
     *
     * @param body the body; it yields with {@link #yield(Object)}
     * @param <S> the type of the values sent in
     * @param <Y> the type of the values yielded out
     * @return the new coroutine
     */
    public static <S, Y> Coroutine<S, Y> of(SuspendableRunnable body) {
        return new Coroutine<>(Objects.requireNonNull(body, "body"));
    }

    /**
     * Resumes the body with {@code null}; same as {@code send(null)}.
     *
     * @return the next yielded value, or null when the body ended
     */
    public Y next() {
        return send(null);
    }

    /**
     * Resumes the body: the pending {@code yield} returns {@code value}, and the body runs until its
     * next yield.
     *
     * @param value the value the pending {@code yield} returns
     * @return the value yielded next, or null when the body ended (then {@link #isDone()} is true)
     * @throws IllegalStateException when the coroutine has finished, is running, or has not started and
     *     {@code value} is not null
     * @throws CoroutineException wrapping a checked exception the body threw; unchecked ones propagate
     */
    @SuppressWarnings("unchecked")
    public Y send(S value) {
        checkSendable(value);
        return (Y) Nesting.resumePlain(task, value);
    }

    /** {@code send} and {@code next} called by woven code, which suspends when the body waits (see {@link Nesting}). */
    private Object sendFrom(Object value, boolean next, Stack caller) {
        if (caller.mode != Stack.RESUMING) {
            // resuming, the greenlet is back from the body's wait, and the body goes on
            checkSendable(value);
        }
        Object out = Nesting.resume(task, value, caller, next ? Nesting.NEXT_ID : Nesting.SEND_ID,
                next ? "Coroutine.next()" : "Coroutine.send(value)");
        return out == Nesting.SUSPENDED ? null : out;
    }

    private void checkSendable(Object value) {
        if (value != null && task.isNew()) {
            throw new IllegalStateException("can't send a non-null value to a coroutine that has not started: "
                    + "call next() first");
        }
    }

    /** {@return true once the body has returned or thrown} */
    public boolean isDone() {
        return task.isDone();
    }

    /**
     * Ends the coroutine, innermost first: the generators and coroutines the body started and left
     * unfinished are closed, the latest started first (what their {@code finally} blocks throw comes
     * out of here), then the suspended body gets a {@link CoroutineExit} at its yield, so its
     * {@code finally} blocks run. A body that ends by itself closes them after its own
     * {@code finally} blocks. Does nothing on a finished
     * coroutine.
     *
     * @throws IllegalStateException when the body catches the exit and yields again, or when the body
     *     is waiting in the greenlet that drives it
     */
    @Override
    public void close() {
        task.close();
    }

    /**
     * Suspends the running coroutine, handing {@code value} to the caller of {@link #send}.
     *
     * @param value the value {@code send} returns
     * @param <T> the type of the value sent back
     * @return the value passed to the next {@code send}
     * @throws IllegalStateException when called outside a coroutine
     */
    @Suspendable
    @SuppressWarnings("unchecked")
    public static <T> T yield(Object value) {
        return (T) Task.suspend(YIELD_ID, value, "Coroutine.yield(value)");
    }

    /**
     * Suspends the running coroutine, handing {@code null} to the caller of {@link #send}.
     *
     * @param <T> the type of the value sent back
     * @return the value passed to the next {@code send}
     * @throws IllegalStateException when called outside a coroutine
     */
    @Suspendable
    @SuppressWarnings("unchecked")
    public static <T> T yield() {
        return (T) Task.suspend(YIELD0_ID, null, "Coroutine.yield()");
    }
}
