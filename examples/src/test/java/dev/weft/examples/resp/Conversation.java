package dev.weft.examples.resp;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Drives a {@link RespSession} the way a connection's loop does, without a socket: bytes go in
 * through its inbox (as much as it has room for at a time, like a read), the replies are collected.
 */
final class Conversation {
    final RespSession session;
    private final ByteArrayOutputStream replies = new ByteArrayOutputStream();
    private boolean closed;
    private int writes;

    Conversation(RespStore store, RespLimits limits) {
        this.session = new RespSession(store, limits);
    }

    Conversation() {
        this(new RespStore(), RespLimits.DEFAULT);
    }

    /** Sends the text (ISO-8859-1, so every char is one byte) and returns the replies it produced. */
    String send(String text) {
        int before = replies.size();
        send(text.getBytes(StandardCharsets.ISO_8859_1));
        return replies.toString(StandardCharsets.ISO_8859_1).substring(before);
    }

    void send(byte[] data) {
        send(data, 0, data.length);
    }

    /** Sends data[from, to) as it would arrive, in reads of at most the inbox's free room. */
    void send(byte[] data, int from, int to) {
        int i = from;
        while (i < to && !closed) {
            ByteBuffer in = session.inbox();
            if (!in.hasRemaining()) {
                throw new AssertionError("the session offered an inbox without room");
            }
            int n = Math.min(in.remaining(), to - i);
            in.put(data, i, n);
            i += n;
            pump();
        }
    }

    private void pump() {
        while (true) {
            RespSession.Next next = session.process();
            ByteBuffer out = session.replies();
            if (out.hasRemaining()) {
                writes++;
                replies.write(out.array(), out.arrayOffset() + out.position(), out.remaining());
            }
            session.sent();
            if (next == RespSession.Next.CLOSE) {
                closed = true;
                return;
            }
            if (next == RespSession.Next.READ) {
                return;
            }
        }
    }

    boolean closed() {
        return closed;
    }

    int writes() {
        return writes;
    }

    /** Everything replied so far. */
    String replies() {
        return replies.toString(StandardCharsets.ISO_8859_1);
    }

    byte[] replyBytes() {
        return replies.toByteArray();
    }

    /** A request as a multi-bulk array of the words. */
    static String request(String... words) {
        StringBuilder s = new StringBuilder("*").append(words.length).append("\r\n");
        for (String w : words) {
            s.append('$').append(w.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(w).append("\r\n");
        }
        return s.toString();
    }
}
