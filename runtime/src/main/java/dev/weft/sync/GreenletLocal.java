package dev.weft.sync;

import dev.weft.Greenlet;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * gevent's {@code local}: a variable with a separate value in each greenlet, as {@code ThreadLocal}
 * has one per thread.
 *
 * <p>Plain code counts as its thread's root greenlet. A greenlet's value goes when the greenlet is
 * no longer reachable. Unlike the other types of this package it may be shared between threads.
 *
 * @param <T> the type of the value
 */
public final class GreenletLocal<T> {
    private final Supplier<? extends T> initial;
    private final Map<Greenlet, T> values = new WeakHashMap<>();

    /** Creates a variable whose value in each greenlet starts as null. */
    public GreenletLocal() {
        this(() -> null);
    }

    private GreenletLocal(Supplier<? extends T> initial) {
        this.initial = initial;
    }

    /**
     * Creates a variable whose value in each greenlet starts as {@code initial.get()}, called on
     * the greenlet's first {@link #get()}.
     *
     * @param initial computes the first value
     * @param <T> the type of the value
     * @return the variable
     */
    public static <T> GreenletLocal<T> withInitial(Supplier<? extends T> initial) {
        return new GreenletLocal<>(Objects.requireNonNull(initial, "initial"));
    }

    /** {@return the current greenlet's value, computing the initial one when it has none} */
    public T get() {
        Greenlet me = Greenlet.current();
        synchronized (values) {
            if (values.containsKey(me)) {
                return values.get(me);
            }
        }
        T value = initial.get();
        synchronized (values) {
            values.put(me, value);
        }
        return value;
    }

    /**
     * Sets the current greenlet's value.
     *
     * @param value the value, may be null
     */
    public void set(T value) {
        Greenlet me = Greenlet.current();
        synchronized (values) {
            values.put(me, value);
        }
    }

    /** Removes the current greenlet's value: its next {@link #get()} computes the initial one again. */
    public void remove() {
        Greenlet me = Greenlet.current();
        synchronized (values) {
            values.remove(me);
        }
    }
}
