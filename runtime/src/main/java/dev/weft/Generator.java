package dev.weft;

import dev.weft.internal.Stack;
import dev.weft.internal.Task;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazily computed sequence whose body produces values with {@link #yield(Object)}, like a Python
 * generator.
 *
 * <p>Each step of iteration runs the body until its next yield. Like a Python generator, a
 * {@code Generator} is consumed once: every iterator it returns continues from where the last one
 * stopped.
 *
 * <pre>{@code
 * Generator<Integer> squares = Generator.of(() -> {
 *     for (int i = 1; i <= 3; i++) Generator.yield(i * i);
 * });
 * for (int s : squares) System.out.println(s); // 1 4 9
 * }</pre>
 *
 * @param <T> the type of the values produced
 */
public final class Generator<T> implements Iterable<T>, AutoCloseable {
    private static final int YIELD_ID = Stack.primitive("yield(Ljava/lang/Object;)V", "Generator.yield(value)");

    private final Task task;
    private boolean ready;
    private T pending;

    private Generator(SuspendableRunnable body) {
        this.task = new Task(body, this);
    }

    /**
     * Creates a generator; the body runs only as values are asked for.
     *
     * @param body the body; it produces values with {@link #yield(Object)}
     * @param <T> the type of the values produced
     * @return the new generator
     */
    public static <T> Generator<T> of(SuspendableRunnable body) {
        return new Generator<>(Objects.requireNonNull(body, "body"));
    }

    /**
     * Produces {@code value} as the generator's next element and suspends until the next one is asked
     * for.
     *
     * @param value the next element
     * @param <T> the element type
     * @throws IllegalStateException when called outside a generator or coroutine
     */
    @Suspendable
    public static <T> void yield(T value) {
        Task.suspend(YIELD_ID, value, "Generator.yield(value)");
    }

    /** Returns an iterator over the elements not produced yet. */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return advance();
            }

            @Override
            public T next() {
                if (!advance()) {
                    throw new NoSuchElementException("generator exhausted");
                }
                ready = false;
                T v = pending;
                pending = null;
                return v;
            }
        };
    }

    /** {@return a sequential stream of the elements not produced yet} Closing the stream closes the generator. */
    public Stream<T> stream() {
        Spliterator<T> s = Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED);
        return StreamSupport.stream(s, false).onClose(this::close);
    }

    /**
     * Stops the generator: a suspended body gets a {@link CoroutineExit} at its yield, so its
     * {@code finally} blocks run.
     */
    @Override
    public void close() {
        ready = false;
        pending = null;
        task.close();
    }

    @SuppressWarnings("unchecked")
    private boolean advance() {
        if (ready) {
            return true;
        }
        if (task.isDone()) {
            return false;
        }
        pending = (T) task.resume(null, null);
        ready = !task.isDone();
        return ready;
    }
}
