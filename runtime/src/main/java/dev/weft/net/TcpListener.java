package dev.weft.net;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A listening TCP socket whose {@link #accept()} suspends the calling greenlet until a connection
 * comes (the listening half of gevent's cooperative {@code socket}).
 *
 * <pre>{@code
 * try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
 *     while (true) {
 *         TcpSocket client = listener.accept();
 *         Hub.spawn(() -> serve(client));
 *     }
 * }
 * }</pre>
 *
 * <p>Like a {@link TcpSocket}, it belongs to the hub of the thread that bound it; {@link #close()}
 * wakes a greenlet waiting in {@code accept}, whose wait then throws
 * {@link java.nio.channels.AsynchronousCloseException}. {@link StreamServer} does the accepting and
 * spawning for you.
 */
public final class TcpListener implements AutoCloseable {
    /** The default length of the queue of connections not accepted yet (the kernel may cap it). */
    public static final int DEFAULT_BACKLOG = 1024;

    private final ServerSocketChannel channel;
    private final Hub hub;
    private final Thread owner;
    private final InetSocketAddress address;
    private volatile boolean closed;

    /** Wraps a bound channel for the current thread's hub, making it non-blocking. */
    TcpListener(ServerSocketChannel channel) throws IOException {
        this.channel = channel;
        this.hub = Hub.current();
        this.owner = Thread.currentThread();
        channel.configureBlocking(false);
        this.address = (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Binds a listener to {@code address} with a backlog of {@link #DEFAULT_BACKLOG}.
     *
     * @param address a resolved address; port 0 lets the system choose one (see {@link #address()})
     * @return the listener
     * @throws IOException when binding fails (the port is in use, say)
     * @throws IllegalArgumentException when {@code address} is unresolved
     */
    public static TcpListener bind(InetSocketAddress address) throws IOException {
        return bind(address, DEFAULT_BACKLOG);
    }

    /**
     * Binds a listener to {@code address}.
     *
     * @param address a resolved address; port 0 lets the system choose one (see {@link #address()})
     * @param backlog the longest queue of connections not accepted yet, at least 1 (the kernel may cap it)
     * @return the listener
     * @throws IOException when binding fails (the port is in use, say)
     * @throws IllegalArgumentException when {@code address} is unresolved or {@code backlog} is less than 1
     */
    public static TcpListener bind(InetSocketAddress address, int backlog) throws IOException {
        ServerSocketChannel ch = openBound(address, backlog);
        try {
            return new TcpListener(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Binds a listener to {@code host} and {@code port}; a host name is looked up on
     * {@link Hub#blocking}'s pool, suspending the caller meanwhile.
     *
     * @param host a host name or a literal IP address
     * @param port the port, 0 to let the system choose
     * @return the listener
     * @throws IOException when the name cannot be resolved or binding fails
     */
    @Suspendable
    public static TcpListener bind(String host, int port) throws IOException {
        return bind(Resolver.resolve(host, port), DEFAULT_BACKLOG);
    }

    /** Opens a server channel bound to {@code address}; closes it again when binding fails. */
    static ServerSocketChannel openBound(InetSocketAddress address, int backlog) throws IOException {
        if (address == null) {
            throw new IllegalArgumentException("address must not be null");
        }
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("cannot bind to the unresolved address " + address
                    + ": resolve it first, or use TcpListener.bind(host, port), which looks the name up");
        }
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, but was " + backlog);
        }
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.bind(address, backlog);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /**
     * Waits for the next connection and returns it, suspending the caller meanwhile.
     *
     * @return the accepted connection, belonging to the current thread's hub
     * @throws java.nio.channels.ClosedChannelException when the listener is or gets closed
     * @throws IOException when accepting fails (too many open files, say)
     */
    @Suspendable
    public TcpSocket accept() throws IOException {
        return accept(null);
    }

    /**
     * Waits at most {@code timeout} for the next connection and returns it.
     *
     * @param timeout the longest time to wait, or null for no limit
     * @return the accepted connection, belonging to the current thread's hub
     * @throws SocketTimeoutException when no connection came in time
     * @throws IOException as {@link #accept()}
     */
    @Suspendable
    public TcpSocket accept(Duration timeout) throws IOException {
        SocketChannel ch = acceptChannel(timeout);
        try {
            return new TcpSocket(ch, null);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Accepts the next connection's channel (still in blocking mode), waiting at most {@code timeout}. */
    @Suspendable
    SocketChannel acceptChannel(Duration timeout) throws IOException {
        IoWait.checkTimeout(timeout);
        SocketChannel ch = channel.accept();
        if (ch != null) {
            return ch;
        }
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a TcpListener waits on the hub of the thread that bound it (\""
                    + owner.getName() + "\"), not on thread \"" + Thread.currentThread().getName() + "\"");
        }
        long deadline = IoWait.deadline(timeout);
        while (true) {
            IoWait.await(channel, SelectionKey.OP_ACCEPT, timeout, deadline, "TcpListener.accept", this);
            ch = channel.accept();
            if (ch != null) {
                return ch;
            }
        }
    }

    /**
     * Returns the address the listener is bound to, with the port the system chose for port 0.
     *
     * @return the bound address
     */
    public InetSocketAddress address() {
        return address;
    }

    /** {@return true once {@link #close()} was called} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops listening and wakes a greenlet waiting in {@link #accept()}; closing again does nothing.
     * Connections accepted already are not affected. From another thread than the listener's own,
     * the closing is submitted to the listener's hub, which does it on its next pass (at once when that
     * thread has ended).
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
        IoWait.close(hub, owner, channel, this::closeChannel);
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not close the listener on " + address, e);
        }
    }

    @Override
    public String toString() {
        return "TcpListener[" + address + (closed ? ", closed]" : "]");
    }
}
