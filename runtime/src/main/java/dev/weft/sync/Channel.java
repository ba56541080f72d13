package dev.weft.sync;

import java.util.ArrayDeque;

/**
 * gevent's {@code Channel}: a {@link Queue} of capacity 0, where {@code put} waits until a greenlet
 * takes the item with {@code get} (a rendezvous).
 *
 * <p>{@code size()} is always 0; putters and getters are served in the order they started waiting.
 *
 * @param <T> the type of the items
 */
public final class Channel<T> extends Queue<T> {
    /** Creates a channel. */
    public Channel() {
        super(0, new ArrayDeque<>());
    }
}
