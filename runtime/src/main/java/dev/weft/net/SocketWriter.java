package dev.weft.net;

import dev.weft.Suspendable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A buffered writer to a {@link TcpSocket}: small writes gather in a buffer that goes out when full
 * or on {@link #flush()}, suspending the calling greenlet while the peer does not take the bytes
 * (the role of gevent's {@code socket.makefile('wb')}). See {@link SocketReader} for an example.
 *
 * <p>Nothing is sent before a flush or a full buffer: flush before waiting for an answer. Use it
 * from greenlets of the socket's hub, through a variable of this type.
 */
public final class SocketWriter {
    private final TcpSocket socket;
    private final Charset charset;
    private final ByteBuffer buffer;

    /**
     * Creates a writer with an 8 KiB buffer, encoding strings as UTF-8.
     *
     * @param socket the socket
     */
    public SocketWriter(TcpSocket socket) {
        this(socket, 8192, StandardCharsets.UTF_8);
    }

    /**
     * Creates a writer.
     *
     * @param socket the socket
     * @param bufferSize the size of the buffer, at least 1
     * @param charset how strings are encoded
     * @throws IllegalArgumentException when {@code bufferSize} is less than 1
     */
    public SocketWriter(TcpSocket socket, int bufferSize, Charset charset) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.charset = Objects.requireNonNull(charset, "charset");
        if (bufferSize < 1) {
            throw new IllegalArgumentException("the buffer size must be at least 1, but was " + bufferSize);
        }
        this.buffer = ByteBuffer.allocate(bufferSize);
    }

    /**
     * Buffers one byte.
     *
     * @param b the byte, in the low 8 bits
     * @throws IOException when the buffer had to be sent and that failed
     */
    @Suspendable
    public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
            flush();
        }
        buffer.put((byte) b);
    }

    /**
     * Buffers {@code b[off..off+len)}; bytes that do not fit go out at once, after what was buffered.
     *
     * @param b the array
     * @param off where to start in it
     * @param len how many bytes
     * @throws IOException when sending failed
     */
    @Suspendable
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len <= buffer.remaining()) {
            buffer.put(b, off, len);
            return;
        }
        flush();
        if (len < buffer.capacity()) {
            buffer.put(b, off, len);
        } else {
            socket.write(b, off, len);
        }
    }

    /**
     * Buffers all of {@code b}.
     *
     * @param b the bytes
     * @throws IOException when sending failed
     */
    @Suspendable
    public void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /**
     * Buffers {@code text}, encoded in the writer's charset.
     *
     * @param text the text
     * @throws IOException when sending failed
     */
    @Suspendable
    public void write(String text) throws IOException {
        byte[] b = text.getBytes(charset);
        write(b, 0, b.length);
    }

    /**
     * Sends what is buffered, suspending until the socket has taken all of it.
     *
     * @throws IOException as {@link TcpSocket#write(ByteBuffer)}
     */
    @Suspendable
    public void flush() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        buffer.flip();
        try {
            socket.write(buffer);
        } finally {
            buffer.clear();
        }
    }

    /**
     * Returns how many bytes wait in the buffer.
     *
     * @return the number of unsent bytes
     */
    public int buffered() {
        return buffer.position();
    }
}
