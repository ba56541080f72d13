package dev.weft.internal;

import java.util.Iterator;
import java.util.Objects;

/**
 * What woven code calls in place of {@code Iterator.hasNext()}, {@code Iterator.next()},
 * {@code Coroutine.send(value)} and {@code Coroutine.next()}: the same calls, made by code that can
 * suspend in turn. Not API.
 *
 * <p>A generator's or a coroutine's body may wait when it runs in a greenlet (sleep, read a socket,
 * take from a queue): the greenlet then switches away with the body's frames kept below its own, and
 * the body goes on where it was when the greenlet is resumed, as in Python. The body's frames unwind
 * to its driver (the iterator's {@code hasNext}, or {@code send}), which can pass the switch on only
 * if the code that called it unwinds too. The agent redirects those four calls here in every method it
 * makes resumable, as suspension points whose identity is the original method's; the driver of a
 * generator or coroutine, reached through here, then suspends its caller under that identity. Reached
 * any other way (a stream, a method that is not woven), a driver refuses such a wait with
 * {@link SwitchRefused}. Calls on any other iterator go straight through.
 */
public final class Forward {
    /** Implemented by the iterators whose driver may suspend its caller: a generator's. */
    public interface Driver<T> {
        /**
         * {@code hasNext()}, called by code that can suspend.
         *
         * @param caller the caller's stack, which the driver suspends when the body waits
         * @return whether an element is ready; a dummy while the caller suspends
         */
        boolean hasNext(Stack caller);

        /**
         * {@code next()}, called by code that can suspend.
         *
         * @param caller the caller's stack, which the driver suspends when the body waits
         * @return the next element; a dummy while the caller suspends
         */
        T next(Stack caller);
    }

    /** How a coroutine's {@code send} is reached from here; set by {@code Coroutine} as it is initialised. */
    public interface CoroutineDriver {
        /**
         * {@code coroutine.send(value)}, called by code that can suspend.
         *
         * @param coroutine the {@code Coroutine}
         * @param value the value sent
         * @param next true for {@code next()}, false for {@code send(value)}
         * @param caller the caller's stack, which the driver suspends when the body waits
         * @return the value yielded; a dummy while the caller suspends
         */
        Object send(Object coroutine, Object value, boolean next, Stack caller);
    }

    private static CoroutineDriver coroutines;

    private Forward() {
    }

    /**
     * Called once by {@code Coroutine}'s initialiser: a {@code Coroutine} passed here exists only once it has run.
     *
     * @param driver the driver of coroutines
     */
    public static void coroutines(CoroutineDriver driver) {
        coroutines = Objects.requireNonNull(driver, "driver");
    }

    /**
     * {@code it.hasNext()} in woven code.
     *
     * @param it the iterator
     * @param s the caller's stack
     * @return what {@code hasNext} returns
     */
    public static boolean hasNext(Iterator<?> it, Stack s) {
        if (it instanceof Driver) {
            return ((Driver<?>) it).hasNext(s);
        }
        return it.hasNext();
    }

    /**
     * {@code it.next()} in woven code.
     *
     * @param it the iterator
     * @param s the caller's stack
     * @return what {@code next} returns
     */
    public static Object next(Iterator<?> it, Stack s) {
        if (it instanceof Driver) {
            return ((Driver<?>) it).next(s);
        }
        return it.next();
    }

    /**
     * {@code coroutine.send(value)} in woven code.
     *
     * @param coroutine the coroutine, a {@code dev.weft.Coroutine}
     * @param value the value sent
     * @param s the caller's stack
     * @return what {@code send} returns
     */
    public static Object coroutineSend(Object coroutine, Object value, Stack s) {
        return coroutines.send(Objects.requireNonNull(coroutine), value, false, s);
    }

    /**
     * {@code coroutine.next()} in woven code.
     *
     * @param coroutine the coroutine, a {@code dev.weft.Coroutine}
     * @param s the caller's stack
     * @return what {@code next} returns
     */
    public static Object coroutineNext(Object coroutine, Stack s) {
        return coroutines.send(Objects.requireNonNull(coroutine), null, true, s);
    }
}
