package dev.weft.net;

import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.HubGroup;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * gevent's {@code StreamServer}: accepts TCP connections and runs a handler greenlet for each.
 *
 * <pre>{@code
 * StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 7000), socket -> {
 *     ByteBuffer buf = ByteBuffer.allocate(4096);
 *     while (socket.read(buf) > 0) {
 *         buf.flip();
 *         socket.write(buf);
 *         buf.clear();
 *     }
 * });
 * server.serveForever();
 * }</pre>
 *
 * <p>{@link #start()} binds the address and accepts in a greenlet of the current thread's hub, whose
 * handlers run on that hub; {@link #start(HubGroup)} accepts in a greenlet of the group's hub 0 and
 * hands the connections round-robin to the group's hubs, each handler running on the hub that got its
 * connection. The server closes a connection when its handler returns or throws; an exception from
 * a handler is printed once to {@code System.err} and never stops the server.
 *
 * <p>{@link #pool} limits how many handlers run at once: while that many run, the server stops
 * accepting, so further connections wait in the listener's backlog until a handler finishes; none is
 * dropped. {@link #stop(Duration)} closes the listener, gives the running handlers the time to
 * finish, then kills those still running (their {@code finally} blocks run); it returns by its time
 * limit even when a handler ignores the kill, closing that handler's connection and naming it.
 *
 * <p>{@code stop}, {@code serveForever} and {@code close} may be called from any thread; they wait
 * (where they wait) by suspending the calling greenlet.
 */
public final class StreamServer implements AutoCloseable {
    /** The code run for each connection, in a greenlet of its own. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Serves one connection; the server closes the socket afterwards.
         *
         * @param socket the connection, belonging to the hub the handler runs on
         * @throws Exception anything: printed once, the server goes on
         */
        @Suspendable
        void handle(TcpSocket socket) throws Exception;
    }

    /** Connections accepted in a row before the accepting greenlet lets the others run (gevent's max_accept). */
    private static final int ACCEPT_BURST = 64;

    private final InetSocketAddress requested;
    private final Handler handler;
    private final AtomicBoolean started = new AtomicBoolean();
    /** Completed once the server has stopped: the listener closed and no handler running. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile Duration stopTimeout;
    private volatile int maxConnections;
    private volatile InetSocketAddress bound;
    private volatile ServerSocketChannel channel;
    /** The hubs handlers run on; index 0 accepts. Set by start. */
    private volatile Hub[] hubs;
    private volatile Thread acceptorThread;

    // On the accepting hub's thread only:
    private TcpListener listener;
    private SpawnedGreenlet<Void> acceptor;
    private int active;
    private int next;
    private boolean stopping;
    /** Set as the accepting greenlet's body ends: a link that finds it unset knows the body never ran. */
    private boolean acceptorEnded;
    private Hub.Waiter slotWaiter;
    private Hub.Waiter drainWaiter;
    /** Per hub, its running handlers and their connections; each map is used on its hub's thread only. */
    private List<Map<SpawnedGreenlet<?>, SocketChannel>> handlers;

    /**
     * Creates a server for {@code address}; nothing is bound until {@link #start()}.
     *
     * @param address a resolved address; port 0 lets the system choose one (see {@link #address()})
     * @param handler the code run for each connection
     */
    public StreamServer(InetSocketAddress address, Handler handler) {
        this.requested = Objects.requireNonNull(address, "address");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Limits the number of handlers running at once; further connections wait to be accepted.
     *
     * @param maxConnections the limit, at least 1
     * @return this server
     * @throws IllegalArgumentException when {@code maxConnections} is less than 1
     * @throws IllegalStateException when the server has started
     */
    public StreamServer pool(int maxConnections) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("the pool limit must be at least 1, but was " + maxConnections);
        }
        if (started.get()) {
            throw new IllegalStateException("set the pool limit before the server starts");
        }
        this.maxConnections = maxConnections;
        return this;
    }

    /**
     * Binds the address and accepts connections in a greenlet of the current thread's hub, which runs
     * the handlers too; the greenlets run while the hub runs (while something on this thread waits,
     * {@link #serveForever()} for example).
     *
     * @return this server
     * @throws UncheckedIOException when binding fails (the port is in use, say)
     * @throws IllegalArgumentException when the address is unresolved
     * @throws IllegalStateException when the server was started or stopped already
     */
    public StreamServer start() {
        ServerSocketChannel ch = bind();
        hubs = new Hub[] {Hub.current()};
        beginAccepting(ch);
        return this;
    }

    /**
     * Binds the address and accepts connections in a greenlet of {@code group}'s hub 0, handing them
     * round-robin to the group's hubs, whose greenlets run their handlers.
     *
     * @param group the hubs to serve on
     * @return this server
     * @throws UncheckedIOException when binding fails (the port is in use, say)
     * @throws IllegalArgumentException when the address is unresolved
     * @throws IllegalStateException when the server was started or stopped already, or the group is closed
     */
    public StreamServer start(HubGroup group) {
        Objects.requireNonNull(group, "group");
        ServerSocketChannel ch = bind();
        Hub[] all = new Hub[group.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = group.hub(i);
        }
        hubs = all;
        try {
            all[0].submit(() -> beginAccepting(ch));
        } catch (IllegalStateException ended) {
            closeChannel(ch);
            stopped.complete(null);
            throw new IllegalStateException("cannot start a StreamServer on a closed HubGroup", ended);
        }
        return this;
    }

    private ServerSocketChannel bind() {
        if (stopRequested.get()) {
            throw new IllegalStateException("this StreamServer was stopped; create a new one");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("this StreamServer has started already");
        }
        try {
            ServerSocketChannel ch = TcpListener.openBound(requested, TcpListener.DEFAULT_BACKLOG);
            bound = (InetSocketAddress) ch.getLocalAddress();
            channel = ch;
            return ch;
        } catch (IOException e) {
            stopped.complete(null);
            throw new UncheckedIOException("StreamServer could not bind " + requested + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            stopped.complete(null);
            throw e;
        }
    }

    /** On the accepting hub's thread: wraps the listener and spawns the accepting greenlet. */
    private void beginAccepting(ServerSocketChannel ch) {
        acceptorThread = Thread.currentThread();
        handlers = new ArrayList<>();
        for (int i = 0; i < hubs.length; i++) {
            handlers.add(new LinkedHashMap<>());
        }
        try {
            listener = new TcpListener(ch);
        } catch (IOException e) {
            closeChannel(ch);
            stopping = true;
            stopped.complete(null);
            throw new UncheckedIOException("StreamServer could not listen on " + bound, e);
        }
        acceptor = Hub.spawn(this::acceptLoop);
        acceptor.rawLink(() -> {
            if (!acceptorEnded) {
                stopWithoutStopper(); // killed before it started: its group closed
            }
        });
        if (stopRequested.get()) {
            // stopped before accepting began (from another thread): the stop's own greenlet follows
            listener.close();
        }
    }

    @Suspendable
    private void acceptLoop() {
        int burst = 0;
        boolean leftLoop = false; // by itself: the listener closed, or a stop under way
        try {
            while (!stopping) {
                int limit = maxConnections;
                if (limit > 0 && active >= limit) {
                    Hub.Waiter w = Hub.Waiter.forCurrent("StreamServer: pool full, not accepting", this);
                    slotWaiter = w;
                    try {
                        w.park(null);
                    } finally {
                        slotWaiter = null;
                    }
                    continue;
                }
                SocketChannel ch;
                try {
                    ch = listener.acceptChannel(null);
                } catch (ClosedChannelException closed) {
                    break;
                } catch (IOException e) {
                    if (stopping || listener.isClosed()) {
                        break;
                    }
                    // too many open files, say: try again shortly rather than spin or give up
                    System.err.println("[weft] " + this + " could not accept a connection, trying again in 100 ms: " + e);
                    Hub.sleep(100);
                    continue;
                }
                active++;
                dispatch(ch);
                if (++burst == ACCEPT_BURST) {
                    // a full backlog never makes accept wait: let the handlers run between bursts
                    burst = 0;
                    Hub.sleep(0);
                }
            }
            leftLoop = true;
        } finally {
            acceptorEnded = true;
            if (!leftLoop || !stopRequested.get()) {
                // killed (its hub or group closed), perhaps with a stop requested whose greenlet will never run:
                // the server has stopped; the handlers are the killer's
                stopWithoutStopper();
            }
        }
    }

    /**
     * On the accepting hub, when the server ends otherwise than by {@link #stopHere} (its hub or group
     * closing killed the accepting greenlet or the stop's): closes the listener and completes
     * {@link #stopped}, unless a stop is under way.
     */
    private void stopWithoutStopper() {
        if (!stopping) {
            stopping = true;
            listener.close();
            stopped.complete(null);
        }
    }

    /** On the accepting hub: hands the connection to the next hub, round-robin. */
    private void dispatch(SocketChannel ch) {
        Hub[] all = hubs;
        int index = next;
        next = index + 1 == all.length ? 0 : index + 1;
        if (index == 0) {
            startHandler(0, ch, null);
            return;
        }
        Hub.KeepAlive alive = all[0].keepAlive();
        try {
            all[index].submit(() -> startHandler(index, ch, alive));
        } catch (IllegalStateException ended) {
            alive.close();
            closeChannel(ch);
            released();
        }
    }

    /**
     * On hub {@code index}'s thread: spawns the handler greenlet. {@code alive} (null on the accepting
     * hub) keeps the accepting hub waiting for the release that is submitted to it when the handler ends.
     */
    private void startHandler(int index, SocketChannel ch, Hub.KeepAlive alive) {
        Map<SpawnedGreenlet<?>, SocketChannel> running = handlers.get(index);
        SpawnedGreenlet<Void> g = Hub.spawn(() -> serve(ch));
        running.put(g, ch);
        // called as the greenlet finishes, however it finishes: cheaper than a link the hub schedules
        g.rawLink(() -> {
            running.remove(g);
            // a greenlet killed before it started never ran serve, which closes the connection
            closeChannel(ch);
            if (alive == null) {
                released();
                return;
            }
            try {
                alive.submit(this::released);
            } catch (IllegalStateException ended) {
                // the accepting hub's thread has ended (its group closed): nobody counts any more
            } finally {
                alive.close();
            }
        });
    }

    @Suspendable
    private void serve(SocketChannel ch) {
        TcpSocket socket = null;
        try {
            socket = new TcpSocket(ch, null);
            handler.handle(socket);
        } catch (GreenletExit killed) {
            throw killed;
        } catch (Throwable e) {
            String peer = socket == null ? "a connection" : String.valueOf(socket.remoteAddress());
            System.err.println("[weft] " + this + ": the handler for " + peer + " failed with "
                    + e.getClass().getName() + "; the server goes on");
            e.printStackTrace();
        } finally {
            if (socket != null) {
                socket.close();
            }
        }
    }

    /** On the accepting hub: a handler has ended. */
    private void released() {
        active--;
        if (slotWaiter != null) {
            slotWaiter.wake();
        }
        if (active == 0 && drainWaiter != null) {
            drainWaiter.wake();
        }
    }

    /**
     * Returns the bound address, with the port the system chose for port 0.
     *
     * @return the address
     * @throws IllegalStateException when the server has not started
     */
    public InetSocketAddress address() {
        InetSocketAddress a = bound;
        if (a == null) {
            throw new IllegalStateException("the StreamServer has not started, so it has no address yet");
        }
        return a;
    }

    /**
     * Starts the server unless it has started, then waits until it is stopped (by {@link #stop},
     * {@link #close()} or, on a group, by the group's closing); the caller's hub runs meanwhile.
     */
    @Suspendable
    public void serveForever() {
        if (!started.get() && !stopRequested.get()) {
            start();
        }
        CrossHub.await(stopped, "StreamServer.serveForever", this);
    }

    /**
     * Stops the server: closes the listener, lets the running handlers finish for at most
     * {@code timeout}, then kills those still running (their {@code finally} blocks run) and gives the
     * kills one pass of each hub to take effect. Returns within {@code timeout} plus that pass, even
     * when a handler ignores its kill (catches {@code GreenletExit} and goes on, or waits in a
     * {@code finally} block): such a handler's connection is closed (its next read or write on it fails,
     * and the client sees the connection end), the server stops waiting for it, and one line on
     * {@code System.err} names it, for example
     * {@code [weft] StreamServer[/127.0.0.1:7000] stopped; 1 handler did not end when killed at the
     * time limit (PT1S), its connection is closed: greenlet-7}. Waits for a stop already under way
     * (with that stop's timeout) instead of starting another. Called in a handler, it is killed with
     * the others when the time is up.
     *
     * @param timeout how long handlers may go on before they are killed; zero kills them at once
     * @throws IllegalArgumentException when {@code timeout} is negative
     */
    @Suspendable
    public void stop(Duration timeout) {
        requestStop(timeout);
        CrossHub.await(stopped, "StreamServer.stop", this);
    }

    /**
     * Stops the server as {@code stop(Duration.ZERO)} does, without waiting: on the accepting hub's
     * thread the listener is closed at once, from elsewhere on that hub's next pass; the handlers
     * are killed when the accepting hub next runs.
     */
    @Override
    public void close() {
        requestStop(Duration.ZERO);
    }

    /**
     * {@return true once the server has stopped: the listener is closed, and every handler has ended or,
     * having ignored its kill, has had its connection closed}
     */
    public boolean isStopped() {
        return stopped.isDone();
    }

    private void requestStop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("the stop timeout must not be negative, but was " + timeout);
        }
        if (!stopRequested.compareAndSet(false, true)) {
            return;
        }
        stopTimeout = timeout;
        if (!started.get()) {
            stopped.complete(null);
            return;
        }
        ServerSocketChannel ch = channel;
        Hub[] all = hubs;
        if (ch == null || all == null) {
            // start failed
            stopped.complete(null);
            return;
        }
        if (Thread.currentThread() == acceptorThread) {
            // frees the port at once and wakes the accepting greenlet
            listener.close();
            spawnStop();
            return;
        }
        try {
            // runs, or is refused here: a hub of a closing group runs what it accepted before it ends
            all[0].submit(this::spawnStop);
        } catch (IllegalStateException ended) {
            closeChannel(ch);
            stopped.complete(null);
        }
    }

    /** On the accepting hub: spawns the stop's greenlet, which its group's closing may kill before it starts. */
    private void spawnStop() {
        SpawnedGreenlet<Void> g = Hub.spawn(this::stopHere);
        // killed unstarted, stopHere never runs: its waiters are released all the same
        g.rawLink(this::stopWithoutStopper);
    }

    /** On the accepting hub, in a greenlet of its own: the stop itself. */
    @Suspendable
    private void stopHere() {
        if (stopping) {
            return;
        }
        stopping = true;
        try {
            listener.close();
            if (slotWaiter != null) {
                slotWaiter.wake();
            }
            Duration grace = stopTimeout;
            if (active > 0 && !grace.isZero()) {
                drain(grace);
            }
            if (active > 0) {
                List<String> left = killHandlers();
                if (!left.isEmpty()) {
                    System.err.println("[weft] " + this + " stopped; " + left.size()
                            + (left.size() == 1 ? " handler" : " handlers") + " did not end when killed at the time limit ("
                            + grace + "), " + (left.size() == 1 ? "its connection is" : "their connections are")
                            + " closed: " + String.join(", ", left));
                }
            }
            // it ends as the listener closes; a kill ends it too should it be pausing after an accept error
            acceptor.kill();
        } finally {
            stopped.complete(null);
        }
    }

    @Suspendable
    private void drain(Duration timeout) {
        Hub.Waiter w = Hub.Waiter.forCurrent("StreamServer.stop: waiting for handlers", this);
        drainWaiter = w;
        try {
            w.park(timeout);
        } finally {
            drainWaiter = null;
        }
    }

    /**
     * On the accepting hub, at the time limit: kills every running handler on its own hub (all hubs at
     * once), and returns the names of those that did not end in that hub's next pass, whose connections
     * are closed.
     */
    @Suspendable
    private List<String> killHandlers() {
        Hub[] all = hubs;
        List<CompletableFuture<List<String>>> others = new ArrayList<>();
        for (int i = 1; i < all.length; i++) {
            Map<SpawnedGreenlet<?>, SocketChannel> running = handlers.get(i);
            try {
                // completes however its greenlet ends, killed before it starts too
                others.add(all[i].submitSpawn(() -> killHere(running, true)));
            } catch (IllegalStateException ended) {
                // that hub's thread has ended: its handlers are gone
            }
        }
        List<String> names = new ArrayList<>(killHere(handlers.get(0), all.length > 1));
        for (CompletableFuture<List<String>> left : others) {
            CrossHub.await(left, "StreamServer.stop: killing handlers", this);
            // one that failed was killed (the group closing): nothing more to report
            names.addAll(left.isCompletedExceptionally() ? List.of() : left.join());
        }
        return names;
    }

    /**
     * On a handler's hub: kills its running handlers, waits one pass for the kills to take effect, and
     * closes the connections of those that went on; returns their names ({@code on} their thread's name
     * when {@code qualified}, as names repeat across hubs).
     */
    @Suspendable
    private static List<String> killHere(Map<SpawnedGreenlet<?>, SocketChannel> running, boolean qualified) {
        List<SpawnedGreenlet<?>> stuck = Hub.killAll(Duration.ZERO, running.keySet().toArray(new SpawnedGreenlet<?>[0]));
        List<String> names = new ArrayList<>(stuck.size());
        for (SpawnedGreenlet<?> g : stuck) {
            SocketChannel ch = running.get(g);
            if (ch != null) {
                // its waits on the connection end with AsynchronousCloseException, the client sees it closed
                Hub.Waiter.cancelChannelWaits(ch);
                closeChannel(ch);
            }
            names.add(qualified ? g.name() + " on " + Thread.currentThread().getName() : g.name());
        }
        return names;
    }

    private static void closeChannel(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // the descriptor is released anyway
        }
    }

    @Override
    public String toString() {
        InetSocketAddress a = bound;
        return "StreamServer[" + (a != null ? a : requested) + "]";
    }
}
