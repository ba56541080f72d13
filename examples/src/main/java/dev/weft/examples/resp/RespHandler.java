package dev.weft.examples.resp;

import dev.weft.Hub;
import dev.weft.Suspendable;
import dev.weft.net.StreamServer;
import dev.weft.net.TcpSocket;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;

/**
 * The {@link StreamServer} handler of the RESP server: one greenlet per connection runs a
 * {@link RespSession} over its {@link TcpSocket}.
 *
 * <p>Each read is followed by one write carrying the replies to every request it completed, so a
 * pipeline costs one read and one write. A read that finds nothing suspends the greenlet and the hub
 * runs the other connections; a connection whose client always has more requests waiting (so that no
 * read suspends) lets the others run every 16 turns, so that it cannot hold its hub.
 *
 * <p>After a protocol error or {@code QUIT} the connection is closed gently: the output is shut down
 * after the last reply (the client reads it, then end of stream), and what the client still sends is
 * read and dropped, for at most a second or 1 MB, before the socket is closed. Closing with unread
 * bytes would make the kernel reset the connection, and a reset can destroy the error reply before
 * the client reads it.
 *
 * <p>A connection the client breaks (reset, say) ends its handler quietly: that is the client's
 * business, not the server's, and Redis does not report it either.
 */
public final class RespHandler implements StreamServer.Handler {
    private static final Duration LINGER = Duration.ofSeconds(1);
    /** Turns (a read and a write) after which a connection lets the hub's other greenlets run. */
    private static final int FAIR_TURNS = 16;
    private static final int LINGER_BYTES = 1024 * 1024;

    private final RespStore store;
    private final RespLimits limits;

    /**
     * Creates the handler.
     *
     * @param store the keys and values, shared by every connection (on every hub)
     * @param limits the largest requests accepted
     */
    public RespHandler(RespStore store, RespLimits limits) {
        this.store = Objects.requireNonNull(store, "store");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Serves one connection until the client closes it, sends {@code QUIT}, or breaks the protocol.
     *
     * @param socket the connection; the server closes it when this returns
     * @throws IOException never for a broken connection (that ends the handler quietly); only
     *     when a timeout set on the socket expires
     */
    @Override
    @Suspendable
    public void handle(TcpSocket socket) throws IOException {
        RespSession session = new RespSession(store, limits);
        int turns = 0;
        try {
            while (true) {
                if (++turns % FAIR_TURNS == 0) {
                    // a client that always has more requests waiting never makes read suspend
                    Hub.sleep(0);
                }
                RespSession.Next next = session.process();
                ByteBuffer replies = session.replies();
                if (replies.hasRemaining()) {
                    socket.write(replies);
                }
                session.sent();
                if (next == RespSession.Next.CLOSE) {
                    closeGently(socket);
                    return;
                }
                if (next == RespSession.Next.READ && socket.read(session.inbox()) < 0) {
                    return;
                }
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException broken) {
            // the client reset or closed the connection: nothing to answer
        }
    }

    @Suspendable
    private static void closeGently(TcpSocket socket) throws IOException {
        socket.shutdownOutput();
        socket.setTimeout(LINGER);
        ByteBuffer dropped = ByteBuffer.allocate(8192);
        long total = 0;
        try {
            while (total < LINGER_BYTES) {
                dropped.clear();
                int n = socket.read(dropped);
                if (n < 0) {
                    return;
                }
                total += n;
            }
        } catch (SocketTimeoutException lingered) {
            // the client neither closed nor stopped sending: close anyway
        }
    }
}
