/**
 * gevent's synchronisation for greenlets: {@link dev.weft.sync.Event}, {@link dev.weft.sync.AsyncResult},
 * {@link dev.weft.sync.Queue} (with {@link dev.weft.sync.LifoQueue}, {@link dev.weft.sync.PriorityQueue} and
 * {@link dev.weft.sync.Channel}),
 * {@link dev.weft.sync.Semaphore}, {@link dev.weft.sync.BoundedSemaphore}, {@link dev.weft.sync.Lock},
 * {@link dev.weft.sync.Group} and {@link dev.weft.sync.Pool} (with {@link dev.weft.sync.MapResults}), and
 * the greenlet-local variable {@link dev.weft.sync.GreenletLocal}.
 *
 * <p>Waiting suspends the greenlet and lets the thread's {@link dev.weft.Hub} run others, never blocks
 * the thread; called from plain code, a wait runs the hub until it ends. Like the hub, these objects
 * (except {@code GreenletLocal}) are not thread-safe: use each one from a single thread's greenlets. Waiters are served in the
 * order they started waiting, and a greenlet killed while waiting leaves nothing behind.
 */
package dev.weft.sync;
