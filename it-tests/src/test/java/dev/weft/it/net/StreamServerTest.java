package dev.weft.it.net;

import static dev.weft.it.net.NetFixture.onHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.net.StreamServer;
import dev.weft.net.TcpSocket;
import dev.weft.sync.Event;
import dev.weft.sync.Queue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** StreamServer on one hub: concurrent clients, failing handlers, the pool limit, graceful stop. */
@Timeout(120)
class StreamServerTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    /** Echoes until the client's end of stream. */
    @Suspendable
    static void echo(TcpSocket socket) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        while (socket.read(buf) >= 0) {
            buf.flip();
            socket.write(buf);
            buf.clear();
        }
    }

    /** Sends {@code text}, half-closes, and returns everything the server sends back. */
    @Suspendable
    static String exchange(InetSocketAddress server, String text) throws IOException {
        try (TcpSocket c = TcpSocket.connect(server, Duration.ofSeconds(30))) {
            c.write(text.getBytes(StandardCharsets.UTF_8));
            c.shutdownOutput();
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            byte[] buf = new byte[256];
            int n;
            while ((n = c.read(buf, 0, buf.length)) > 0) {
                reply.write(buf, 0, n);
            }
            return reply.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void anEchoServerServesManyClientsAtOnceAndStops() throws Throwable {
        List<String> replies = onHub(() -> {
            StreamServer server = new StreamServer(LOOPBACK, StreamServerTest::echo).start();
            List<SpawnedGreenlet<String>> clients = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String text = "client " + i + " says hello";
                clients.add(Hub.spawn(() -> exchange(server.address(), text)));
            }
            List<String> got = new ArrayList<>();
            for (SpawnedGreenlet<String> c : clients) {
                got.add(c.get());
            }
            server.stop(Duration.ofSeconds(5));
            got.add("stopped: " + server.isStopped());
            try {
                TcpSocket.connect(server.address(), null).close();
                got.add("connected after stop");
            } catch (ConnectException refused) {
                got.add("refused after stop");
            }
            return got;
        });
        for (int i = 0; i < 50; i++) {
            assertEquals("client " + i + " says hello", replies.get(i));
        }
        assertEquals(List.of("stopped: true", "refused after stop"), replies.subList(50, 52));
    }

    @Test
    void aFailingHandlerIsPrintedOnceAndTheServerGoesOn() throws Throwable {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        List<String> replies;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            replies = onHub(() -> {
                int[] connections = {0};
                StreamServer server = new StreamServer(LOOPBACK, socket -> {
                    if (++connections[0] == 1) {
                        // read the request first: closing with unread input would reset the connection
                        socket.readFully(new byte[5], 0, 5);
                        throw new IllegalStateException("boom");
                    }
                    echo(socket);
                }).start();
                List<String> got = new ArrayList<>();
                got.add("[" + exchange(server.address(), "first") + "]");
                got.add("[" + exchange(server.address(), "second") + "]");
                server.stop(Duration.ofSeconds(5));
                return got;
            });
        } finally {
            System.setErr(saved);
        }
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("[]", "[second]"), replies, "the failed connection was closed, the next one served");
        assertEquals(1, printed.split("failed with java.lang.IllegalStateException; the server goes on", -1).length - 1, printed);
        assertEquals(1, printed.split("java.lang.IllegalStateException: boom", -1).length - 1, printed);
    }

    @Test
    void clientsVanishingOrResettingMidRequestDoNotDisturbTheOthers() throws Throwable {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        List<String> replies;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            replies = onHub(() -> {
                StreamServer server = new StreamServer(LOOPBACK, socket -> {
                    byte[] request = new byte[8];
                    socket.readFully(request, 0, 8);
                    socket.write(request);
                }).start();
                List<String> got = new ArrayList<>();
                // one vanishes after half a request, one resets the connection after half a request
                TcpSocket vanishing = TcpSocket.connect(server.address(), null);
                vanishing.write("half".getBytes(StandardCharsets.US_ASCII));
                try (SocketChannel resetting = SocketChannel.open(server.address())) {
                    resetting.write(ByteBuffer.wrap("half".getBytes(StandardCharsets.US_ASCII)));
                    resetting.setOption(StandardSocketOptions.SO_LINGER, 0);
                    // meanwhile a well-behaved client is served
                    got.add(exchange(server.address(), "complete"));
                    vanishing.close();
                }
                got.add(exchange(server.address(), "and more"));
                server.stop(Duration.ofSeconds(5));
                return got;
            });
        } finally {
            System.setErr(saved);
        }
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("complete", "and more"), replies);
        assertEquals(2, printed.split("; the server goes on", -1).length - 1, printed);
        assertTrue(printed.contains("failed with java.io.EOFException"), printed);
        assertTrue(printed.contains("Connection reset"), printed);
    }

    @Test
    void thePoolLimitsHandlersInFlightAndExcessConnectionsWaitInsteadOfBeingDropped() throws Throwable {
        List<String> log = onHub(() -> {
            int[] inFlight = {0};
            int[] most = {0};
            Event gate = new Event();
            Queue<String> started = new Queue<>();
            StreamServer server = new StreamServer(LOOPBACK, socket -> {
                inFlight[0]++;
                most[0] = Math.max(most[0], inFlight[0]);
                started.put("started");
                try {
                    gate.await();
                    echo(socket);
                } finally {
                    inFlight[0]--;
                }
            }).pool(3).start();
            List<SpawnedGreenlet<String>> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String text = "request " + i;
                clients.add(Hub.spawn(() -> exchange(server.address(), text)));
            }
            for (int i = 0; i < 3; i++) {
                started.get();
            }
            List<String> events = new ArrayList<>();
            // every client has connected (in the backlog); give the server every chance to exceed the pool
            Hub.sleep(100);
            events.add("in flight while the pool is full: " + inFlight[0] + ", started: " + (3 + started.size()));
            gate.set();
            int served = 0;
            for (int i = 0; i < 8; i++) {
                if (clients.get(i).get().equals("request " + i)) {
                    served++;
                }
            }
            events.add("served: " + served + ", most in flight: " + most[0]);
            server.stop(Duration.ofSeconds(5));
            return events;
        });
        assertEquals(List.of("in flight while the pool is full: 3, started: 3", "served: 8, most in flight: 3"), log);
    }

    @Test
    void stopLetsHandlersFinishWithinTheGraceThenKillsTheRest() throws Throwable {
        List<String> log = onHub(() -> {
            List<String> events = new ArrayList<>();
            Queue<String> started = new Queue<>();
            StreamServer server = new StreamServer(LOOPBACK, socket -> {
                byte[] kind = new byte[4];
                socket.readFully(kind, 0, 4);
                String k = new String(kind, StandardCharsets.US_ASCII);
                started.put(k);
                try {
                    if (k.equals("fast")) {
                        Hub.sleep(50);
                        socket.write("fast done".getBytes(StandardCharsets.US_ASCII));
                    } else {
                        new Event().await(); // never set: only the kill ends it
                    }
                } finally {
                    events.add(k + " finally");
                }
            }).start();
            SpawnedGreenlet<String> fast = Hub.spawn(() -> exchange(server.address(), "fast"));
            SpawnedGreenlet<String> slow = Hub.spawn(() -> exchange(server.address(), "slow"));
            started.get();
            started.get();
            long start = Hub.current().nanoTime();
            server.stop(Duration.ofMillis(300));
            long took = Hub.current().nanoTime() - start;
            events.add("stop took the grace: " + (took >= 300_000_000L));
            events.add("fast got [" + fast.get() + "], slow got [" + slow.get() + "]");
            return events;
        });
        assertEquals(List.of("fast finally", "slow finally", "stop took the grace: true",
                "fast got [fast done], slow got []"), log);
    }

    /**
     * A handler that waits on {@code release} and goes on waiting after whatever {@code swallows}
     * catches; {@code ended} is set in its {@code finally}.
     */
    @Suspendable
    static void waitSwallowing(TcpSocket socket, Event started, Event release, Event ended, List<String> events,
            Class<? extends Throwable> swallows) throws IOException {
        socket.readFully(new byte[4], 0, 4);
        started.set();
        try {
            while (!release.isSet()) {
                try {
                    release.await();
                } catch (Throwable t) {
                    if (!swallows.isInstance(t)) {
                        throw t;
                    }
                    events.add("handler swallowed " + t.getClass().getSimpleName());
                }
            }
        } finally {
            events.add("handler finally");
            ended.set();
        }
    }

    /** Sends four bytes, then reads until the server closes the connection. */
    @Suspendable
    static String pingUntilClosed(InetSocketAddress server) {
        try (TcpSocket c = TcpSocket.connect(server, Duration.ofSeconds(30))) {
            c.write("ping".getBytes(StandardCharsets.US_ASCII));
            return "client read " + c.read(new byte[1], 0, 1);
        } catch (IOException e) {
            return "client's connection failed: " + e;
        }
    }

    @Test
    void stopKillsAHandlerWhoseCatchExceptionWouldSwallowTheKill() throws Throwable {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        List<String> log;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            log = onHub(() -> {
                List<String> events = new ArrayList<>();
                Event started = new Event();
                Event release = new Event();
                Event ended = new Event();
                StreamServer server = new StreamServer(LOOPBACK,
                        socket -> waitSwallowing(socket, started, release, ended, events, Exception.class)).start();
                SpawnedGreenlet<String> client = Hub.spawn(() -> pingUntilClosed(server.address()));
                started.await();
                SpawnedGreenlet<?> stopping = Hub.spawn(() -> server.stop(Duration.ofMillis(200)));
                events.add("stop returned: " + stopping.join(Duration.ofSeconds(10)));
                events.add(client.join(Duration.ofSeconds(10)) ? client.get() : "the client still waits");
                // lets the handler go should the kill not have ended it
                release.set();
                ended.await();
                stopping.join();
                return events;
            });
        } finally {
            System.setErr(saved);
        }
        assertEquals(List.of("handler finally", "stop returned: true", "client read -1"), log);
        assertEquals("", err.toString(StandardCharsets.UTF_8), "nothing to report: the kill ended the handler");
    }

    @Test
    void stopReturnsByItsTimeLimitWhenAHandlerIgnoresItsKillAndClosesItsConnection() throws Throwable {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        List<String> log;
        String[] handler = new String[1];
        long[] took = {-1};
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            log = onHub(() -> {
                List<String> events = new ArrayList<>();
                Event started = new Event();
                Event release = new Event();
                Event ended = new Event();
                StreamServer server = new StreamServer(LOOPBACK, socket -> {
                    handler[0] = ((SpawnedGreenlet<?>) Greenlet.current()).name();
                    waitSwallowing(socket, started, release, ended, events, Throwable.class);
                }).start();
                SpawnedGreenlet<String> client = Hub.spawn(() -> pingUntilClosed(server.address()));
                started.await();
                SpawnedGreenlet<?> stopping = Hub.spawn(() -> {
                    long start = Hub.current().nanoTime();
                    server.stop(Duration.ofSeconds(1));
                    took[0] = Hub.current().nanoTime() - start;
                });
                events.add("stop returned: " + stopping.join(Duration.ofSeconds(10)));
                events.add("stopped: " + server.isStopped());
                events.add(client.join(Duration.ofSeconds(10)) ? client.get() : "the client still waits");
                release.set();
                ended.await();
                stopping.join();
                return events;
            });
        } finally {
            System.setErr(saved);
        }
        assertEquals(List.of("handler swallowed GreenletExit", "stop returned: true", "stopped: true", "client read -1",
                "handler finally"), log);
        assertTrue(took[0] >= 1_000_000_000L && took[0] < 5_000_000_000L, "stop took the grace and a pass: " + took[0] + " ns");
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.matches("(?s)\\[weft\\] StreamServer\\[/127\\.0\\.0\\.1:\\d+\\] stopped; 1 handler did not end when killed "
                + "at the time limit \\(PT1S\\), its connection is closed: " + handler[0] + "\\R"), printed);
    }

    @Test
    void stopWithNoHandlersRunningReturnsAtOnceAndServeForeverReturns() throws Throwable {
        List<String> log = onHub(() -> {
            List<String> events = new ArrayList<>();
            StreamServer server = new StreamServer(LOOPBACK, StreamServerTest::echo);
            SpawnedGreenlet<Void> serving = Hub.spawn(() -> {
                server.serveForever();
                events.add("serveForever returned");
            });
            Hub.sleep(0);
            events.add(exchange(server.address(), "ping"));
            server.stop(Duration.ofSeconds(30));
            serving.join();
            events.add("stopped");
            return events;
        });
        assertEquals(List.of("ping", "serveForever returned", "stopped"), log);
    }

    @Test
    void closeKillsHandlersWithoutWaiting() throws Throwable {
        List<String> log = onHub(() -> {
            List<String> events = new ArrayList<>();
            Event started = new Event();
            StreamServer server = new StreamServer(LOOPBACK, socket -> {
                socket.readFully(new byte[1], 0, 1);
                started.set();
                try {
                    new Event().await();
                } finally {
                    events.add("handler finally");
                }
            }).start();
            SpawnedGreenlet<String> client = Hub.spawn(() -> exchange(server.address(), "x"));
            started.await();
            server.close();
            events.add("close returned, stopped: " + server.isStopped());
            events.add("client got [" + client.get() + "]");
            server.stop(Duration.ZERO);
            events.add("stopped: " + server.isStopped());
            return events;
        });
        assertEquals(List.of("close returned, stopped: false", "handler finally", "client got []", "stopped: true"), log);
    }

    @Test
    void badArgumentsAndLifecycleMisuseAreRefusedClearly() throws Throwable {
        StreamServer server = new StreamServer(LOOPBACK, StreamServerTest::echo);
        assertEquals("the pool limit must be at least 1, but was 0",
                assertThrows(IllegalArgumentException.class, () -> server.pool(0)).getMessage());
        assertEquals("the StreamServer has not started, so it has no address yet",
                assertThrows(IllegalStateException.class, server::address).getMessage());
        StreamServer unresolved = new StreamServer(InetSocketAddress.createUnresolved("localhost", 0), StreamServerTest::echo);
        assertTrue(assertThrows(IllegalArgumentException.class, unresolved::start).getMessage()
                .startsWith("cannot bind to the unresolved address localhost"));
        String message = onHub(() -> {
            StreamServer s = new StreamServer(LOOPBACK, StreamServerTest::echo).start();
            try {
                s.start();
                return "started twice";
            } catch (IllegalStateException e) {
                return e.getMessage();
            } finally {
                s.stop(Duration.ZERO);
            }
        });
        assertEquals("this StreamServer has started already", message);
    }
}
