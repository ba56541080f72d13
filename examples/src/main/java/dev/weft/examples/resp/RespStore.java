package dev.weft.examples.resp;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's keys and values: binary-safe byte strings in a {@link ConcurrentHashMap}.
 *
 * <p>One store is shared by every hub of the server, so it must be safe across threads, and it is
 * lock-free on the common paths: each key maps to a {@link Slot} holding its current value, and a
 * {@code SET} or an {@code INCR} of an existing key is one compare-and-set on the slot, never a lock
 * of the map's bin (a {@code ConcurrentHashMap.put} locks the bin, and {@code redis-benchmark}'s
 * {@code SET}s all write the same key from every connection). Values are never changed in place, so
 * a reader never sees half a value. A deleted key's slot is first marked {@link #DELETED}, then
 * removed from the map; an operation that meets a marked slot helps remove it and tries again, so
 * that a {@code SET} racing a {@code DEL} is never lost in a slot about to be dropped.
 */
public final class RespStore {
    /** The value of a slot whose key has been deleted (compared by identity). */
    private static final byte[] DELETED = new byte[0];

    private static final byte[] ONE = {'1'};

    private final ConcurrentHashMap<Key, Slot> map = new ConcurrentHashMap<>();
    /** Redis's maxmemory, for the Java heap: the most heap in use at which writes are accepted; 0 for no limit. */
    private final long maxMemory;

    /** A store with no memory limit. */
    public RespStore() {
        this(0);
    }

    /**
     * A store that refuses writes while more than {@code maxMemory} bytes of the Java heap are in use
     * (see {@link #overMemory(long)}).
     *
     * @param maxMemory the limit in bytes, 0 for none
     * @throws IllegalArgumentException when {@code maxMemory} is negative
     */
    public RespStore(long maxMemory) {
        if (maxMemory < 0) {
            throw new IllegalArgumentException("maxMemory must not be negative, but was " + maxMemory);
        }
        this.maxMemory = maxMemory;
    }

    /**
     * Whether a write that needs {@code extra} more bytes must be refused, as Redis refuses it above
     * {@code maxmemory}: the heap in use (garbage not collected yet included, so set the limit with
     * room to spare) plus {@code extra} is over the limit.
     *
     * @param extra the bytes the write is about to take
     * @return true when it must be refused
     */
    public boolean overMemory(long extra) {
        if (maxMemory == 0) {
            return false;
        }
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory() + extra > maxMemory;
    }

    /**
     * The limit given to the constructor.
     *
     * @return the most heap in use at which writes are accepted, 0 for no limit
     */
    public long maxMemory() {
        return maxMemory;
    }

    /** A key's current value; replaced only by compare-and-set. */
    private static final class Slot extends AtomicReference<byte[]> {
        private static final long serialVersionUID = 1L;

        Slot(byte[] value) {
            super(value);
        }
    }

    /**
     * A key: a copy of the request's bytes, compared by content.
     */
    public static final class Key {
        private final byte[] bytes;
        private final int hash;

        private Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        /**
         * The key made of {@code length} bytes of {@code source} from index {@code start}.
         *
         * @param source the request's buffer (its position and limit are ignored)
         * @param start the index of the first byte
         * @param length the number of bytes
         * @return the key, holding a copy of the bytes
         */
        public static Key of(ByteBuffer source, int start, int length) {
            byte[] copy = new byte[length];
            source.get(start, copy);
            return new Key(copy);
        }

        /**
         * The key made of a copy of {@code bytes}.
         *
         * @param bytes the key's bytes
         * @return the key
         */
        public static Key of(byte[] bytes) {
            return new Key(bytes.clone());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * Thrown by {@link #increment} when the value is not a 64-bit decimal integer or would overflow;
     * its message is Redis's error reply.
     */
    public static final class NotAnInteger extends Exception {
        private static final long serialVersionUID = 1L;

        NotAnInteger(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The value of {@code key}, or null when it has none. The array must not be changed.
     *
     * @param key the key
     * @return the value, or null
     */
    public byte[] get(Key key) {
        Slot slot = map.get(key);
        if (slot == null) {
            return null;
        }
        byte[] value = slot.get();
        return value == DELETED ? null : value;
    }

    /**
     * Sets {@code key} to {@code value}, replacing any value it had.
     *
     * @param key the key
     * @param value the value; the store keeps this array, which must not be changed afterwards
     */
    public void set(Key key, byte[] value) {
        while (true) {
            Slot slot = map.get(key);
            if (slot == null) {
                if (map.putIfAbsent(key, new Slot(value)) == null) {
                    return;
                }
                continue;
            }
            byte[] old = slot.get();
            if (old == DELETED) {
                map.remove(key, slot);
            } else if (slot.compareAndSet(old, value)) {
                return;
            }
        }
    }

    /**
     * Removes {@code key}.
     *
     * @param key the key
     * @return true when it had a value
     */
    public boolean delete(Key key) {
        Slot slot = map.get(key);
        if (slot == null) {
            return false;
        }
        byte[] old = slot.getAndSet(DELETED);
        map.remove(key, slot);
        return old != DELETED;
    }

    /**
     * Whether {@code key} has a value.
     *
     * @param key the key
     * @return true when it has one
     */
    public boolean exists(Key key) {
        return get(key) != null;
    }

    /**
     * The number of keys, counted (so not cheap).
     *
     * @return the number of keys that have a value
     */
    public int size() {
        int n = 0;
        for (Slot slot : map.values()) {
            n += slot.get() == DELETED ? 0 : 1;
        }
        return n;
    }

    /**
     * Adds 1 to the decimal integer stored at {@code key} (a missing key counts as 0), atomically
     * even when other threads change the key at the same time.
     *
     * @param key the key
     * @return the new value
     * @throws NotAnInteger when the value is not a decimal 64-bit integer as Redis writes them, or is
     *     already {@link Long#MAX_VALUE}
     */
    public long increment(Key key) throws NotAnInteger {
        while (true) {
            Slot slot = map.get(key);
            if (slot == null) {
                if (map.putIfAbsent(key, new Slot(ONE)) == null) {
                    return 1;
                }
                continue;
            }
            byte[] old = slot.get();
            if (old == DELETED) {
                map.remove(key, slot);
                continue;
            }
            long value = parse(old);
            if (value == Long.MAX_VALUE) {
                throw new NotAnInteger("ERR increment or decrement would overflow");
            }
            if (slot.compareAndSet(old, RespOutput.ascii(Long.toString(value + 1)))) {
                return value + 1;
            }
        }
    }

    /** The value as a long, read as Redis reads one: optional '-', no '+', no leading zeros, no spaces. */
    private static long parse(byte[] value) throws NotAnInteger {
        int length = value.length;
        int i = 0;
        boolean negative = length > 0 && value[0] == '-';
        if (negative) {
            i = 1;
        }
        if (i >= length || length - i > 19 || (value[i] == '0' && (length - i > 1 || negative))) {
            throw notAnInteger();
        }
        long n = 0;
        for (; i < length; i++) {
            int d = value[i] - '0';
            if (d < 0 || d > 9) {
                throw notAnInteger();
            }
            // accumulate negatively, so that Long.MIN_VALUE is readable
            if (n < (Long.MIN_VALUE + d) / 10) {
                throw notAnInteger();
            }
            n = n * 10 - d;
        }
        if (!negative) {
            if (n == Long.MIN_VALUE) {
                throw notAnInteger();
            }
            n = -n;
        }
        return n;
    }

    private static NotAnInteger notAnInteger() {
        return new NotAnInteger("ERR value is not an integer or out of range");
    }
}
