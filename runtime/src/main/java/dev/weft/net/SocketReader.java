package dev.weft.net;

import dev.weft.Suspendable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A buffered reader of a {@link TcpSocket}: bytes and lines, each read suspending the calling
 * greenlet while the buffer is empty and nothing has come (the role of gevent's
 * {@code socket.makefile('rb')}).
 *
 * <pre>{@code
 * SocketReader in = new SocketReader(socket);
 * SocketWriter out = new SocketWriter(socket);
 * String line;
 * while ((line = in.readLine()) != null) {
 *     out.write(line.toUpperCase() + "\n");
 *     out.flush();
 * }
 * }</pre>
 *
 * <p>It reads ahead: bytes in its buffer are no longer in the socket, so once a reader is in use,
 * read through it only. Use it from greenlets of the socket's hub, through a variable of this type.
 */
public final class SocketReader {
    /** The longest line {@link #readLine()} accepts unless told otherwise: 64 KiB. */
    public static final int DEFAULT_MAX_LINE = 64 * 1024;

    private final TcpSocket socket;
    private final Charset charset;
    private final int maxLine;
    /** Between reads: the unread bytes, from position to limit. */
    private final ByteBuffer buffer;

    /**
     * Creates a reader with an 8 KiB buffer, reading lines as UTF-8 of at most {@link #DEFAULT_MAX_LINE} bytes.
     *
     * @param socket the socket
     */
    public SocketReader(TcpSocket socket) {
        this(socket, 8192, StandardCharsets.UTF_8, DEFAULT_MAX_LINE);
    }

    /**
     * Creates a reader.
     *
     * @param socket the socket
     * @param bufferSize the size of the buffer, at least 1
     * @param charset how lines are decoded
     * @param maxLine the longest line accepted, in bytes without its end, at least 1
     * @throws IllegalArgumentException when a size is less than 1
     */
    public SocketReader(TcpSocket socket, int bufferSize, Charset charset, int maxLine) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.charset = Objects.requireNonNull(charset, "charset");
        if (bufferSize < 1 || maxLine < 1) {
            throw new IllegalArgumentException("the buffer size and the longest line must be at least 1, but were "
                    + bufferSize + " and " + maxLine);
        }
        this.maxLine = maxLine;
        this.buffer = ByteBuffer.allocate(bufferSize).flip();
    }

    /** Refills an empty buffer; returns false at end of stream. */
    @Suspendable
    private boolean fill() throws IOException {
        buffer.clear();
        int n;
        try {
            n = socket.read(buffer);
        } finally {
            buffer.flip();
        }
        return n > 0;
    }

    /**
     * Reads one byte.
     *
     * @return the byte, 0 to 255, or -1 at end of stream
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Suspendable
    public int read() throws IOException {
        if (!buffer.hasRemaining() && !fill()) {
            return -1;
        }
        return buffer.get() & 0xFF;
    }

    /**
     * Reads at least one byte into {@code b[off..off+len)}: what is buffered, or else what the socket has.
     *
     * @param b the array
     * @param off where to start in it
     * @param len how many bytes to read at most
     * @return the number of bytes read, -1 at end of stream, 0 when {@code len} is 0
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Suspendable
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        if (!buffer.hasRemaining()) {
            if (len >= buffer.capacity()) {
                // a large read goes straight to the caller's array
                return socket.read(b, off, len);
            }
            if (!fill()) {
                return -1;
            }
        }
        int n = Math.min(len, buffer.remaining());
        buffer.get(b, off, n);
        return n;
    }

    /**
     * Reads exactly {@code len} bytes into {@code b[off..off+len)}.
     *
     * @param b the array
     * @param off where to start in it
     * @param len how many bytes to read
     * @throws EOFException when the stream ends first
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Suspendable
    public void readFully(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int done = 0;
        while (done < len) {
            int n = read(b, off + done, len - done);
            if (n < 0) {
                throw new EOFException("end of stream from " + socket.remoteAddress() + " after " + done + " of "
                        + len + " bytes");
            }
            done += n;
        }
    }

    /**
     * Reads a line ended by {@code \n} or {@code \r\n}, and returns it without its end; at end of
     * stream, returns what came after the last line end, or null when nothing did.
     *
     * @return the line, or null at end of stream
     * @throws IOException when the line is longer than the limit (the bytes read are dropped), or as
     *     {@link TcpSocket#read(ByteBuffer)}
     */
    @Suspendable
    public String readLine() throws IOException {
        byte[] line = new byte[Math.min(128, maxLine + 1)];
        int length = 0;
        while (true) {
            if (!buffer.hasRemaining() && !fill()) {
                return length == 0 ? null : decode(line, length);
            }
            byte c = buffer.get();
            if (c == '\n') {
                return decode(line, length);
            }
            if (length == maxLine + 1) {
                // one more than the limit may be the '\r' of "\r\n"; anything else is too long
                throw new IOException("a line from " + socket.remoteAddress() + " is longer than " + maxLine + " bytes");
            }
            if (length == line.length) {
                line = java.util.Arrays.copyOf(line, Math.min(line.length * 2, maxLine + 1));
            }
            line[length++] = c;
        }
    }

    private String decode(byte[] line, int length) throws IOException {
        if (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        if (length > maxLine) {
            throw new IOException("a line from " + socket.remoteAddress() + " is longer than " + maxLine + " bytes");
        }
        return new String(line, 0, length, charset);
    }

    /**
     * Returns how many bytes are buffered: readable without waiting.
     *
     * @return the number of buffered bytes
     */
    public int buffered() {
        return buffer.remaining();
    }
}
