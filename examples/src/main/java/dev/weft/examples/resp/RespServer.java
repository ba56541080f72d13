package dev.weft.examples.resp;

import dev.weft.HubGroup;
import dev.weft.Suspendable;
import dev.weft.net.StreamServer;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A RESP (Redis protocol) server: a {@link StreamServer} on a {@link HubGroup}, one
 * {@link RespHandler} greenlet per connection, connections spread over the hubs, and one
 * {@link RespStore} shared by all of them (a {@code ConcurrentHashMap}, so the hubs need no other
 * coordination).
 *
 * <pre>{@code
 * try (RespServer server = RespServer.start(new InetSocketAddress("127.0.0.1", 6380), 2, RespLimits.DEFAULT)) {
 *     System.out.println("serving on " + server.address());
 *     ...
 * }
 * }</pre>
 */
public final class RespServer implements AutoCloseable {
    private static final byte[] MAX_CLIENTS_REACHED =
            "-ERR max number of clients reached\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final HubGroup group;
    private final StreamServer server;
    private final RespStore store;

    private RespServer(HubGroup group, StreamServer server, RespStore store) {
        this.group = group;
        this.server = server;
        this.store = store;
    }

    /**
     * Starts {@code hubs} hubs and serves RESP on {@code address} until closed.
     *
     * @param address where to listen; port 0 picks a free port ({@link #address()} tells which)
     * @param hubs how many hubs (threads), at least 1
     * @param limits the largest requests accepted
     * @return the running server
     * @throws java.io.UncheckedIOException when the address cannot be bound
     * @throws IllegalArgumentException when {@code hubs} is less than 1
     */
    public static RespServer start(InetSocketAddress address, int hubs, RespLimits limits) {
        return start(address, hubs, limits, 0, 0);
    }

    /**
     * Starts {@code hubs} hubs and serves RESP on {@code address} until closed, with Redis's
     * {@code maxclients} and {@code maxmemory}.
     *
     * @param address where to listen; port 0 picks a free port ({@link #address()} tells which)
     * @param hubs how many hubs (threads), at least 1
     * @param limits the largest requests accepted
     * @param maxClients the most connections served at once, 0 for no limit; a connection over it is
     *     answered {@code -ERR max number of clients reached} and closed
     * @param maxMemory the most Java heap in use at which writes are accepted (see
     *     {@link RespStore#overMemory}), 0 for no limit
     * @return the running server
     * @throws java.io.UncheckedIOException when the address cannot be bound
     * @throws IllegalArgumentException when {@code hubs} is less than 1 or a limit is negative
     */
    public static RespServer start(InetSocketAddress address, int hubs, RespLimits limits, int maxClients, long maxMemory) {
        Objects.requireNonNull(address, "address");
        if (maxClients < 0) {
            throw new IllegalArgumentException("maxClients must not be negative, but was " + maxClients);
        }
        RespStore store = new RespStore(maxMemory);
        HubGroup group = HubGroup.start(hubs);
        try {
            StreamServer server = new StreamServer(address, new RespHandler(store, limits));
            if (maxClients > 0) {
                server.maxClients(maxClients, MAX_CLIENTS_REACHED);
            }
            server.start(group);
            return new RespServer(group, server, store);
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /**
     * The address the server listens on.
     *
     * @return the bound address (with the chosen port when port 0 was asked for)
     */
    public InetSocketAddress address() {
        return server.address();
    }

    /**
     * The keys and values.
     *
     * @return the store every connection shares
     */
    public RespStore store() {
        return store;
    }

    /**
     * The number of hubs serving connections.
     *
     * @return the number of hubs (threads)
     */
    public int hubs() {
        return group.size();
    }

    /**
     * Waits, on the calling thread, until the server is stopped (by {@link #close()}, from another thread).
     *
     * @throws IllegalStateException when a hub died of an error it could not go on after (see
     *     {@link StreamServer#serveForever()}); the hubs are closed first, so the process can end
     */
    @Suspendable
    public void awaitStop() {
        try {
            server.serveForever();
        } catch (IllegalStateException fatal) {
            group.close();
            throw fatal;
        }
    }

    /** Stops listening, kills the connections' greenlets, and ends the hubs' threads. */
    @Override
    public void close() {
        server.close();
        group.close();
    }
}
