package dev.weft.net;

import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.HubGroup;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

// Long because accepting on every hub, admission (pool, maxClients, back-off), the handlers'
// bookkeeping across hubs and the bounded stop share this class's state; the next split is the
// accepting side (acceptLoop to released) into a class of its own.
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
 * handlers run on that hub; {@link #start(HubGroup)} accepts in a greenlet of every hub of the group,
 * all on the one listening socket, so that a hub held up (by a handler that computes for long, say)
 * delays no new client: a hub that is free takes the connection, and hands it to the hub running the
 * fewest handlers, itself when no other runs fewer. The server closes a connection when its handler
 * returns or throws; an exception from a handler, an {@code Error} such as {@code OutOfMemoryError}
 * included, is printed once to {@code System.err}, drops that connection and never stops the server.
 * When a hub of the group ends for good instead (its thread died), the server stops and
 * {@link #serveForever()} throws, so that a program serving in {@code main} ends and a supervisor can
 * restart it.
 *
 * <p>{@link #pool} limits how many handlers run at once: while that many run, the server stops
 * accepting, so further connections wait in the listener's backlog until a handler finishes; none is
 * dropped. {@link #maxClients} refuses them instead: a connection over that limit is accepted, sent a
 * refusal (Redis's {@code -ERR max number of clients reached}, say) and closed.
 *
 * <p>When accepting fails (the process is out of file descriptors, say), the server says so once on
 * {@code System.err}, backs off (5 ms, doubling up to 100 ms, ended early when a handler ends), says
 * once when it accepts again, and serves on. What closing or writing a socket needs for itself from
 * the JDK is initialised before the first connection is accepted, so running out of descriptors at
 * any moment leaves nothing broken.
 *
 * <p>{@link #stop(Duration)} closes the listener, gives the running handlers the time to
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
    /** The first pause after a failed accept; it doubles with each failure in a row, up to the next. */
    private static final long FIRST_BACKOFF_MILLIS = 5;
    private static final long MAX_BACKOFF_MILLIS = 100;

    private final InetSocketAddress requested;
    private final Handler handler;
    private final AtomicBoolean started = new AtomicBoolean();
    /** Completed once the server has stopped: the listener closed and no handler running. */
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile Duration stopTimeout;
    private volatile int maxConnections;
    private volatile int maxClients;
    private volatile byte[] refusal;
    /** The handlers running, on every hub: what the pool and maxClients limit. */
    private final AtomicInteger clients = new AtomicInteger();
    /** Per hub, the handlers it runs or has been handed. */
    private volatile AtomicIntegerArray load;
    /** Where the hubs tied for the fewest handlers start: they take turns. */
    private final AtomicInteger turn = new AtomicInteger();
    /** Per hub, its accepting greenlet's waiter while it pauses (pool full, or backing off). */
    private volatile AtomicReferenceArray<Hub.Waiter> paused;
    /** Set once hub 0's accepting greenlet has ended: the other hubs' end too. */
    private volatile boolean acceptingEnded;
    /** The error that ended a hub of the group, which stopped the server; null otherwise. */
    private volatile Throwable failure;
    private volatile InetSocketAddress bound;
    private volatile ServerSocketChannel channel;
    /** The hubs handlers run on; index 0 accepts. Set by start. */
    private volatile Hub[] hubs;
    private volatile Thread acceptorThread;

    // On the accepting hub's thread only:
    private TcpListener listener;
    private SpawnedGreenlet<Void> acceptor;
    private int active;
    private boolean stopping;
    /** Set as hub 0's accepting greenlet's body ends: a link that finds it unset knows the body never ran. */
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
     * Refuses connections while {@code maxClients} handlers run (Redis's {@code maxclients}): a
     * connection over the limit is accepted, sent {@code refusal} (as much of it as the socket takes
     * at once), and closed, with no handler. Unlike {@link #pool}, which lets further connections
     * wait, this answers them at once. What the client sent already is read and dropped first, so that
     * it sees the refusal and then the end of the stream rather than a reset.
     *
     * @param maxClients the limit, at least 1
     * @param refusal the bytes sent to a refused connection (copied), empty for none
     * @return this server
     * @throws IllegalArgumentException when {@code maxClients} is less than 1
     * @throws IllegalStateException when the server has started
     */
    public StreamServer maxClients(int maxClients, byte[] refusal) {
        if (maxClients < 1) {
            throw new IllegalArgumentException("maxClients must be at least 1, but was " + maxClients);
        }
        Objects.requireNonNull(refusal, "refusal");
        if (started.get()) {
            throw new IllegalStateException("set maxClients before the server starts");
        }
        this.refusal = refusal.clone();
        this.maxClients = maxClients;
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
     * Binds the address and accepts connections in a greenlet of each of {@code group}'s hubs, whose
     * greenlets run their handlers (see the class comment). Should a hub's thread die (an error
     * escaping its loop), the server stops and {@link #serveForever()} throws.
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
        group.onHubFailure(this::hubFailed);
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

    /** On the accepting hub's thread: wraps the listener and spawns the accepting greenlets. */
    private void beginAccepting(ServerSocketChannel ch) {
        acceptorThread = Thread.currentThread();
        handlers = new ArrayList<>();
        for (int i = 0; i < hubs.length; i++) {
            handlers.add(new LinkedHashMap<>());
        }
        load = new AtomicIntegerArray(hubs.length);
        paused = new AtomicReferenceArray<>(hubs.length);
        try {
            DescriptorWarmUp.run();
            listener = new TcpListener(ch);
        } catch (IOException e) {
            closeChannel(ch);
            stopping = true;
            stopped.complete(null);
            throw new UncheckedIOException("StreamServer could not listen on " + bound, e);
        }
        acceptor = Hub.spawn(() -> acceptLoop(0, listener));
        acceptor.rawLink(() -> {
            if (!acceptorEnded) {
                acceptingEnded(true); // killed before it started: its group closed
            }
        });
        if (stopRequested.get()) {
            // stopped before accepting began (from another thread): the stop's own greenlet follows
            listener.close();
            return;
        }
        // every hub accepts from the one listening socket, so that a hub held up by a long handler
        // delays no new client: whichever hub is free takes the connection
        for (int i = 1; i < hubs.length; i++) {
            int index = i;
            try {
                hubs[i].submit(() -> {
                    if (!acceptingEnded) {
                        try {
                            TcpListener l = new TcpListener(ch);
                            Hub.spawn(() -> acceptLoop(index, l));
                        } catch (IOException closed) {
                            // the listener was closed meanwhile: nothing to accept on this hub
                        }
                    }
                });
            } catch (IllegalStateException ended) {
                // that hub's thread has ended (its group closed): hub 0 accepts alone
            }
        }
    }

    /**
     * Hub {@code index}'s accepting greenlet: accepts from {@code from} (hub 0's listener, or that
     * hub's view of the same socket) until the listener closes, pausing while the pool is full and
     * backing off while accepting fails (out of file descriptors, say).
     */
    @Suspendable
    private void acceptLoop(int index, TcpListener from) {
        int burst = 0;
        int failures = 0;
        long failingSince = 0;
        long backoff = 0;
        boolean leftLoop = false; // by itself: the listener closed, or a stop under way
        try {
            while (!acceptingEnded && (index != 0 || !stopping)) {
                int limit = maxConnections;
                if (limit > 0 && clients.get() >= limit) {
                    pause(index, "StreamServer: pool full, not accepting", null, limit);
                    continue;
                }
                SocketChannel ch;
                try {
                    ch = from.acceptChannel(null);
                } catch (ClosedChannelException closed) {
                    break;
                } catch (IOException e) {
                    if (acceptingEnded || (index == 0 && (stopping || from.isClosed())) || !channel.isOpen()) {
                        break;
                    }
                    // too many open files, say: the connection stays in the backlog and the listener stays
                    // ready, so back off (a handler ending frees a descriptor and ends the pause early)
                    if (failures++ == 0) {
                        failingSince = System.nanoTime();
                        backoff = FIRST_BACKOFF_MILLIS;
                        report("cannot accept connections (" + e.getMessage() + "); backing off, and accepting"
                                + " again as soon as it can", null);
                    } else {
                        backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
                    }
                    pause(index, "StreamServer: backing off after a failed accept", Duration.ofMillis(backoff), 0);
                    continue;
                }
                if (failures > 0) {
                    report("accepts connections again, after " + failures + " failed accepts in "
                            + (System.nanoTime() - failingSince) / 1_000_000 + " ms", null);
                    failures = 0;
                }
                int admitted = admit(index);
                if (admitted > 0) {
                    dispatch(index, ch);
                } else if (admitted == 0) {
                    refuse(ch);
                } else {
                    closeChannel(ch);
                    break;
                }
                if (++burst == ACCEPT_BURST) {
                    // a full backlog never makes accept wait: let the handlers run between bursts
                    burst = 0;
                    Hub.sleep(0);
                }
            }
            leftLoop = true;
        } finally {
            if (index == 0) {
                acceptorEnded = true;
                acceptingEnded(!leftLoop);
            }
        }
    }

    /**
     * Counts an accepted connection among the clients: 1 when counted, 0 when {@link #maxClients}
     * refuses it, -1 when the server stopped meanwhile. With the pool full (another hub took the last
     * place since this one looked) it waits for a place, so that no more handlers than the pool's
     * limit ever run.
     */
    @Suspendable
    private int admit(int index) {
        while (true) {
            if (acceptingEnded || (index == 0 && stopping)) {
                return -1;
            }
            int n = clients.get();
            int most = maxClients;
            if (most > 0 && n >= most) {
                return 0;
            }
            int limit = maxConnections;
            if (limit > 0 && n >= limit) {
                pause(index, "StreamServer: pool full, an accepted connection waits", null, limit);
                continue;
            }
            if (clients.compareAndSet(n, n + 1)) {
                return 1;
            }
        }
    }

    /**
     * On hub 0, as its accepting greenlet ends, or the stop's greenlet is killed before it starts: the
     * other hubs' accepting greenlets end too. Unless a stop is under way, the server has stopped: the
     * listener is closed and {@link #stopped} completed.
     *
     * @param killed true when the greenlet ending was killed (its hub or group closing), perhaps with a
     *     stop requested whose greenlet will never run
     */
    private void acceptingEnded(boolean killed) {
        acceptingEnded = true;
        if (!stopping && (killed || !stopRequested.get())) {
            // killed (its hub or group closed): the server has stopped; the handlers are the killer's
            stopping = true;
            listener.close();
            stopped.complete(null);
        }
        endOtherAcceptors();
    }

    /**
     * On hub 0, stopping: ends the other hubs' accepting greenlets and waits until each of those hubs
     * has let the listening socket go (its selector holds the descriptor open until then), so that the
     * port is free when the stop returns.
     */
    @Suspendable
    private void awaitListenerReleased() {
        acceptingEnded = true;
        for (CompletableFuture<Void> done : endOtherAcceptors()) {
            CrossHub.await(done, "StreamServer.stop: the other hubs let the listener go", this);
        }
    }

    /**
     * On hub 0: has every other hub end its waits on the listening socket (they are on that hub's
     * selector: only that hub can end them) and wake its accepting greenlet should it be pausing.
     *
     * @return per hub still running, a future completed once that hub has done so
     */
    private List<CompletableFuture<Void>> endOtherAcceptors() {
        ServerSocketChannel ch = channel;
        List<CompletableFuture<Void>> released = new ArrayList<>();
        for (int i = 1; i < hubs.length; i++) {
            int index = i;
            CompletableFuture<Void> done = new CompletableFuture<>();
            try {
                hubs[i].submit(() -> {
                    try {
                        Hub.Waiter.cancelChannelWaits(ch);
                        Hub.Waiter w = paused.get(index);
                        if (w != null) {
                            w.wake();
                        }
                    } finally {
                        done.complete(null);
                    }
                });
                released.add(done);
            } catch (IllegalStateException ended) {
                // that hub's thread has ended, and its accepting greenlet and selector with it
            }
        }
        return released;
    }

    /**
     * Suspends hub {@code index}'s accepting greenlet until a handler ends (anywhere) or the server
     * stops, or at most {@code timeout} when not null. With a {@code poolLimit}, it does not wait when
     * a handler ended meanwhile: the waiter is published before the count is read again, and a handler
     * ending on another hub lowers the count before it looks for waiters.
     */
    @Suspendable
    private void pause(int index, String what, Duration timeout, int poolLimit) {
        Hub.Waiter w = Hub.Waiter.forCurrent(what, this);
        paused.set(index, w);
        if (index == 0) {
            slotWaiter = w;
        }
        try {
            if (poolLimit == 0 || clients.get() >= poolLimit) {
                w.park(timeout);
            }
        } finally {
            paused.set(index, null);
            if (index == 0) {
                slotWaiter = null;
            }
        }
    }

    /**
     * On accepting hub {@code from}: hands the connection to the hub with the fewest handlers, itself
     * when no other has fewer (other hubs tied take turns). A hub whose handler holds it up has that
     * handler counted, and does not accept meanwhile, so new connections go to the others.
     */
    private void dispatch(int from, SocketChannel ch) {
        Hub[] all = hubs;
        int index = from;
        if (all.length > 1) {
            // this hub is surely not held up (it has just accepted): another gets the connection only
            // when it has fewer handlers, so that a held-up hub with as many as this one gets none
            int start = Math.floorMod(turn.getAndIncrement(), all.length);
            int fewest = load.get(from);
            for (int k = 0; k < all.length; k++) {
                int i = (start + k) % all.length;
                if (i == from) {
                    continue;
                }
                int n = load.get(i);
                if (n < fewest) {
                    fewest = n;
                    index = i;
                }
            }
        }
        load.incrementAndGet(index);
        int target = index;
        if (target == 0) {
            if (from == 0) {
                active++;
                startHandler(0, ch, null);
                return;
            }
            if (!handOver(from, 0, () -> {
                active++;
                startHandler(0, ch, null);
            })) {
                abandon(target, ch);
            }
            return;
        }
        Hub.KeepAlive alive = all[0].keepAlive();
        // counted on hub 0 before the handler can end: both go through hub 0's submissions in order
        if (from == 0) {
            active++;
        } else if (!handOver(from, 0, () -> active++)) {
            alive.close();
            abandon(target, ch);
            return;
        }
        if (target == from) {
            startHandler(target, ch, alive);
            return;
        }
        if (!handOver(from, target, () -> startHandler(target, ch, alive))) {
            alive.close();
            abandon(target, ch);
            if (from == 0) {
                released();
            } else {
                handOver(from, 0, this::released);
            }
        }
    }

    /** Runs {@code work} on hub {@code to} (at once when it is {@code from}); false when that hub has ended. */
    private boolean handOver(int from, int to, Runnable work) {
        if (from == to) {
            work.run();
            return true;
        }
        try {
            hubs[to].submit(work);
            return true;
        } catch (IllegalStateException ended) {
            return false;
        }
    }

    /** A connection that no hub will serve (its hub's thread has ended): closed, and not counted. */
    private void abandon(int index, SocketChannel ch) {
        closeChannel(ch);
        load.decrementAndGet(index);
        clients.decrementAndGet();
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
            load.decrementAndGet(index);
            clients.decrementAndGet();
            wakeAcceptors(index);
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

    /**
     * On hub {@code here}: a handler has ended, so the paused accepting greenlets of the other hubs than
     * hub 0 may accept again (hub 0's is woken by {@link #released()}, which always runs on hub 0).
     */
    private void wakeAcceptors(int here) {
        for (int i = 1; i < hubs.length; i++) {
            if (paused.get(i) == null) {
                continue;
            }
            if (i == here) {
                paused.get(i).wake();
                continue;
            }
            int index = i;
            try {
                hubs[i].submit(() -> {
                    Hub.Waiter again = paused.get(index);
                    if (again != null) {
                        again.wake();
                    }
                });
            } catch (IllegalStateException ended) {
                // that hub's accepting greenlet has ended with its thread
            }
        }
    }

    /**
     * A connection over {@link #maxClients}: sent the refusal (if the socket takes it at once), what
     * the client sent already is dropped (so that closing sends an end of stream, not a reset that
     * could destroy the refusal), and it is closed; no handler runs.
     */
    private void refuse(SocketChannel ch) {
        try {
            ch.configureBlocking(false);
            byte[] reply = refusal;
            if (reply != null && reply.length > 0) {
                ch.write(ByteBuffer.wrap(reply));
            }
            ch.shutdownOutput();
            ByteBuffer dropped = ByteBuffer.allocate(512);
            for (int i = 0; i < 8 && ch.read(dropped) > 0; i++) {
                dropped.clear();
            }
        } catch (IOException e) {
            // the client has gone already
        } finally {
            closeChannel(ch);
        }
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
            // an Error too (out of memory, say): this connection is dropped, the server goes on
            String peer = socket == null ? "a connection" : String.valueOf(socket.remoteAddress());
            report("the handler for " + peer + " failed with " + e.getClass().getName() + "; the server goes on", e);
        } finally {
            if (socket != null) {
                socket.close();
            }
        }
    }

    /**
     * Prints one line (and {@code e}'s stack, when not null) to {@code System.err}. Never throws: out
     * of memory, printing may fail as well, and that must not take the hub down with the handler.
     */
    private void report(String message, Throwable e) {
        try {
            if (e != null) {
                e.printStackTrace();
            }
            System.err.println("[weft] " + this + ": " + message);
        } catch (Throwable unprintable) {
            // nothing left to report with; the server goes on all the same
        }
    }

    /**
     * On hub 0: a handler has ended.
     */
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
     *
     * @throws IllegalStateException when the server stopped because a hub of its group died (its
     *     thread ended with an error that its loop could not survive); the cause is that error
     */
    @Suspendable
    public void serveForever() {
        if (!started.get() && !stopRequested.get()) {
            start();
        }
        CrossHub.await(stopped, "StreamServer.serveForever", this);
        Throwable died = failure;
        if (died != null) {
            throw new IllegalStateException(this + " stopped: a hub of its group died of " + died, died);
        }
    }

    /**
     * On the thread of a group's hub that is dying: the server cannot serve on, so it stops at once
     * and frees its port (the handlers on the other hubs end as the group closes).
     */
    private void hubFailed(Throwable died) {
        failure = died;
        acceptingEnded = true;
        ServerSocketChannel ch = channel;
        if (ch != null) {
            closeChannel(ch);
            Hub[] all = hubs;
            for (Hub hub : all) {
                try {
                    // the port is free once every selector the listener is registered with has let it go
                    hub.submit(() -> Hub.Waiter.cancelChannelWaits(ch));
                } catch (IllegalStateException ended) {
                    // that hub's thread has ended, and its selector with it
                }
            }
        }
        stopped.complete(null);
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
        g.rawLink(() -> {
            if (!stopping) {
                acceptingEnded(true);
            }
        });
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
            awaitListenerReleased();
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
