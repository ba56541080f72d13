package dev.weft.net;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A TCP connection whose waits suspend the calling greenlet instead of blocking its thread (gevent's
 * cooperative {@code socket}): a read with nothing to read, a write the peer does not take yet, a
 * connect in progress each let the hub run the other greenlets until the socket is ready.
 *
 * <pre>{@code
 * try (TcpSocket s = TcpSocket.connect("example.org", 80)) {
 *     s.write("HEAD / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
 *     ByteBuffer reply = ByteBuffer.allocate(4096);
 *     while (s.read(reply) > 0 && reply.hasRemaining()) { }
 * }
 * }</pre>
 *
 * <p>A socket belongs to the hub of the thread that made it (connected it, or for a
 * {@link StreamServer} handler, the hub the handler runs on); its waits happen on that thread, in a
 * greenlet or in plain code (which runs the hub meanwhile). One greenlet may read while another
 * writes. It is backed by a non-blocking {@link SocketChannel} registered with the hub's selector,
 * with {@code TCP_NODELAY} set (as Redis and most servers do: a reply goes out at once).
 *
 * <p>A large buffer moves in system calls of at most 1 MiB, and a socket that has moved 1 MiB
 * without having to wait lets the other greenlets of its hub run before it moves more (as
 * {@code Hub.sleep(0)} does), so that a large value on a fast connection holds up its hub's other
 * connections for about a millisecond at a time, not for the whole value.
 *
 * <p>Each reading, writing and connecting operation may be limited by {@link #setTimeout}: when it
 * has not finished in time it throws {@link SocketTimeoutException}, and the socket stays usable.
 * {@link #close()} wakes every greenlet waiting on the socket, whose wait then throws
 * {@link java.nio.channels.AsynchronousCloseException}.
 *
 * <p>For {@code java.io} style code, {@link #inputStream()} and {@link #outputStream()} give stream
 * views, and {@link SocketReader} and {@link SocketWriter} buffered ones. Call their methods through
 * variables of their own types: the agent decides whether a call may suspend from the type the call
 * site names, so {@code in.read()} on a variable of type {@code java.io.InputStream} is not a
 * suspension point and a wait inside it is reported as a lost suspension.
 */
public final class TcpSocket implements AutoCloseable {
    /**
     * The most bytes one system call reads or writes, and the most a socket moves without letting the
     * other greenlets of its hub run: 1 MiB. It also bounds the temporary direct buffer the JDK copies a
     * heap buffer through, which is otherwise as large as the whole buffer.
     */
    static final int CHUNK = 1024 * 1024;

    private final SocketChannel channel;
    private final Hub hub;
    private final Thread owner;
    private final InetSocketAddress remote;
    private volatile Duration timeout;
    private volatile boolean closed;
    /**
     * True when the last read took all the kernel had (it left room in its buffer): the next read
     * then waits for readiness before reading, instead of a system call that would most likely find
     * nothing, as in a request and reply protocol, where the peer sends again only once answered.
     */
    private boolean drained;
    /**
     * Bytes read and written since the socket last waited or let the hub's other greenlets run: once
     * it reaches {@link #CHUNK}, the next read or write yields first, so that a large transfer that
     * never has to wait (a fast peer on loopback) cannot hold its hub.
     */
    private long unyielded;
    private SocketInputStream in;
    private SocketOutputStream out;

    /** Wraps a connected (or connecting) channel for the current thread's hub, making it non-blocking. */
    TcpSocket(SocketChannel channel, InetSocketAddress remote) throws IOException {
        this.channel = channel;
        this.hub = Hub.current();
        this.owner = Thread.currentThread();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        this.remote = remote != null ? remote : (InetSocketAddress) channel.getRemoteAddress();
    }

    /**
     * Connects to {@code host} and {@code port}, suspending the caller meanwhile; a host name is
     * looked up on {@link Hub#blocking}'s pool, never on the hub's thread.
     *
     * @param host a host name or a literal IP address
     * @param port the port, 0 to 65535
     * @return the connected socket, with no timeout
     * @throws java.net.UnknownHostException when the name cannot be resolved
     * @throws java.net.ConnectException when the peer refuses the connection
     * @throws IOException when connecting fails otherwise
     */
    @Suspendable
    public static TcpSocket connect(String host, int port) throws IOException {
        return connect(Resolver.resolve(host, port), null);
    }

    /**
     * Connects to {@code address}, suspending the caller for at most {@code timeout}; an unresolved
     * address is looked up on {@link Hub#blocking}'s pool first.
     *
     * @param address where to connect
     * @param timeout the longest time connecting may take, or null for no limit
     * @return the connected socket, with no timeout of its own (see {@link #setTimeout})
     * @throws SocketTimeoutException when the time ran out
     * @throws java.net.ConnectException when the peer refuses the connection
     * @throws IOException when connecting fails otherwise
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    @Suspendable
    public static TcpSocket connect(InetSocketAddress address, Duration timeout) throws IOException {
        IoWait.checkTimeout(timeout);
        InetSocketAddress target = Resolver.resolve(address);
        long deadline = IoWait.deadline(timeout);
        SocketChannel ch = SocketChannel.open();
        boolean connected = false;
        try {
            TcpSocket socket = new TcpSocket(ch, target);
            if (!ch.connect(target)) {
                do {
                    IoWait.await(ch, SelectionKey.OP_CONNECT, timeout, deadline, "TcpSocket.connect", target);
                } while (!ch.finishConnect());
            }
            connected = true;
            return socket;
        } finally {
            if (!connected) {
                Hub.Waiter.cancelChannelWaits(ch);
                ch.close();
            }
        }
    }

    /**
     * Reads at least one byte into {@code dst}, suspending while none is available; -1 at end of stream.
     *
     * <p>After a read that emptied the socket (it left room in its buffer), the next read of the
     * socket's own thread with no timeout waits for readiness before reading: in a request and reply
     * exchange the peer has had no time to send more, and the read it skips would find nothing.
     *
     * @param dst where to put the bytes, from its position up to its limit
     * @return the number of bytes read, -1 at end of stream, 0 only when {@code dst} has no room
     * @throws SocketTimeoutException when nothing came within the timeout
     * @throws java.nio.channels.ClosedChannelException when the socket is or gets closed
     * @throws IOException when the connection fails (reset by the peer, say)
     */
    @Suspendable
    public int read(ByteBuffer dst) throws IOException {
        Duration t = timeout;
        if (unyielded >= CHUNK) {
            yieldTurn();
        }
        if (drained && t == null && dst.hasRemaining() && Thread.currentThread() == owner) {
            // readiness first: ready now, it ends the wait at the hub's next select, with no read in vain
            return readWaiting(dst, null, 0);
        }
        int n = readNow(dst);
        if (n != 0 || !dst.hasRemaining()) {
            return n;
        }
        return readWaiting(dst, t, IoWait.deadline(t));
    }

    /** One read of at most {@link #CHUNK} bytes, without waiting; notes whether it emptied the kernel's buffer. */
    private int readNow(ByteBuffer dst) throws IOException {
        int room = Math.min(dst.remaining(), CHUNK);
        int n = transferNow(dst, false);
        drained = n < room;
        if (n > 0) {
            unyielded += n;
        }
        return n;
    }

    /**
     * Lets the other greenlets of the hub run once, when called on the socket's own thread; a socket
     * that has moved {@link #CHUNK} bytes without waiting calls it before it moves more.
     */
    @Suspendable
    private void yieldTurn() {
        unyielded = 0;
        if (Thread.currentThread() == owner) {
            Hub.sleep(0);
        }
    }

    /** One write of at most {@link #CHUNK} bytes, without waiting. */
    private int writeNow(ByteBuffer src) throws IOException {
        int n = transferNow(src, true);
        unyielded += n;
        return n;
    }

    /** One system call reading into or writing from {@code buffer}, moving at most {@link #CHUNK} bytes. */
    private int transferNow(ByteBuffer buffer, boolean write) throws IOException {
        int limit = buffer.limit();
        boolean narrowed = buffer.remaining() > CHUNK;
        if (narrowed) {
            buffer.limit(buffer.position() + CHUNK);
        }
        try {
            return write ? channel.write(buffer) : channel.read(buffer);
        } finally {
            if (narrowed) {
                buffer.limit(limit);
            }
        }
    }

    /**
     * Reads at least one byte into {@code b[off..off+len)}, suspending while none is available.
     *
     * @param b the array
     * @param off where to start in it
     * @param len how many bytes to read at most
     * @return the number of bytes read, -1 at end of stream, 0 only when {@code len} is 0
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    @Suspendable
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        return read(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Reads until {@code dst} is full, suspending as often as needed; the timeout limits the whole call.
     *
     * @param dst where to put the bytes, from its position up to its limit
     * @throws EOFException when the stream ends first (the bytes read so far are in {@code dst})
     * @throws SocketTimeoutException when the time ran out first
     * @throws IOException as {@link #read(ByteBuffer)}
     */
    @Suspendable
    public void readFully(ByteBuffer dst) throws IOException {
        Duration t = timeout;
        long deadline = IoWait.deadline(t);
        int wanted = dst.remaining();
        while (dst.hasRemaining()) {
            if (unyielded >= CHUNK) {
                yieldTurn();
            }
            int n = readNow(dst);
            if (n == 0) {
                n = readWaiting(dst, t, deadline);
            }
            if (n < 0) {
                throw new EOFException("end of stream from " + remote + " after " + (wanted - dst.remaining())
                        + " of " + wanted + " bytes");
            }
        }
    }

    /**
     * Reads exactly {@code len} bytes into {@code b[off..off+len)} (see {@link #readFully(ByteBuffer)}).
     *
     * @param b the array
     * @param off where to start in it
     * @param len how many bytes to read
     * @throws IOException as {@link #readFully(ByteBuffer)}
     */
    @Suspendable
    public void readFully(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        readFully(ByteBuffer.wrap(b, off, len));
    }

    @Suspendable
    private int readWaiting(ByteBuffer dst, Duration t, long deadline) throws IOException {
        while (true) {
            checkOwner();
            if (t == null) {
                // the usual wait, with no timeout: one frame less to unwind and rewind than through IoWait
                Hub.Waiter.forCurrent("TcpSocket.read", this).parkUntilReady(channel, SelectionKey.OP_READ, null);
            } else {
                IoWait.await(channel, SelectionKey.OP_READ, t, deadline, "TcpSocket.read", this);
            }
            unyielded = 0;
            int n = readNow(dst);
            if (n != 0) {
                return n;
            }
        }
    }

    /**
     * Writes every remaining byte of {@code src}, suspending while the peer does not take them; so a
     * writer faster than its reader waits instead of buffering without bound.
     *
     * @param src the bytes, from its position up to its limit; its position ends at its limit
     * @throws SocketTimeoutException when the bytes were not all taken within the timeout (those taken
     *     are gone; {@code src}'s position tells how many)
     * @throws java.nio.channels.ClosedChannelException when the socket is or gets closed
     * @throws IOException when the connection fails (reset by the peer, say)
     */
    @Suspendable
    public void write(ByteBuffer src) throws IOException {
        if (unyielded >= CHUNK) {
            yieldTurn();
        }
        writeNow(src);
        if (!src.hasRemaining()) {
            return;
        }
        Duration t = timeout;
        long deadline = IoWait.deadline(t);
        do {
            if (unyielded >= CHUNK) {
                // the kernel took a whole chunk without making us wait: let the others run before the next
                yieldTurn();
                if (writeNow(src) > 0) {
                    continue;
                }
            }
            checkOwner();
            IoWait.await(channel, SelectionKey.OP_WRITE, t, deadline, "TcpSocket.write", this);
            unyielded = 0;
            writeNow(src);
        } while (src.hasRemaining());
    }

    /**
     * Writes {@code b[off..off+len)} (see {@link #write(ByteBuffer)}).
     *
     * @param b the array
     * @param off where to start in it
     * @param len how many bytes to write
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    @Suspendable
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        write(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Writes all of {@code b} (see {@link #write(ByteBuffer)}).
     *
     * @param b the bytes
     * @throws IOException as {@link #write(ByteBuffer)}
     */
    @Suspendable
    public void write(byte[] b) throws IOException {
        write(ByteBuffer.wrap(b));
    }

    /**
     * Sets the time limit of each later read, readFully and write (each call as a whole): an operation
     * still waiting when it is up throws {@link SocketTimeoutException}. Connecting has its own limit,
     * given to {@link #connect(InetSocketAddress, Duration)}.
     *
     * @param timeout the limit, or null for none; zero means an operation that would wait fails at once
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public void setTimeout(Duration timeout) {
        this.timeout = IoWait.checkTimeout(timeout);
    }

    /**
     * Returns the time limit of each operation.
     *
     * @return the limit, or null for none
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Shuts down the sending side: the peer reads end of stream once it has read what was sent; this
     * side can still read.
     *
     * @throws IOException when the socket is closed or the shutdown fails
     */
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /**
     * Closes the socket and wakes the greenlets waiting on it, whose waits throw
     * {@link java.nio.channels.AsynchronousCloseException}; closing again does nothing. From another
     * thread than the socket's own, the closing is submitted to the socket's hub, which does it on its
     * next pass (at once when that thread has ended).
     * A close on the owner's thread after such a submitted one, which the hub has not done yet, closes
     * at once all the same.
     */
    @Override
    public void close() {
        // closed already, or closing from another thread by way of the owner's hub: only the owner, whose
        // hub may never run that close, still closes now
        if (closed && (Thread.currentThread() != owner || !channel.isOpen())) {
            return;
        }
        closed = true;
        IoWait.close(hub, owner, channel, this::closeQuietly);
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            // the descriptor is released anyway; there is nothing the caller could do about it
        }
    }

    /** {@return true once {@link #close()} was called} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Returns the address of the peer.
     *
     * @return the remote address
     */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /**
     * Returns the address this side of the connection is bound to.
     *
     * @return the local address
     * @throws IOException when the socket is closed
     */
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Returns an unbuffered {@link java.io.InputStream} view of this socket, the same one each time.
     * Use it through a variable of type {@link SocketInputStream}.
     *
     * @return the input stream
     */
    public SocketInputStream inputStream() {
        if (in == null) {
            in = new SocketInputStream(this);
        }
        return in;
    }

    /**
     * Returns an unbuffered {@link java.io.OutputStream} view of this socket, the same one each time.
     * Use it through a variable of type {@link SocketOutputStream}.
     *
     * @return the output stream
     */
    public SocketOutputStream outputStream() {
        if (out == null) {
            out = new SocketOutputStream(this);
        }
        return out;
    }

    /** Refuses a wait on another thread's hub, which would register the channel with the wrong selector. */
    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a TcpSocket waits on the hub of the thread that made it (\""
                    + owner.getName() + "\"), not on thread \"" + Thread.currentThread().getName()
                    + "\"; hand the work to that hub with Hub.submit or HubGroup.spawn");
        }
    }

    @Override
    public String toString() {
        return "TcpSocket[" + remote + (closed ? ", closed]" : "]");
    }
}
