package dev.weft.it.net;

import static dev.weft.it.net.NetFixture.onHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpSocket;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TcpSocket and TcpListener on loopback: round trips, ends of stream, resets, timeouts, close, back-pressure. */
@Timeout(120)
class TcpSocketTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void echoRoundTripsBetweenTwoGreenletsOfOneHub() throws Throwable {
        String reply = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<Void> server = Hub.spawn(() -> {
                    try (TcpSocket s = listener.accept()) {
                        ByteBuffer buf = ByteBuffer.allocate(16);
                        int n;
                        while ((n = s.read(buf)) > 0) {
                            buf.flip();
                            s.write(buf);
                            buf.clear();
                        }
                    }
                });
                try (TcpSocket c = TcpSocket.connect("127.0.0.1", listener.address().getPort())) {
                    StringBuilder got = new StringBuilder();
                    for (String word : List.of("hello", "weft", "a longer message than the server's buffer")) {
                        byte[] out = word.getBytes(StandardCharsets.UTF_8);
                        c.write(out, 0, out.length);
                        byte[] in = new byte[out.length];
                        c.readFully(in, 0, in.length);
                        got.append(new String(in, StandardCharsets.UTF_8)).append('|');
                    }
                    c.shutdownOutput();
                    server.get();
                    assertEquals(-1, c.read(ByteBuffer.allocate(1)), "the server closed after echoing");
                    return got.toString();
                }
            }
        });
        assertEquals("hello|weft|a longer message than the server's buffer|", reply);
    }

    @Test
    void aHostNameIsResolvedOffTheHubAndConnects() throws Throwable {
        String peer = onHub(() -> {
            try (TcpListener listener = TcpListener.bind("localhost", 0)) {
                SpawnedGreenlet<TcpSocket> accepted = Hub.spawn(() -> listener.accept());
                try (TcpSocket c = TcpSocket.connect("localhost", listener.address().getPort());
                        TcpSocket s = accepted.get()) {
                    return s.remoteAddress().getAddress().isLoopbackAddress() + " " + c.remoteAddress().getPort();
                }
            }
        });
        assertTrue(peer.startsWith("true "), peer);
    }

    @Test
    void halfCloseLetsThePeerReadTheEndAndStillAnswer() throws Throwable {
        String answer = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<Void> server = Hub.spawn(() -> {
                    try (TcpSocket s = listener.accept()) {
                        ByteBuffer buf = ByteBuffer.allocate(100);
                        while (s.read(buf) >= 0) {
                            // until the client's half-close
                        }
                        byte[] reply = ("got " + buf.position() + " bytes").getBytes(StandardCharsets.UTF_8);
                        s.write(reply, 0, reply.length);
                    }
                });
                try (TcpSocket c = TcpSocket.connect(listener.address(), null)) {
                    c.write("12345".getBytes(StandardCharsets.UTF_8));
                    c.shutdownOutput();
                    byte[] in = new byte[11];
                    c.readFully(in, 0, in.length);
                    server.get();
                    return new String(in, StandardCharsets.UTF_8);
                }
            }
        });
        assertEquals("got 5 bytes", answer);
    }

    @Test
    void aPeerVanishingMidRequestEndsReadFullyWithEofException() throws Throwable {
        String message = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<String> server = Hub.spawn(() -> {
                    try (TcpSocket s = listener.accept()) {
                        ByteBuffer request = ByteBuffer.allocate(10);
                        try {
                            s.readFully(request);
                            return "read it all";
                        } catch (EOFException e) {
                            return e.getMessage().replaceAll("from \\S+", "from PEER");
                        }
                    }
                });
                TcpSocket c = TcpSocket.connect(listener.address(), null);
                c.write("half".getBytes(StandardCharsets.UTF_8));
                c.close();
                return server.get();
            }
        });
        assertEquals("end of stream from PEER after 4 of 10 bytes", message);
    }

    @Test
    void aPeerResettingTheConnectionFailsTheWaitingRead() throws Throwable {
        String failure = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<String> server = Hub.spawn(() -> {
                    try (TcpSocket s = listener.accept()) {
                        try {
                            s.read(ByteBuffer.allocate(10));
                            return "read something";
                        } catch (IOException e) {
                            return e.getClass().getSimpleName() + ": " + e.getMessage();
                        }
                    }
                });
                // a plain channel, so that the test can set SO_LINGER 0: closing it then sends a reset
                try (SocketChannel raw = SocketChannel.open(listener.address())) {
                    raw.setOption(StandardSocketOptions.SO_LINGER, 0);
                    Hub.sleep(0);
                    Hub.sleep(0);
                }
                return server.get();
            }
        });
        assertTrue(failure.contains("reset"), failure);
    }

    @Test
    void aReadTimesOutAndTheSocketStaysUsable() throws Throwable {
        List<String> log = onHub(() -> {
            List<String> events = new ArrayList<>();
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<TcpSocket> accepted = Hub.spawn(() -> listener.accept());
                try (TcpSocket c = TcpSocket.connect(listener.address(), Duration.ofSeconds(10));
                        TcpSocket s = accepted.get()) {
                    c.setTimeout(Duration.ofMillis(50));
                    long start = Hub.current().nanoTime();
                    try {
                        c.read(ByteBuffer.allocate(4));
                        events.add("read something");
                    } catch (SocketTimeoutException e) {
                        events.add(e.getMessage().replaceAll("on \\S+", "on SOCKET"));
                    }
                    long waited = Hub.current().nanoTime() - start;
                    events.add("waited at least 50 ms: " + (waited >= 50_000_000L));
                    s.write("ok".getBytes(StandardCharsets.UTF_8));
                    byte[] in = new byte[2];
                    c.readFully(in, 0, 2);
                    events.add(new String(in, StandardCharsets.UTF_8));
                }
            }
            return events;
        });
        assertEquals(List.of("TcpSocket.read on SOCKET timed out after 50 ms", "waited at least 50 ms: true", "ok"), log);
    }

    @Test
    void anAcceptTimesOut() throws Throwable {
        String message = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                try {
                    listener.accept(Duration.ofMillis(20));
                    return "accepted";
                } catch (SocketTimeoutException e) {
                    return e.getMessage();
                }
            }
        });
        assertTrue(message.startsWith("TcpListener.accept on TcpListener[/127.0.0.1:") && message.endsWith("timed out after 20 ms"),
                message);
    }

    @Test
    void aConnectTimesOutWhenTheListenersBacklogIsFull() throws Throwable {
        String message = onHub(() -> {
            // nobody accepts and the backlog is full: further handshakes go unanswered
            try (TcpListener listener = TcpListener.bind(LOOPBACK, 1)) {
                List<TcpSocket> queued = new ArrayList<>();
                try {
                    for (int i = 0; i < 50; i++) {
                        try {
                            queued.add(TcpSocket.connect(listener.address(), Duration.ofMillis(200)));
                        } catch (SocketTimeoutException e) {
                            return queued.size() + " queued, then " + e.getMessage();
                        }
                    }
                    return "never timed out";
                } finally {
                    queued.forEach(TcpSocket::close);
                }
            }
        });
        assertTrue(message.matches("\\d+ queued, then TcpSocket.connect on /127.0.0.1:\\d+ timed out after 200 ms"), message);
    }

    @Test
    void closeWakesAGreenletWaitingToRead() throws Throwable {
        String outcome = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<TcpSocket> accepted = Hub.spawn(() -> listener.accept());
                try (TcpSocket c = TcpSocket.connect(listener.address(), null); TcpSocket s = accepted.get()) {
                    SpawnedGreenlet<String> reader = Hub.spawn(() -> {
                        try {
                            s.read(ByteBuffer.allocate(4));
                            return "read";
                        } catch (AsynchronousCloseException e) {
                            return "woken by close";
                        }
                    });
                    Hub.sleep(0); // the reader starts and waits
                    assertFalse(reader.isReady());
                    s.close();
                    s.close();
                    return reader.get() + ", closed: " + s.isClosed();
                }
            }
        });
        assertEquals("woken by close, closed: true", outcome);
    }

    @Test
    void closeWakesAGreenletWaitingToAccept() throws Throwable {
        String outcome = onHub(() -> {
            TcpListener listener = TcpListener.bind(LOOPBACK);
            SpawnedGreenlet<String> acceptor = Hub.spawn(() -> {
                try {
                    listener.accept();
                    return "accepted";
                } catch (AsynchronousCloseException e) {
                    return "woken by close";
                }
            });
            Hub.sleep(0);
            listener.close();
            return acceptor.get();
        });
        assertEquals("woken by close", outcome);
    }

    @Test
    void aWriterFasterThanItsReaderSuspendsInsteadOfBuffering() throws Throwable {
        int chunk = 64 * 1024;
        int total = 64 * 1024 * 1024;
        long[] result = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<TcpSocket> accepted = Hub.spawn(() -> listener.accept());
                try (TcpSocket c = TcpSocket.connect(listener.address(), null); TcpSocket s = accepted.get()) {
                    byte[] data = new byte[chunk];
                    new Random(7).nextBytes(data);
                    long[] written = {0};
                    SpawnedGreenlet<Void> writer = Hub.spawn(() -> {
                        while (written[0] < total) {
                            s.write(data, 0, chunk);
                            written[0] += chunk;
                        }
                        s.shutdownOutput();
                    });
                    // this greenlet runs only when the writer suspends: the peer is not reading
                    Hub.sleep(0);
                    long most = written[0];
                    for (int i = 0; i < 20; i++) {
                        Hub.sleep(1);
                        most = Math.max(most, written[0]);
                    }
                    boolean stuck = !writer.isReady();
                    // now read everything and check it
                    byte[] in = new byte[chunk];
                    long read = 0;
                    boolean same = true;
                    while (true) {
                        int n = c.read(in, 0, chunk - (int) (read % chunk));
                        if (n < 0) {
                            break;
                        }
                        int at = (int) (read % chunk);
                        same &= Arrays.equals(in, 0, n, data, at, at + n);
                        read += n;
                    }
                    writer.get();
                    return new long[] {most, stuck ? 1 : 0, read, same ? 1 : 0};
                }
            }
        });
        // the kernel holds at most the send buffer (4 MiB) and the receive buffer (32 MiB at most here)
        assertTrue(result[0] <= 40L * 1024 * 1024, "the writer went on to " + result[0] + " bytes");
        assertEquals(1, result[1], "the writer was suspended while nobody read");
        assertEquals(total, result[2]);
        assertEquals(1, result[3], "the bytes arrived intact and in order");
    }
}
