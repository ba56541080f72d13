package dev.weft.net;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.Objects;

/**
 * A UDP socket whose {@link #receive} suspends the calling greenlet until a datagram comes (gevent's
 * cooperative {@code socket(AF_INET, SOCK_DGRAM)}), backed by a non-blocking {@link DatagramChannel}.
 *
 * <pre>{@code
 * try (UdpSocket udp = UdpSocket.bind(new InetSocketAddress("127.0.0.1", 0))) {
 *     ByteBuffer packet = ByteBuffer.allocate(1500);
 *     InetSocketAddress from = udp.receive(packet);
 *     packet.flip();
 *     udp.send(packet, from);
 * }
 * }</pre>
 *
 * <p>Like a {@link TcpSocket}, it belongs to the hub of the thread that made it; {@link #setTimeout}
 * limits each send and receive, and {@link #close()} wakes greenlets waiting on it.
 */
public final class UdpSocket implements AutoCloseable {
    private final DatagramChannel channel;
    private final Hub hub;
    private final Thread owner;
    private volatile Duration timeout;
    private volatile boolean closed;

    private UdpSocket(DatagramChannel channel) throws IOException {
        this.channel = channel;
        this.hub = Hub.current();
        this.owner = Thread.currentThread();
        channel.configureBlocking(false);
    }

    /**
     * Opens a UDP socket bound to {@code address}.
     *
     * @param address a resolved address; port 0 lets the system choose one (see {@link #address()})
     * @return the socket
     * @throws IOException when binding fails
     * @throws IllegalArgumentException when {@code address} is unresolved
     */
    public static UdpSocket bind(InetSocketAddress address) throws IOException {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("cannot bind to the unresolved address " + address + ": resolve it first");
        }
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.bind(address);
            return new UdpSocket(ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Sends the remaining bytes of {@code src} as one datagram to {@code target}, suspending while the
     * socket's send buffer is full; an unresolved target is looked up on {@link Hub#blocking}'s pool.
     *
     * @param src the datagram, from its position to its limit
     * @param target where to send it
     * @throws SocketTimeoutException when it could not be sent within the timeout
     * @throws IOException when sending fails
     */
    @Suspendable
    public void send(ByteBuffer src, InetSocketAddress target) throws IOException {
        InetSocketAddress to = Resolver.resolve(target);
        if (channel.send(src, to) > 0 || !src.hasRemaining()) {
            return;
        }
        Duration t = timeout;
        long deadline = IoWait.deadline(t);
        do {
            checkOwner();
            IoWait.await(channel, SelectionKey.OP_WRITE, t, deadline, "UdpSocket.send", this);
        } while (channel.send(src, to) == 0);
    }

    /**
     * Receives one datagram into {@code dst}, suspending until one comes; a datagram larger than
     * {@code dst}'s room is cut to fit (as UDP does).
     *
     * @param dst where to put it, from its position
     * @return the sender's address
     * @throws SocketTimeoutException when none came within the timeout
     * @throws IOException when receiving fails
     */
    @Suspendable
    public InetSocketAddress receive(ByteBuffer dst) throws IOException {
        InetSocketAddress from = (InetSocketAddress) channel.receive(dst);
        if (from != null) {
            return from;
        }
        Duration t = timeout;
        long deadline = IoWait.deadline(t);
        do {
            checkOwner();
            IoWait.await(channel, SelectionKey.OP_READ, t, deadline, "UdpSocket.receive", this);
            from = (InetSocketAddress) channel.receive(dst);
        } while (from == null);
        return from;
    }

    /**
     * Sets the time limit of each later send and receive.
     *
     * @param timeout the limit, or null for none
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    public void setTimeout(Duration timeout) {
        this.timeout = IoWait.checkTimeout(timeout);
    }

    /**
     * Returns the address the socket is bound to.
     *
     * @return the local address
     * @throws IOException when the socket is closed
     */
    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /**
     * Closes the socket and wakes the greenlets waiting on it (their waits throw
     * {@link java.nio.channels.AsynchronousCloseException}); closing again does nothing. From another
     * thread, the closing is submitted to the socket's hub.
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
            // the descriptor is released anyway
        }
    }

    private void checkOwner() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("a UdpSocket waits on the hub of the thread that made it (\""
                    + owner.getName() + "\"), not on thread \"" + Thread.currentThread().getName() + "\"");
        }
    }

    @Override
    public String toString() {
        return "UdpSocket[" + (closed ? "closed]" : channel.socket().getLocalSocketAddress() + "]");
    }
}
