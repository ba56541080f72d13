package dev.weft.sync;

import java.util.Comparator;
import java.util.Objects;

/**
 * gevent's {@code PriorityQueue}: a {@link Queue} whose {@code get} takes the least item first, by
 * natural order or by a comparator.
 *
 * <p>Waiting greenlets are still served in the order they started waiting.
 *
 * @param <T> the type of the items
 */
public final class PriorityQueue<T> extends Queue<T> {
    /** Creates an unbounded queue of {@code Comparable} items, least first. */
    public PriorityQueue() {
        super(Integer.MAX_VALUE, new java.util.PriorityQueue<>());
    }

    /**
     * Creates an unbounded queue ordered by {@code order}, least first.
     *
     * @param order compares the items
     */
    public PriorityQueue(Comparator<? super T> order) {
        super(Integer.MAX_VALUE, new java.util.PriorityQueue<>(Objects.requireNonNull(order, "order")));
    }

    /**
     * Creates a queue ordered by {@code order}, least first, holding at most {@code capacity} items.
     *
     * @param capacity the most items it holds, at least 1
     * @param order compares the items
     * @throws IllegalArgumentException when {@code capacity} is less than 1
     */
    public PriorityQueue(int capacity, Comparator<? super T> order) {
        super(checked(capacity), new java.util.PriorityQueue<>(Objects.requireNonNull(order, "order")));
    }
}
