package dev.weft.sync;

import java.util.ArrayDeque;

/**
 * gevent's {@code Channel}: a {@link Queue} of capacity 0, where {@code put} hands its item to a greenlet
 * in {@code get} (a rendezvous).
 *
 * <p>A {@code put} goes on only once a getter has the item, and after the getter: with a greenlet
 * waiting in {@code get}, the putter hands it the item and waits until it has run (gevent's order: the
 * getter prints "hello" before the putter prints "sent hello"); with none waiting, the putter waits until
 * a {@code get} takes the item, and the getter goes on first. Plain code waits as in any wait, running the
 * hub; the hub's own greenlet, which cannot wait, hands the item to a waiting getter and goes on.
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
