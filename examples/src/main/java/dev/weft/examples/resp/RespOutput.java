package dev.weft.examples.resp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * RESP replies encoded into one growing buffer, so that the replies to a whole pipeline leave in a
 * single write.
 *
 * <p>Each method appends one reply (or, for {@link #arrayHeader}, the head of an array whose
 * elements follow). Numbers are encoded digit by digit into the buffer, so the common replies
 * allocate nothing. {@link #flip()} hands the bytes to the writer, {@link #clear()} starts over.
 */
public final class RespOutput {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] NULL_BULK = ascii("$-1\r\n");
    private static final byte[] EMPTY_ARRAY = ascii("*0\r\n");
    private static final byte[] LONG_MIN = ascii(Long.toString(Long.MIN_VALUE));
    /** Longest error message sent, in bytes; Redis cuts the names it quotes in errors likewise. */
    private static final int MAX_ERROR = 1024;

    private final int initialCapacity;
    private ByteBuffer buffer;

    /**
     * Creates an empty output.
     *
     * @param initialCapacity the buffer's first size in bytes, to which {@link #clear()} shrinks it back
     */
    public RespOutput(int initialCapacity) {
        if (initialCapacity < 64) {
            throw new IllegalArgumentException("initialCapacity must be at least 64, but was " + initialCapacity);
        }
        this.initialCapacity = initialCapacity;
        this.buffer = ByteBuffer.allocate(initialCapacity);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The number of bytes encoded so far.
     *
     * @return the number of bytes
     */
    public int size() {
        return buffer.position();
    }

    /**
     * Appends bytes that already are one or more encoded replies, such as {@code +OK\r\n}.
     *
     * @param encoded the reply's bytes
     */
    public void raw(byte[] encoded) {
        room(encoded.length).put(encoded);
    }

    /**
     * Appends a simple string, {@code +text\r\n}.
     *
     * @param text the text, without CR or LF
     * @throws IllegalArgumentException when the text holds CR or LF
     */
    public void simpleString(String text) {
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a simple string must not contain CR or LF, but was: " + text);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        room(bytes.length + 3).put((byte) '+').put(bytes).put(CRLF);
    }

    /**
     * Appends an error, {@code -message\r\n}. CR and LF in the message become spaces and a message
     * longer than 1024 bytes is cut, so that the client always reads one well-formed line.
     *
     * @param message the message, conventionally starting with a code such as {@code ERR}
     */
    public void error(String message) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(bytes.length, MAX_ERROR);
        ByteBuffer out = room(length + 3).put((byte) '-');
        for (int i = 0; i < length; i++) {
            byte b = bytes[i];
            out.put(b == '\r' || b == '\n' ? (byte) ' ' : b);
        }
        out.put(CRLF);
    }

    /**
     * Appends an integer, {@code :n\r\n}.
     *
     * @param n the value
     */
    public void integer(long n) {
        prefixed((byte) ':', n);
    }

    /**
     * Appends the head of an array of {@code n} elements, {@code *n\r\n}; the elements follow as
     * further replies.
     *
     * @param n the number of elements, at least 0
     */
    public void arrayHeader(int n) {
        if (n == 0) {
            raw(EMPTY_ARRAY);
        } else {
            prefixed((byte) '*', n);
        }
    }

    /** Appends the null bulk string, {@code $-1\r\n} (a missing value). */
    public void nullBulk() {
        raw(NULL_BULK);
    }

    /**
     * Appends a bulk string, {@code $length\r\nbytes\r\n}.
     *
     * @param value the bytes, sent as they are
     */
    public void bulk(byte[] value) {
        prefixed((byte) '$', value.length);
        room(value.length + 2).put(value).put(CRLF);
    }

    /**
     * Appends a bulk string holding {@code length} bytes of {@code source} from index {@code start}.
     *
     * @param source the bytes' buffer (its position and limit are ignored)
     * @param start the index of the first byte
     * @param length the number of bytes
     */
    public void bulk(ByteBuffer source, int start, int length) {
        prefixed((byte) '$', length);
        ByteBuffer out = room(length + 2);
        out.put(out.position(), source, start, length);
        out.position(out.position() + length).put(CRLF);
    }

    private void prefixed(byte type, long n) {
        ByteBuffer out = room(23);
        out.put(type);
        if (n < 0) {
            if (n == Long.MIN_VALUE) {
                out.put(LONG_MIN).put(CRLF);
                return;
            }
            out.put((byte) '-');
            n = -n;
        }
        int digits = 1;
        for (long rest = n / 10; rest != 0; rest /= 10) {
            digits++;
        }
        int at = out.position() + digits;
        for (int i = at - 1; i >= out.position(); i--) {
            out.put(i, (byte) ('0' + n % 10));
            n /= 10;
        }
        out.position(at);
        out.put(CRLF);
    }

    /** The buffer, with room for {@code bytes} more. */
    private ByteBuffer room(int bytes) {
        if (buffer.remaining() < bytes) {
            long needed = (long) buffer.position() + bytes;
            long size = Math.max(needed, (long) buffer.capacity() * 2);
            if (needed > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("replies larger than 2 GB cannot be buffered: "
                        + buffer.position() + " bytes buffered and " + bytes + " more");
            }
            ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(size, Integer.MAX_VALUE - 16));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
        return buffer;
    }

    /**
     * The encoded bytes, ready to be written: the buffer between position 0 and its limit. Call
     * {@link #clear()} once they are written; nothing may be appended in between.
     *
     * @return the buffer, flipped for reading
     */
    public ByteBuffer flip() {
        return buffer.flip();
    }

    /** Forgets the bytes; a buffer that grew past four times its first size is dropped for a new one. */
    public void clear() {
        if (buffer.capacity() > 4 * initialCapacity) {
            buffer = ByteBuffer.allocate(initialCapacity);
        } else {
            buffer.clear();
        }
    }
}
