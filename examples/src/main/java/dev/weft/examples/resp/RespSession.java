package dev.weft.examples.resp;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One client connection's protocol state, apart from any socket: the bytes received and not yet
 * parsed, the parser, and the replies not yet sent.
 *
 * <p>A connection's loop, whatever its transport:
 *
 * <pre>{@code
 * while (true) {
 *     RespSession.Next next = session.process();
 *     ByteBuffer replies = session.replies();
 *     if (replies.hasRemaining()) write(replies);     // all of them
 *     session.sent();
 *     if (next == Next.CLOSE) break;                  // then close the connection
 *     if (next == Next.READ && read(session.inbox()) < 0) break;
 * }
 * }</pre>
 *
 * <p>{@link #process()} answers every complete request received (a pipeline at once), so the
 * replies to everything one read brought leave in one write. It stops early when the replies reach
 * 64 KB, so that a client pipelining large {@code GET}s is answered in pieces instead of the server
 * buffering without bound. The receive buffer grows only to hold a request that does not fit (up to
 * the limits) and shrinks back afterwards; past 1 MB it grows only while the store is under its memory
 * limit, and a request that would take it over is answered with Redis's {@code -OOM} error and the
 * connection closed. A buffer of 1 MB or more is allocated and filled on Weft's blocking threads
 * ({@link Hub#blocking}): zeroing and copying hundreds of megabytes would otherwise hold up every other
 * connection of the hub.
 */
public final class RespSession {
    /** What the connection should do after {@link #process()} and writing the replies. */
    public enum Next {
        /** Every complete request is answered: read more. */
        READ,
        /** The replies reached the flush size with requests left: write, then process again. */
        WRITE,
        /** A protocol error or {@code QUIT}: write the replies, then close the connection. */
        CLOSE
    }

    /** Bytes of replies after which processing pauses for a write. */
    static final int FLUSH_AT = 64 * 1024;
    private static final int INITIAL_INBOX = 8 * 1024;
    /** The most a receive buffer may hold; Java arrays end a little below 2 GB. */
    private static final long MAX_INBOX = Integer.MAX_VALUE - 16;

    /** Receive buffers larger than this grow only while the store is under its memory limit. */
    private static final int CHECKED_GROWTH = 1024 * 1024;

    private final RespParser parser;
    private final RespCommands commands;
    private final RespStore store;
    private final RespOutput output = new RespOutput(8 * 1024);
    private final long maxInbox;
    /** Received bytes in write mode: the unparsed bytes are [0, position). */
    private ByteBuffer inbox = ByteBuffer.allocate(INITIAL_INBOX);
    private boolean closing;

    /**
     * Creates a session.
     *
     * @param store the keys and values, usually shared by every connection
     * @param limits the largest requests accepted
     */
    public RespSession(RespStore store, RespLimits limits) {
        this.parser = new RespParser(Objects.requireNonNull(limits, "limits"));
        this.store = Objects.requireNonNull(store, "store");
        this.commands = new RespCommands(store);
        // the largest request: every argument at its largest, with its "$N\r\n" and CRLF
        this.maxInbox = Math.min(MAX_INBOX, 16 + (long) limits.maxArguments() * (limits.maxBulkBytes() + 32L));
    }

    /**
     * The buffer to receive into, in write mode (bytes go in at its position), with room for at
     * least one byte.
     *
     * @return the buffer, which may be a new one after each {@link #process()}
     */
    public ByteBuffer inbox() {
        return inbox;
    }

    /**
     * Parses and runs the complete requests received, encoding their replies.
     *
     * @return what to do next, after writing {@link #replies()}
     */
    @Suspendable
    public Next process() {
        if (closing) {
            return Next.CLOSE;
        }
        ByteBuffer in = inbox.flip();
        try {
            while (output.size() < FLUSH_AT && parser.next(in)) {
                if (!commands.execute(parser, output)) {
                    closing = true;
                    return Next.CLOSE;
                }
            }
            keepUnparsed(in);
            return in.position() > 0 && output.size() >= FLUSH_AT ? Next.WRITE : Next.READ;
        } catch (RespProtocolException e) {
            refuse(e);
            return Next.CLOSE;
        } catch (OutOfMemory e) {
            output.error(RespCommands.OOM);
            inbox = ByteBuffer.allocate(INITIAL_INBOX);
            closing = true;
            return Next.CLOSE;
        }
    }

    /** A request too large for the memory left: refused with Redis's {@code -OOM}, and the connection closed. */
    private static final class OutOfMemory extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OutOfMemory() {
            super(null, null, false, false);
        }
    }

    /** Moves the unparsed bytes to the start of the receive buffer, making room as needed. */
    @Suspendable
    private void keepUnparsed(ByteBuffer in) throws RespProtocolException {
        int unparsed = in.remaining();
        if (unparsed == 0) {
            inbox = in.capacity() > 16 * INITIAL_INBOX ? ByteBuffer.allocate(INITIAL_INBOX) : in.clear();
            return;
        }
        if (in.position() > 0) {
            in.compact();
        } else {
            in.position(in.limit()).limit(in.capacity());
        }
        if (in.hasRemaining()) {
            return;
        }
        // full: the pending request is larger than the buffer
        long needed = Math.max(parser.bytesNeeded(), unparsed + 1L);
        if (needed > maxInbox) {
            throw new RespProtocolException("request larger than " + maxInbox + " bytes");
        }
        // grow by doubling as bytes arrive, not to what a length announces: announcing costs nothing.
        // Once a megabyte has really arrived, grow straight to the whole request: the doublings of a
        // large value would allocate and copy it twice over, holding up the hub's other connections
        long size = Math.min((long) in.capacity() * 2, maxInbox);
        if (unparsed >= CHECKED_GROWTH && needed > size) {
            size = needed;
        }
        if (size > CHECKED_GROWTH && store.overMemory(size)) {
            // the request cannot be received without going over the limit: refused, not a heap exhausted
            throw new OutOfMemory();
        }
        int capacity = (int) size;
        ByteBuffer unparsedBytes = in.flip();
        if (capacity < RespParser.COPY_PIECE) {
            inbox = ByteBuffer.allocate(capacity).put(unparsedBytes);
        } else {
            // this greenlet waits meanwhile, so nothing else touches the buffers
            inbox = Hub.blocking(() -> copyInPieces(unparsedBytes, ByteBuffer.allocate(capacity)));
        }
    }

    /**
     * Puts what remains of {@code from} into {@code to} a megabyte at a time: one copy of hundreds of
     * megabytes keeps the JVM from reaching a safepoint, and every thread waits for that.
     */
    private static ByteBuffer copyInPieces(ByteBuffer from, ByteBuffer to) {
        while (from.hasRemaining()) {
            int n = Math.min(RespParser.COPY_PIECE, from.remaining());
            to.put(from.slice(from.position(), n));
            from.position(from.position() + n);
        }
        return to;
    }

    /** Replaces the input with the protocol error's reply; the connection is closed after it. */
    private void refuse(RespProtocolException e) {
        output.error("ERR Protocol error: " + e.getMessage());
        inbox = ByteBuffer.allocate(INITIAL_INBOX);
        closing = true;
    }

    /**
     * The replies encoded by {@link #process()}, ready to be written (from position 0 to the limit).
     * Write all of them, then call {@link #sent()}.
     *
     * @return the replies' bytes, from position 0 to the limit
     */
    public ByteBuffer replies() {
        return output.flip();
    }

    /** Marks the replies as written. */
    public void sent() {
        output.clear();
    }

    /**
     * Whether the conversation has ended.
     *
     * @return true once a protocol error or {@code QUIT} has ended it
     */
    public boolean closing() {
        return closing;
    }
}
