package dev.weft.it.net;

import static dev.weft.it.net.NetFixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.HubGroup;
import dev.weft.net.StreamServer;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpSocket;
import dev.weft.net.UdpSocket;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A {@code StreamServer} and sockets closing while their {@code HubGroup} closes: {@code stop} and
 * {@code serveForever} from other threads return, connections accepted meanwhile are closed, and a
 * close from a foreign thread does not stop the owner's own close from releasing the descriptor.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerCloseRacesTest {
    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void stopRequestedAfterTheGroupsCloseReturnsOnceTheGroupHasClosed() throws Throwable {
        HubGroup group = HubGroup.start(1);
        StreamServer server = new StreamServer(ANY, socket -> { }).start(group);
        FutureTask<Void> serving = new FutureTask<>(server::serveForever, null);
        new Thread(serving, "serving").start();
        // the close and then the stop are submitted to hub 0, in that order: the hub ends serving before
        // the stop's greenlet can start
        CountDownLatch stopSubmitted = closeHoldingHub0(group);
        server.close();
        stopSubmitted.countDown();
        FutureTask<Void> stopping = new FutureTask<>(() -> server.stop(Duration.ofSeconds(1)), null);
        new Thread(stopping, "stopper").start();
        stopping.get(20, TimeUnit.SECONDS);
        serving.get(20, TimeUnit.SECONDS);
        assertTrue(server.isStopped());
        group.close();
    }

    @Test
    void aServerStartedAsItsGroupClosesStopsAndReleasesItsPort() throws Throwable {
        List<String> before = NetFixture.openDescriptors();
        HubGroup group = HubGroup.start(1);
        // the start's callback reaches hub 0 behind the close: the accepting greenlet is killed before it starts
        CountDownLatch startSubmitted = closeHoldingHub0(group);
        StreamServer server = new StreamServer(ANY, socket -> { }).start(group);
        startSubmitted.countDown();
        FutureTask<Void> serving = new FutureTask<>(server::serveForever, null);
        new Thread(serving, "serving").start();
        serving.get(20, TimeUnit.SECONDS);
        assertTrue(server.isStopped());
        group.close();
        NetFixture.assertNoneLeft(before);
    }

    @Test
    void stopCloseAndServeForeverFromOtherThreadsRacingTheGroupsCloseAllReturn() throws Throwable {
        List<String> before = NetFixture.openDescriptors();
        int threadsBefore = GroupCloseRacesTest.hubThreads();
        for (int cycle = 0; cycle < 150; cycle++) {
            HubGroup group = HubGroup.start(2);
            StreamServer server = new StreamServer(ANY, socket -> { }).start(group);
            FutureTask<Void> serving = new FutureTask<>(server::serveForever, null);
            int kind = cycle % 3;
            FutureTask<Void> stopping = new FutureTask<>(() -> {
                if (kind == 0) {
                    server.stop(Duration.ZERO);
                } else if (kind == 1) {
                    server.close();
                } else {
                    server.stop(Duration.ofMillis(50));
                }
            }, null);
            new Thread(serving, "serving").start();
            new Thread(stopping, "stopper").start();
            group.close();
            stopping.get(20, TimeUnit.SECONDS);
            serving.get(20, TimeUnit.SECONDS);
            assertTrue(server.isStopped(), "cycle " + cycle);
        }
        assertEquals(threadsBefore, GroupCloseRacesTest.hubThreads(), "hub threads left running");
        NetFixture.assertNoneLeft(before);
    }

    @Test
    void connectionsAcceptedWhileTheGroupClosesAreClosedByTheServer() throws Throwable {
        List<String> before = NetFixture.openDescriptors();
        for (int cycle = 0; cycle < 150; cycle++) {
            HubGroup group = HubGroup.start(3);
            StreamServer server = new StreamServer(ANY, socket -> {
                ByteBuffer buf = ByteBuffer.allocate(64);
                while (socket.read(buf) >= 0) {
                    buf.clear();
                }
            }).start(group);
            InetSocketAddress address = server.address();
            List<Socket> clients = new ArrayList<>();
            CountDownLatch some = new CountDownLatch(3);
            Thread connecting = new Thread(() -> {
                try {
                    while (true) {
                        Socket c = new Socket();
                        synchronized (clients) {
                            clients.add(c);
                        }
                        c.connect(address, 10_000);
                        some.countDown();
                    }
                } catch (IOException refused) {
                    // the listener has closed
                }
            }, "connecting");
            connecting.start();
            assertTrue(some.await(60, TimeUnit.SECONDS));
            group.close();
            connecting.join(TimeUnit.SECONDS.toMillis(60));
            synchronized (clients) {
                for (Socket c : clients) {
                    c.close();
                }
            }
        }
        // every server side was closed: with the clients closed too, no descriptor is left
        NetFixture.assertNoneLeft(before);
    }

    @Test
    void theOwnersCloseReleasesATcpSocketThatAnotherThreadClosedFirst() throws Throwable {
        try (HubGroup group = HubGroup.start(1)) {
            TcpListener listener = get(group.spawn(0, () -> TcpListener.bind(ANY)));
            try (Socket client = new Socket()) {
                var accepting = group.spawn(0, () -> listener.accept());
                client.connect(listener.address(), 10_000);
                TcpSocket accepted = get(accepting);
                CountDownLatch closed = new CountDownLatch(1);
                CountDownLatch checked = new CountDownLatch(1);
                group.hub(0).submit(() -> {
                    closeFromAnotherThread(accepted);
                    accepted.close(); // the owner's own close, with the hub held in this callback
                    closed.countDown();
                    await(checked);
                });
                try {
                    assertTrue(closed.await(60, TimeUnit.SECONDS));
                    client.setSoTimeout(10_000);
                    assertEquals(-1, client.getInputStream().read(), "the server side is closed");
                } finally {
                    checked.countDown();
                }
            }
            listener.close();
        }
    }

    @Test
    void theOwnersCloseReleasesATcpListenerThatAnotherThreadClosedFirst() throws Throwable {
        try (HubGroup group = HubGroup.start(1)) {
            TcpListener listener = get(group.spawn(0, () -> TcpListener.bind(ANY)));
            CountDownLatch closed = new CountDownLatch(1);
            CountDownLatch checked = new CountDownLatch(1);
            group.hub(0).submit(() -> {
                closeFromAnotherThread(listener);
                listener.close();
                closed.countDown();
                await(checked);
            });
            try {
                assertTrue(closed.await(60, TimeUnit.SECONDS));
                assertThrows(ConnectException.class, () -> {
                    try (Socket c = new Socket()) {
                        c.connect(listener.address(), 10_000);
                    }
                }, "the port no longer listens");
            } finally {
                checked.countDown();
            }
        }
    }

    @Test
    void theOwnersCloseReleasesAUdpSocketThatAnotherThreadClosedFirst() throws Throwable {
        try (HubGroup group = HubGroup.start(1)) {
            UdpSocket udp = get(group.spawn(0, () -> UdpSocket.bind(ANY)));
            InetSocketAddress address = get(group.spawn(0, () -> udp.address()));
            CountDownLatch closed = new CountDownLatch(1);
            CountDownLatch checked = new CountDownLatch(1);
            group.hub(0).submit(() -> {
                closeFromAnotherThread(udp);
                udp.close();
                closed.countDown();
                await(checked);
            });
            try {
                assertTrue(closed.await(60, TimeUnit.SECONDS));
                // the port is free again
                new DatagramSocket(address).close();
            } finally {
                checked.countDown();
            }
        }
    }

    private static void closeFromAnotherThread(AutoCloseable closeable) {
        Thread t = new Thread(() -> {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }, "foreign closer");
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Closes {@code group} from a callback that then holds hub 0 until the returned latch is counted
     * down: what is submitted to that hub meanwhile reaches it behind the close.
     */
    private static CountDownLatch closeHoldingHub0(HubGroup group) throws InterruptedException {
        CountDownLatch closing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        group.hub(0).submit(() -> {
            group.close();
            closing.countDown();
            await(release);
        });
        assertTrue(closing.await(60, TimeUnit.SECONDS));
        return release;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
