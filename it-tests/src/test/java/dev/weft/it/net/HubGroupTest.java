package dev.weft.it.net;

import static dev.weft.it.net.NetFixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.HubGroup;
import dev.weft.SpawnedGreenlet;
import dev.weft.net.StreamServer;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpSocket;
import dev.weft.sync.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HubGroup: hubs on their own threads, work handed between them, and a StreamServer spread over them. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HubGroupTest {
    @Test
    void eachHubRunsOnItsOwnThreadAndGreenletsStayThere() throws Throwable {
        List<String> before = NetFixture.openDescriptors();
        try (HubGroup group = HubGroup.start(3)) {
            assertEquals(3, group.size());
            List<CompletableFuture<String>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(group.spawn(i, () -> {
                    Set<String> threads = new TreeSet<>();
                    for (int k = 0; k < 5; k++) {
                        threads.add(Thread.currentThread().getName());
                        Hub.sleep(1);
                    }
                    return String.join(",", threads);
                }));
            }
            for (int i = 0; i < 3; i++) {
                assertEquals("weft-hub-" + i, get(futures.get(i)));
            }
            CountDownLatch ran = new CountDownLatch(1);
            String[] where = new String[1];
            group.hub(2).submit(() -> {
                where[0] = Thread.currentThread().getName();
                ran.countDown();
            });
            assertTrue(ran.await(60, TimeUnit.SECONDS));
            assertEquals("weft-hub-2", where[0]);
        }
        NetFixture.assertNoneLeft(before);
    }

    @Test
    void aFailingBodyFailsItsFutureAndCloseCancelsWhatRuns() throws Throwable {
        CompletableFuture<Object> failing;
        CompletableFuture<Object> forever;
        List<String> finallies = new ArrayList<>();
        try (HubGroup group = HubGroup.start(2)) {
            failing = group.spawn(0, () -> {
                throw new IOException("no such thing");
            });
            Event started = new Event();
            forever = group.spawn(1, () -> {
                try {
                    Hub.sleep(Duration.ofDays(1));
                    return "woke";
                } finally {
                    synchronized (finallies) {
                        finallies.add("finally ran on " + Thread.currentThread().getName());
                    }
                }
            });
            assertEquals("no such thing", assertThrows(ExecutionException.class, () -> failing.get(60, TimeUnit.SECONDS))
                    .getCause().getMessage());
        }
        assertTrue(forever.isDone(), "close waits for the hubs' threads");
        assertThrows(CancellationException.class, forever::join);
        assertEquals(List.of("finally ran on weft-hub-1"), finallies);
    }

    @Test
    void aSocketWaitsOnlyOnItsOwnHubAndIsClosedThereFromAnotherThread() throws Throwable {
        List<String> before = NetFixture.openDescriptors();
        try (HubGroup group = HubGroup.start(2)) {
            TcpListener listener = get(group.spawn(0, () -> TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))));
            CompletableFuture<TcpSocket> accepted = group.spawn(0, () -> listener.accept());
            TcpSocket client = get(group.spawn(0, () -> TcpSocket.connect(listener.address(), null)));
            TcpSocket server = get(accepted);
            ExecutionException wrongHub = assertThrows(ExecutionException.class,
                    () -> group.spawn(1, () -> server.read(ByteBuffer.allocate(1))).get(60, TimeUnit.SECONDS));
            assertEquals("a TcpSocket waits on the hub of the thread that made it (\"weft-hub-0\"), not on thread "
                    + "\"weft-hub-1\"; hand the work to that hub with Hub.submit or HubGroup.spawn",
                    wrongHub.getCause().getMessage());
            CompletableFuture<String> reading = group.spawn(0, () -> {
                try {
                    server.read(ByteBuffer.allocate(1));
                    return "read";
                } catch (AsynchronousCloseException e) {
                    return "woken by a close from another thread";
                }
            });
            get(group.spawn(0, () -> {
                Hub.sleep(0); // the reader is waiting by now
                return null;
            }));
            server.close(); // from this (JUnit) thread: submitted to hub 0
            assertEquals("woken by a close from another thread", get(reading));
            client.close();
            listener.close();
            get(group.spawn(0, () -> null)); // hub 0 has run the submitted closes
        }
        NetFixture.assertNoneLeft(before);
    }

    @Test
    void badArgumentsAndAClosedGroupAreRefusedClearly() {
        assertEquals("a HubGroup needs at least 1 hub, but 0 were asked for",
                assertThrows(IllegalArgumentException.class, () -> HubGroup.start(0)).getMessage());
        HubGroup group = HubGroup.start(1);
        assertThrows(IndexOutOfBoundsException.class, () -> group.hub(1));
        group.close();
        group.close();
        assertEquals("cannot spawn on a closed HubGroup",
                assertThrows(IllegalStateException.class, () -> group.spawn(0, () -> 1)).getMessage());
        assertThrows(IllegalStateException.class, () -> group.hub(0).submit(() -> { }));
    }

    @Test
    void aStreamServerOnAGroupSpreadsConnectionsOverItsHubsAndStopsFromAnotherThread() throws Throwable {
        List<String> before = NetFixture.openDescriptors();
        Set<String> handlerThreads = ConcurrentHashMap.newKeySet();
        try (HubGroup group = HubGroup.start(3)) {
            StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 0), socket -> {
                handlerThreads.add(Thread.currentThread().getName());
                StreamServerTest.echo(socket);
            }).start(group);
            // plain blocking sockets on this (JUnit) thread, which runs no hub: the group serves alone.
            // Six connections at once, each answered before the next opens: each goes to a hub running
            // the fewest handlers, so every hub runs two
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Socket c = new Socket();
                    clients.add(c);
                    c.connect(server.address(), 30_000);
                    c.setSoTimeout(30_000);
                    c.getOutputStream().write(("message " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    byte[] reply = new byte[("message " + i + "\n").length()];
                    new java.io.DataInputStream(c.getInputStream()).readFully(reply);
                    assertEquals("message " + i + "\n", new String(reply, StandardCharsets.UTF_8));
                }
                for (Socket c : clients) {
                    c.shutdownOutput();
                    assertEquals(-1, c.getInputStream().read());
                }
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
            server.stop(Duration.ofSeconds(5));
            assertTrue(server.isStopped());
            assertThrows(IOException.class, () -> new Socket().connect(server.address(), 30_000));
        }
        assertEquals(Set.of("weft-hub-0", "weft-hub-1", "weft-hub-2"), handlerThreads);
        NetFixture.assertNoneLeft(before);
    }

    @Test
    void stoppingAServerOnAGroupKillsHandlersOnEveryHubAndItsPoolSpansTheGroup() throws Throwable {
        List<String> before = NetFixture.openDescriptors();
        Set<String> killed = ConcurrentHashMap.newKeySet();
        int[] inFlight = {0};
        int[] most = {0};
        try (HubGroup group = HubGroup.start(2)) {
            StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 0), socket -> {
                synchronized (inFlight) {
                    most[0] = Math.max(most[0], ++inFlight[0]);
                }
                socket.write(new byte[] {1});
                try {
                    new Event().await();
                } finally {
                    synchronized (inFlight) {
                        inFlight[0]--;
                    }
                    killed.add(Thread.currentThread().getName());
                }
            }).pool(4).start(group);
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    Socket c = new Socket();
                    clients.add(c);
                    c.connect(server.address(), 30_000);
                    c.setSoTimeout(30_000);
                }
                // the first four are served (each gets a byte); the last two wait for a free slot
                for (int i = 0; i < 4; i++) {
                    assertEquals(1, clients.get(i).getInputStream().read());
                }
                String stopper = get(group.spawn(1, () -> {
                    server.stop(Duration.ofMillis(100));
                    return "stopped from a greenlet of hub 1";
                }));
                assertEquals("stopped from a greenlet of hub 1", stopper);
                for (int i = 0; i < 4; i++) {
                    assertEquals(-1, clients.get(i).getInputStream().read(), "the server closed connection " + i);
                }
            } finally {
                for (Socket c : clients) {
                    c.close();
                }
            }
        }
        assertEquals(Set.of("weft-hub-0", "weft-hub-1"), killed);
        assertEquals(4, most[0], "at most the pool's limit ran at once, across the hubs");
        NetFixture.assertNoneLeft(before);
    }

    @Test
    void stopOnAGroupReturnsAfterOnePassWhenHandlersOnEveryHubIgnoreTheirKill() throws Throwable {
        List<String> before = NetFixture.openDescriptors();
        Set<String> names = ConcurrentHashMap.newKeySet();
        AtomicBoolean release = new AtomicBoolean();
        AtomicInteger ignored = new AtomicInteger();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try (HubGroup group = HubGroup.start(2)) {
            StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 0), socket -> {
                names.add(((SpawnedGreenlet<?>) Greenlet.current()).name() + " on " + Thread.currentThread().getName());
                socket.write(new byte[] {1});
                // a handler that polls for its release and swallows every kill meanwhile
                while (!release.get()) {
                    try {
                        Hub.sleep(10);
                    } catch (Throwable swallowed) {
                        ignored.incrementAndGet();
                    }
                }
            }).start(group);
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket c = new Socket();
                    clients.add(c);
                    c.connect(server.address(), 30_000);
                    c.setSoTimeout(30_000);
                    assertEquals(1, c.getInputStream().read(), "handler " + i + " runs");
                }
                // stopped from a thread that is none of the group's, with no grace: killed at once
                FutureTask<Void> stopping = new FutureTask<>(() -> server.stop(Duration.ZERO), null);
                new Thread(stopping, "stopper").start();
                stopping.get(10, TimeUnit.SECONDS);
                assertTrue(server.isStopped());
                assertEquals(2, ignored.get(), "each handler got its kill once");
                for (int i = 0; i < 2; i++) {
                    assertEquals(-1, clients.get(i).getInputStream().read(), "the server closed connection " + i);
                }
            } finally {
                release.set(true);
                for (Socket c : clients) {
                    c.close();
                }
            }
        } finally {
            System.setErr(saved);
        }
        assertEquals(Set.of("weft-hub-0", "weft-hub-1"), names.stream().map(n -> n.substring(n.indexOf(" on ") + 4))
                .collect(Collectors.toSet()));
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.startsWith("[weft] StreamServer[/127.0.0.1:"), printed);
        assertTrue(printed.contains("] stopped; 2 handlers did not end when killed at the time limit (PT0S), their "
                + "connections are closed: "), printed);
        for (String name : names) {
            assertTrue(printed.contains(name), name + " is named: " + printed);
        }
        NetFixture.assertNoneLeft(before);
    }
}
