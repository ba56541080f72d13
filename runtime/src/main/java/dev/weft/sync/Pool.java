package dev.weft.sync;

import dev.weft.Greenlet;
import dev.weft.Suspendable;
import java.time.Duration;
import java.util.Objects;

/**
 * gevent's {@code Pool}: a {@link Group} with at most {@code capacity} members at once.
 *
 * <p>{@link #spawn} and {@link #add} wait (suspending the greenlet) while the pool is full; waiting
 * spawns get their turn in the order they came, as a member leaves. {@code map}, {@code imap} and
 * {@code imapUnordered} therefore never run more than {@code capacity} workers at once: the items wait
 * their turn. Called by a member of the pool, {@code map}, {@code imap}, {@code imapUnordered} and
 * {@code apply} run the function in the calling greenlet, item after item, instead of spawning: a
 * member waiting for room in its own full pool could otherwise wait forever.
 *
 * <pre>{@code
 * Pool pool = new Pool(10);
 * List<String> pages = pool.map(url -> fetch(url), urls); // at most 10 fetches at a time
 * }</pre>
 */
public final class Pool extends Group {
    private final int capacity;
    private final Semaphore room;

    /**
     * Creates a pool that runs at most {@code capacity} members at once.
     *
     * @param capacity the most members at once, at least 1
     * @throws IllegalArgumentException when {@code capacity} is less than 1
     */
    public Pool(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a pool needs a capacity of at least 1, but was given " + capacity
                    + " (for no limit, use Group)");
        }
        this.capacity = capacity;
        this.room = new Semaphore(capacity);
    }

    /** {@return the most members the pool runs at once (gevent's {@code size})} */
    public int capacity() {
        return capacity;
    }

    /** {@return the number of greenlets that could join now without waiting} */
    public int freeCount() {
        purge();
        return room.available();
    }

    /** {@return true when a {@link #spawn} would wait for a member to leave} */
    public boolean isFull() {
        return freeCount() == 0;
    }

    /**
     * Waits until a greenlet could join without waiting; returns at once when the pool is not full.
     * Another greenlet may take the place before the caller spawns.
     */
    @Suspendable
    public void waitAvailable() {
        if (freeCount() == 0) {
            room.acquire();
            room.release();
        }
    }

    /**
     * Waits at most {@code timeout} until a greenlet could join without waiting.
     *
     * @param timeout the longest time to wait
     * @return true when there was room, false when the time ran out with the pool full
     */
    @Suspendable
    public boolean waitAvailable(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (freeCount() > 0) {
            return true;
        }
        if (!room.acquire(timeout)) {
            return false;
        }
        room.release();
        return true;
    }

    @Override
    @Suspendable
    void reserve() {
        purge();
        room.acquire();
    }

    @Override
    void unreserve() {
        room.release();
    }

    @Override
    boolean runsDirectly() {
        return memberRunning(Greenlet.current());
    }

    @Override
    public String toString() {
        return "Pool[" + size() + "/" + capacity + " members, " + room + "]";
    }
}
