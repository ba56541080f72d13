package dev.weft;

/**
 * Something greenlets can wait for with {@link Hub#wait} and {@link Hub#iwait}: a
 * {@link SpawnedGreenlet} (ready once finished), a {@link dev.weft.sync.Event} (ready while set), a
 * {@link dev.weft.sync.AsyncResult} (ready once it has a value or an exception).
 *
 * <p>An implementation of one's own tells its callbacks when it becomes ready. Like the hub, a
 * waitable object is used from one thread only.
 */
public interface Waitable {
    /**
     * True when it is ready: a wait for it ends at once.
     *
     * @return whether it is ready
     */
    boolean isReady();

    /**
     * Calls {@code callback} once, as soon as it is ready: at once when it is ready already, otherwise
     * in whatever makes it ready, at that moment (gevent's {@code rawlink}). The callback must not wait
     * and should not throw: it is what wakes the waiting greenlet, not the work that follows. Weft's own
     * waitable objects call their links in turn with their waiters, in the order they were made, and an
     * exception from one is reported by the hub (printed once, naming the object) instead of reaching
     * whoever made the object ready.
     *
     * @param callback called once
     */
    void rawLink(Runnable callback);

    /**
     * Removes a callback added with {@link #rawLink} that has not been called; does nothing otherwise.
     *
     * @param callback the same object given to {@link #rawLink}
     */
    void rawUnlink(Runnable callback);
}
