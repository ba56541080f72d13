package dev.weft.net;

import dev.weft.Suspendable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * An unbuffered {@link OutputStream} view of a {@link TcpSocket} whose writes suspend the calling
 * greenlet while the peer does not take the bytes ({@link TcpSocket#outputStream()}).
 *
 * <p>Call it through a variable of this type, not {@code OutputStream} (see {@link SocketInputStream}
 * for why); use {@link SocketWriter} for buffering. Each write goes out at once, so
 * {@link #flush()} has nothing to do. Closing the stream closes the socket.
 */
public final class SocketOutputStream extends OutputStream {
    private final TcpSocket socket;

    SocketOutputStream(TcpSocket socket) {
        this.socket = socket;
    }

    /**
     * Writes one byte.
     *
     * @param b the byte, in the low 8 bits
     * @throws IOException as {@link TcpSocket#write(java.nio.ByteBuffer)}
     */
    @Override
    @Suspendable
    public void write(int b) throws IOException {
        socket.write(new byte[] {(byte) b}, 0, 1);
    }

    /**
     * Writes all of {@code b}.
     *
     * @param b the bytes
     * @throws IOException as {@link TcpSocket#write(java.nio.ByteBuffer)}
     */
    @Override
    @Suspendable
    public void write(byte[] b) throws IOException {
        socket.write(b, 0, b.length);
    }

    /**
     * Writes {@code b[off..off+len)}.
     *
     * @param b the array
     * @param off where to start in it
     * @param len how many bytes to write
     * @throws IOException as {@link TcpSocket#write(java.nio.ByteBuffer)}
     */
    @Override
    @Suspendable
    public void write(byte[] b, int off, int len) throws IOException {
        socket.write(b, off, len);
    }

    /** Does nothing: every write has gone out already. */
    @Override
    public void flush() {
    }

    /** Closes the socket (see {@link TcpSocket#close()}). */
    @Override
    public void close() {
        socket.close();
    }
}
