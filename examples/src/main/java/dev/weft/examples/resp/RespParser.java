package dev.weft.examples.resp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An incremental parser of RESP requests, reading straight from a {@link ByteBuffer}.
 *
 * <p>A request is either a multi-bulk array ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}), the form
 * clients send, or an inline line of words separated by spaces or tabs ({@code GET k\r\n}, the form
 * people type; no quoting). {@link #next} parses the request that starts at the buffer's position:
 *
 * <ul>
 *   <li>when the whole request is there, it moves the position past it and returns true; its
 *       arguments are then {@link #argCount()}, {@link #argStart(int)} and {@link #argLength(int)},
 *       indices into the same buffer, valid until the next call;
 *   <li>when part of it is missing, it returns false and leaves the position where the request
 *       starts. It remembers how far it got, so the next call, after more bytes were appended, goes
 *       on from there instead of scanning again. Between the calls the caller may move the unread
 *       bytes as a block (as {@link ByteBuffer#compact()} does), so that the request starts elsewhere.
 * </ul>
 *
 * <p>Many requests in one buffer (a pipeline) are taken one call at a time. Empty requests
 * ({@code *0}, {@code *-1}, an empty line) are skipped, as Redis skips them. Parsing allocates
 * nothing, except that the arrays of argument positions grow (to at most the argument limit) when a
 * request has more arguments than any before it.
 *
 * <p>Broken input is a {@link RespProtocolException} with Redis's message; after one the parser's
 * state is undefined and the connection is meant to be closed.
 */
public final class RespParser {
    /** The longest "*N" or "$N" line before its CR: a sign, 18 digits and some room. */
    private static final int MAX_LENGTH_LINE = 32;
    private static final int IDLE = 0;
    private static final int INLINE = 1;
    private static final int ARRAY = 2;

    private final RespLimits limits;
    /** Where the pending request is: IDLE (not started), INLINE or ARRAY. */
    private int mode = IDLE;
    /** How far the pending request has been parsed (inline: searched), from its first byte. */
    private int scanned;
    /** The number of arguments the pending array announced. */
    private int expected;
    /** The number of arguments parsed so far. */
    private int count;
    /** The length of the bulk string whose "$N" line was parsed, or -1 before the next "$N" line. */
    private int bulk = -1;
    /** Each argument's first byte and length; the starts are relative to the request's first byte. */
    private int[] starts = new int[8];
    private int[] lengths = new int[8];
    /** The absolute index of the last complete request's first byte in {@link #buffer}. */
    private int base;
    private ByteBuffer buffer;

    /**
     * Creates a parser.
     *
     * @param limits the largest requests it accepts
     */
    public RespParser(RespLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Parses the request that starts at {@code in}'s position.
     *
     * @param in the received bytes, between its position and its limit
     * @return true when a whole request was parsed (the position is then past it), false when more
     *     bytes are needed (the position has not moved)
     * @throws RespProtocolException when the bytes are not a valid request within the limits
     */
    public boolean next(ByteBuffer in) throws RespProtocolException {
        while (true) {
            int start = in.position();
            int limit = in.limit();
            if (mode == IDLE) {
                if (start >= limit) {
                    return false;
                }
                mode = in.get(start) == '*' ? ARRAY : INLINE;
                scanned = 0;
                count = 0;
                bulk = -1;
                expected = -1;
            }
            int end = mode == ARRAY ? array(in, start, limit) : inline(in, start, limit);
            if (end < 0) {
                return false;
            }
            mode = IDLE;
            in.position(end);
            if (count > 0) {
                base = start;
                buffer = in;
                return true;
            }
            // an empty request: skipped
        }
    }

    /** Parses an inline line; returns the index after it, or -1 when its end has not arrived. */
    private int inline(ByteBuffer in, int start, int limit) throws RespProtocolException {
        int from = start + scanned;
        int newline = -1;
        for (int i = from; i < limit; i++) {
            if (in.get(i) == '\n') {
                newline = i;
                break;
            }
        }
        if (newline < 0) {
            scanned = limit - start;
            if (scanned > limits.maxInlineBytes()) {
                throw new RespProtocolException("too big inline request");
            }
            return -1;
        }
        if (newline - start > limits.maxInlineBytes()) {
            throw new RespProtocolException("too big inline request");
        }
        int lineEnd = newline > start && in.get(newline - 1) == '\r' ? newline - 1 : newline;
        int i = start;
        while (i < lineEnd) {
            byte b = in.get(i);
            if (b == ' ' || b == '\t') {
                i++;
                continue;
            }
            int word = i;
            while (i < lineEnd && (b = in.get(i)) != ' ' && b != '\t') {
                i++;
            }
            add(word - start, i - word);
        }
        return newline + 1;
    }

    /** Parses (more of) an array; returns the index after it, or -1 when part of it has not arrived. */
    private int array(ByteBuffer in, int start, int limit) throws RespProtocolException {
        if (expected < 0) {
            int cr = lineEnd(in, start, limit, "too big mbulk count string");
            if (cr < 0) {
                return -1;
            }
            long n = number(in, start + 1, cr, true);
            if (n == Long.MIN_VALUE || n > limits.maxArguments()) {
                throw new RespProtocolException("invalid multibulk length");
            }
            scanned = cr + 2 - start;
            if (n <= 0) {
                return cr + 2;
            }
            expected = (int) n;
        }
        while (count < expected) {
            int at = start + scanned;
            if (bulk < 0) {
                if (at >= limit) {
                    return -1;
                }
                byte first = in.get(at);
                if (first != '$') {
                    throw new RespProtocolException("expected '$', got '" + printable(first) + "'");
                }
                int cr = lineEnd(in, at, limit, "too big bulk count string");
                if (cr < 0) {
                    return -1;
                }
                long n = number(in, at + 1, cr, false);
                if (n < 0 || n > limits.maxBulkBytes()) {
                    throw new RespProtocolException("invalid bulk length");
                }
                bulk = (int) n;
                scanned = cr + 2 - start;
                at = cr + 2;
            }
            if ((long) limit - at < (long) bulk + 2) {
                return -1;
            }
            if (in.get(at + bulk) != '\r' || in.get(at + bulk + 1) != '\n') {
                throw new RespProtocolException("expected CRLF after a bulk string of " + bulk + " bytes");
            }
            add(at - start, bulk);
            scanned = at + bulk + 2 - start;
            bulk = -1;
        }
        return start + scanned;
    }

    /**
     * Finds the CR of the "*N" or "$N" line at {@code from}: its index when the LF after it has
     * arrived too, -1 when the line has not ended yet.
     */
    private static int lineEnd(ByteBuffer in, int from, int limit, String tooBig) throws RespProtocolException {
        int stop = Math.min(limit, from + MAX_LENGTH_LINE);
        for (int i = from + 1; i < stop; i++) {
            if (in.get(i) == '\r') {
                if (i + 1 >= limit) {
                    return -1;
                }
                if (in.get(i + 1) != '\n') {
                    throw new RespProtocolException("expected LF after CR, got '" + printable(in.get(i + 1)) + "'");
                }
                return i;
            }
        }
        if (limit - from >= MAX_LENGTH_LINE) {
            throw new RespProtocolException(tooBig);
        }
        return -1;
    }

    /**
     * The decimal number in {@code [from, to)}, as Redis reads one: no sign but an optional '-' (when
     * allowed), no leading zeros, at most 18 digits; Long.MIN_VALUE when it is not one.
     */
    private static long number(ByteBuffer in, int from, int to, boolean negativeAllowed) {
        boolean negative = false;
        if (negativeAllowed && from < to && in.get(from) == '-') {
            negative = true;
            from++;
        }
        int digits = to - from;
        if (digits < 1 || digits > 18 || (digits > 1 && in.get(from) == '0')) {
            return Long.MIN_VALUE;
        }
        long n = 0;
        for (int i = from; i < to; i++) {
            int d = in.get(i) - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            n = n * 10 + d;
        }
        return negative ? -n : n;
    }

    private void add(int start, int length) throws RespProtocolException {
        if (count >= limits.maxArguments()) {
            throw new RespProtocolException("too many arguments in a request (more than "
                    + limits.maxArguments() + ")");
        }
        if (count == starts.length) {
            int size = (int) Math.min((long) count * 2, limits.maxArguments());
            starts = Arrays.copyOf(starts, size);
            lengths = Arrays.copyOf(lengths, size);
        }
        starts[count] = start;
        lengths[count] = length;
        count++;
    }

    private static String printable(byte b) {
        return b >= 0x21 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }

    /**
     * The number of bytes, from its first, that the pending request needs at least before it can
     * be complete: a hint for growing the buffer.
     *
     * @return the number of bytes, 0 when no request is pending
     */
    public long bytesNeeded() {
        if (mode == IDLE) {
            return 0;
        }
        if (mode == ARRAY && bulk >= 0) {
            return (long) scanned + bulk + 2;
        }
        return (long) scanned + 1;
    }

    /**
     * Whether a request has been started but not finished.
     *
     * @return true while part of a request has been parsed
     */
    public boolean pending() {
        return mode != IDLE;
    }

    /**
     * The number of arguments of the last request parsed, the command name included.
     *
     * @return the number of arguments, at least 1
     */
    public int argCount() {
        return count;
    }

    /**
     * Where argument {@code i} starts.
     *
     * @param i the argument's index, 0 for the command name
     * @return the index in {@link #buffer()} of its first byte
     */
    public int argStart(int i) {
        return base + starts[i];
    }

    /**
     * The length of argument {@code i}.
     *
     * @param i the argument's index, 0 for the command name
     * @return its length in bytes
     */
    public int argLength(int i) {
        return lengths[i];
    }

    /**
     * The buffer the last request was parsed from.
     *
     * @return the buffer that {@link #argStart(int)} indexes
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /**
     * A copy of argument {@code i}'s bytes.
     *
     * @param i the argument's index, 0 for the command name
     * @return a new array holding its bytes
     */
    public byte[] argBytes(int i) {
        int length = lengths[i];
        byte[] copy = new byte[length];
        int start = argStart(i);
        // in pieces: one copy of hundreds of megabytes keeps the JVM from reaching a safepoint, and
        // every other thread, the hub's included, waits for that at the next collection
        for (int done = 0; done < length; done += COPY_PIECE) {
            buffer.get(start + done, copy, done, Math.min(COPY_PIECE, length - done));
        }
        return copy;
    }

    /**
     * The most bytes copied at once by {@link #argBytes}; a value or buffer of this size or more is also
     * allocated and copied off the hub, on its blocking threads.
     */
    static final int COPY_PIECE = 1024 * 1024;

    /**
     * Argument {@code i} decoded as UTF-8 (for messages and tests, not the fast path).
     *
     * @param i the argument's index, 0 for the command name
     * @return the decoded text
     */
    public String argString(int i) {
        return new String(argBytes(i), StandardCharsets.UTF_8);
    }

    /**
     * Whether argument {@code i} is {@code upper} ignoring ASCII case.
     *
     * @param i the argument's index, 0 for the command name
     * @param upper an upper-case ASCII word
     * @return true when they are the same word
     */
    public boolean argIs(int i, byte[] upper) {
        int length = lengths[i];
        if (length != upper.length) {
            return false;
        }
        int at = argStart(i);
        for (int k = 0; k < length; k++) {
            int b = buffer.get(at + k);
            if (b >= 'a' && b <= 'z') {
                b -= 'a' - 'A';
            }
            if (b != upper[k]) {
                return false;
            }
        }
        return true;
    }
}
