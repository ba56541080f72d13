package dev.weft;

import dev.weft.internal.Forward;
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
        task.closeStartedOnEnd();
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
        return new Elements();
    }

    /**
     * The generator's iterator: the public methods serve any caller; the two that take the caller's
     * stack serve woven code (see {@link Nesting}), whose calls the agent sends to them.
     */
    private final class Elements implements Iterator<T>, Forward.Driver<T> {
        @Override
        public boolean hasNext() {
            return advance();
        }

        @Override
        public T next() {
            if (!advance()) {
                throw new NoSuchElementException("generator exhausted");
            }
            return take();
        }

        @Override
        public boolean hasNext(Stack caller) {
            return advance(caller, Nesting.HAS_NEXT_ID, "Iterator.hasNext()") == Step.READY;
        }

        @Override
        public T next(Stack caller) {
            Step step = advance(caller, Nesting.NEXT_ID, "Iterator.next()");
            if (step == Step.SUSPENDED) {
                return null;
            }
            if (step == Step.DONE) {
                throw new NoSuchElementException("generator exhausted");
            }
            return take();
        }
    }

    /** {@return a sequential stream of the elements not produced yet} Closing the stream closes the generator. */
    public Stream<T> stream() {
        Spliterator<T> s = Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED);
        return StreamSupport.stream(s, false).onClose(this::close);
    }

    /**
     * Stops the generator, innermost first: the generators and coroutines the body started and left
     * unfinished are closed, the latest started first, then the suspended body gets a
     * {@link CoroutineExit} at its yield, so its {@code finally} blocks run. Does nothing on a finished
     * generator.
     *
     * <p>A body that ends by itself (returns or throws) closes what it started after its own
     * {@code finally} blocks; a generator it only created
     * and handed out, without taking an element from it, is left alone.
     *
     * @throws IllegalStateException when the body is waiting in the greenlet that iterates it, or
     *     what a {@code finally} block of a generator the body started threw
     */
    @Override
    public void close() {
        ready = false;
        pending = null;
        task.close();
    }

    /** How far one step of the iteration got, for the drivers called from woven code. */
    private enum Step { READY, DONE, SUSPENDED }

    /** Runs the body to its next element unless one is ready, for a caller that cannot suspend. */
    @SuppressWarnings("unchecked")
    private boolean advance() {
        if (ready) {
            return true;
        }
        if (task.isDone()) {
            return false;
        }
        pending = (T) Nesting.resumePlain(task, null);
        ready = !task.isDone();
        return ready;
    }

    /** Runs the body to its next element unless one is ready, for woven code, which suspends when the body waits. */
    @SuppressWarnings("unchecked")
    private Step advance(Stack caller, int id, String what) {
        // resuming, the greenlet is back from the body's wait, and the body goes on
        if (caller.mode != Stack.RESUMING) {
            if (ready) {
                return Step.READY;
            }
            if (task.isDone()) {
                return Step.DONE;
            }
        }
        Object out = Nesting.resume(task, null, caller, id, what);
        if (out == Nesting.SUSPENDED) {
            return Step.SUSPENDED;
        }
        pending = (T) out;
        ready = !task.isDone();
        return ready ? Step.READY : Step.DONE;
    }

    private T take() {
        ready = false;
        T v = pending;
        pending = null;
        return v;
    }
}
