package dev.weft.net;

import dev.weft.Suspendable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An unbuffered {@link InputStream} view of a {@link TcpSocket} whose reads suspend the calling
 * greenlet ({@link TcpSocket#inputStream()}).
 *
 * <p>Call it through a variable of this type, not {@code InputStream}: the agent makes a call a
 * suspension point from the type named at the call site, and {@code InputStream.read} is not one.
 * For the same reason, wrapping it in a JDK stream ({@code BufferedInputStream},
 * {@code DataInputStream}, a {@code Reader}) does not work in a greenlet: the JDK's frames cannot be
 * suspended, and the first read that has to wait is reported as a lost suspension. Use
 * {@link SocketReader} for buffering and lines. Closing the stream closes the socket.
 */
public final class SocketInputStream extends InputStream {
    private final TcpSocket socket;
    private final byte[] one = new byte[1];

    SocketInputStream(TcpSocket socket) {
        this.socket = socket;
    }

    /**
     * Reads one byte, suspending while none is available.
     *
     * @return the byte, 0 to 255, or -1 at end of stream
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Override
    @Suspendable
    public int read() throws IOException {
        int n = socket.read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    /**
     * Reads at least one byte into {@code b}, suspending while none is available.
     *
     * @param b the array
     * @return the number of bytes read, or -1 at end of stream
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Override
    @Suspendable
    public int read(byte[] b) throws IOException {
        return socket.read(b, 0, b.length);
    }

    /**
     * Reads at least one byte into {@code b[off..off+len)}, suspending while none is available.
     *
     * @param b the array
     * @param off where to start in it
     * @param len how many bytes to read at most
     * @return the number of bytes read, -1 at end of stream, 0 when {@code len} is 0
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Override
    @Suspendable
    public int read(byte[] b, int off, int len) throws IOException {
        return socket.read(b, off, len);
    }

    /**
     * Reads until {@code len} bytes are read or the stream ends.
     *
     * @param b the array
     * @param off where to start in it
     * @param len how many bytes to read at most
     * @return the number of bytes read, less than {@code len} only at end of stream
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Override
    @Suspendable
    public int readNBytes(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int done = 0;
        while (done < len) {
            int n = socket.read(b, off + done, len - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /**
     * Reads up to {@code len} bytes, until the stream ends.
     *
     * @param len how many bytes to read at most, not negative
     * @return the bytes read
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Override
    @Suspendable
    public byte[] readNBytes(int len) throws IOException {
        if (len < 0) {
            throw new IllegalArgumentException("len must not be negative, but was " + len);
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int left = len;
        while (left > 0) {
            int n = socket.read(chunk, 0, Math.min(chunk.length, left));
            if (n < 0) {
                break;
            }
            all.write(chunk, 0, n);
            left -= n;
        }
        return all.toByteArray();
    }

    /**
     * Reads until the end of the stream.
     *
     * @return every byte up to the end of the stream
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Override
    @Suspendable
    public byte[] readAllBytes() throws IOException {
        return readNBytes(Integer.MAX_VALUE);
    }

    /**
     * Reads and drops up to {@code n} bytes, until the stream ends.
     *
     * @param n how many bytes to skip
     * @return how many were skipped
     * @throws IOException as {@link TcpSocket#read(ByteBuffer)}
     */
    @Override
    @Suspendable
    public long skip(long n) throws IOException {
        byte[] chunk = new byte[(int) Math.min(8192, Math.max(0, n))];
        long skipped = 0;
        while (skipped < n) {
            int r = socket.read(chunk, 0, (int) Math.min(chunk.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    /** Closes the socket (see {@link TcpSocket#close()}). */
    @Override
    public void close() {
        socket.close();
    }
}
