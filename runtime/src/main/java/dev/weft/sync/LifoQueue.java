package dev.weft.sync;

import java.util.ArrayDeque;
import java.util.Collections;

/**
 * gevent's {@code LifoQueue}: a {@link Queue} whose {@code get} takes the item put last.
 *
 * <p>Waiting greenlets are still served in the order they started waiting.
 *
 * @param <T> the type of the items
 */
public final class LifoQueue<T> extends Queue<T> {
    /** Creates an unbounded LIFO queue. */
    public LifoQueue() {
        super(Integer.MAX_VALUE, Collections.asLifoQueue(new ArrayDeque<>()));
    }

    /**
     * Creates a LIFO queue holding at most {@code capacity} items.
     *
     * @param capacity the most items it holds, at least 1
     * @throws IllegalArgumentException when {@code capacity} is less than 1
     */
    public LifoQueue(int capacity) {
        super(checked(capacity), Collections.asLifoQueue(new ArrayDeque<>()));
    }
}
