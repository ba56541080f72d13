package dev.weft.internal;

import dev.weft.CoroutineException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The fast path of {@code Hub.await(CompletionStage)}: the value of a stage that has completed already.
 * Not API.
 *
 * <p>{@code Hub.await} starts with it, and woven code calls it in place of {@code Hub.await} before
 * the call (the agent inserts the test at every such call): a completed future is then read where it
 * is awaited, with no woven entry, no look-up of the coroutine's stack and no check after the call.
 * Only when it answers {@link #PENDING} is {@code Hub.await} called, as the suspension point it is.
 */
public final class Futures {
    /** What {@link #valueIfDone} returns for a stage that has not completed, or cannot tell without a callback. */
    public static final Object PENDING = new Object();

    private Futures() {
    }

    /**
     * The value of a stage that has completed already, its exception thrown as {@code Hub.await}
     * throws it, or {@link #PENDING}. One read of the future's result, no allocation; small enough to
     * inline where it is called.
     *
     * @param stage the stage awaited
     * @return its value, or {@link #PENDING}
     * @throws NullPointerException when {@code stage} is null
     */
    @SuppressWarnings("unchecked")
    public static Object valueIfDone(CompletionStage<?> stage) {
        // a plain CompletableFuture (the usual stage) is read directly: no interface call. Only the exact
        // class: a subclass may answer otherwise (the JDK's minimal stage refuses getNow, for one)
        CompletableFuture<Object> f = stage != null && stage.getClass() == CompletableFuture.class
                ? (CompletableFuture<Object>) stage
                : (CompletableFuture<Object>) asFuture(Objects.requireNonNull(stage, "stage"));
        if (f == null) {
            return PENDING;
        }
        try {
            return f.getNow(PENDING);
        } catch (CompletionException e) {
            throw rethrown(e);
        }
    }

    /**
     * The stage as a {@code CompletableFuture} (itself when it is one), to look at without a callback;
     * null when the stage does not support that.
     *
     * @param stage a stage, not null
     * @param <T> the type of its value
     * @return the future, or null
     */
    public static <T> CompletableFuture<T> asFuture(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture();
        } catch (UnsupportedOperationException notSupported) {
            return null;
        }
    }

    /**
     * What a failed future throws from {@code Hub.await}: its cause unwrapped from
     * {@code CompletionException} and {@code ExecutionException}; unchecked exceptions and errors as
     * they are (an error is thrown from here), a checked one wrapped in {@link CoroutineException}.
     *
     * @param e what the future failed with
     * @return the exception to throw
     */
    public static RuntimeException rethrown(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException) {
            return (RuntimeException) t;
        }
        if (t instanceof Error) {
            throw (Error) t;
        }
        return new CoroutineException(t);
    }
}
