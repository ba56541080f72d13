package dev.weft.it.net;

import static dev.weft.it.net.NetFixture.onHub;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.net.SocketInputStream;
import dev.weft.net.SocketOutputStream;
import dev.weft.net.SocketReader;
import dev.weft.net.SocketWriter;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpSocket;
import dev.weft.net.UdpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stream views, the buffered reader and writer, and UDP, each waiting in greenlets of one hub. */
@Timeout(120)
class SocketStreamsTest {
    static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

    @Test
    void streamViewsReadAndWriteThroughTheirOwnTypes() throws Throwable {
        String got = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<String> server = Hub.spawn(() -> {
                    try (TcpSocket s = listener.accept()) {
                        SocketInputStream in = s.inputStream();
                        int first = in.read();
                        byte[] rest = in.readAllBytes();
                        return (char) first + new String(rest, StandardCharsets.UTF_8);
                    }
                });
                try (TcpSocket c = TcpSocket.connect(listener.address(), null)) {
                    SocketOutputStream out = c.outputStream();
                    out.write('h');
                    Hub.sleep(0); // the server reads 'h' and waits for more
                    out.write("ello, streams".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    c.shutdownOutput();
                    return server.get();
                }
            }
        });
        assertEquals("hello, streams", got);
    }

    @Test
    void theBufferedReaderReadsLinesAndTheWriterSendsOnFlush() throws Throwable {
        List<String> log = onHub(() -> {
            List<String> events = new ArrayList<>();
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<Void> server = Hub.spawn(() -> {
                    try (TcpSocket s = listener.accept()) {
                        SocketReader in = new SocketReader(s);
                        SocketWriter out = new SocketWriter(s);
                        String line;
                        while ((line = in.readLine()) != null) {
                            out.write(line.toUpperCase() + "\n");
                            out.flush();
                        }
                    }
                });
                try (TcpSocket c = TcpSocket.connect(listener.address(), null)) {
                    SocketWriter out = new SocketWriter(c);
                    SocketReader in = new SocketReader(c);
                    out.write("one\r\ntwo\n");
                    events.add("buffered before flush: " + out.buffered());
                    out.flush();
                    events.add(in.readLine());
                    events.add(in.readLine());
                    // a line split over several writes, and the last one without its end
                    out.write("thr");
                    out.flush();
                    Hub.sleep(0);
                    out.write("ee\nfour");
                    out.flush();
                    c.shutdownOutput();
                    events.add(in.readLine());
                    events.add(in.readLine());
                    events.add(String.valueOf(in.readLine()));
                    server.get();
                }
            }
            return events;
        });
        assertEquals(List.of("buffered before flush: 9", "ONE", "TWO", "THREE", "FOUR", "null"), log);
    }

    @Test
    void aLineLongerThanTheLimitIsRefused() throws Throwable {
        String message = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(LOOPBACK)) {
                SpawnedGreenlet<TcpSocket> accepted = Hub.spawn(() -> listener.accept());
                try (TcpSocket c = TcpSocket.connect(listener.address(), null); TcpSocket s = accepted.get()) {
                    c.write("0123456789\n".getBytes(StandardCharsets.US_ASCII));
                    SocketReader in = new SocketReader(s, 4, StandardCharsets.US_ASCII, 8);
                    try {
                        return in.readLine();
                    } catch (IOException e) {
                        return e.getMessage().replaceAll("from \\S+", "from PEER");
                    }
                }
            }
        });
        assertEquals("a line from PEER is longer than 8 bytes", message);
    }

    @Test
    void udpDatagramsGoBackAndForthAndAReceiveTimesOut() throws Throwable {
        List<String> log = onHub(() -> {
            List<String> events = new ArrayList<>();
            try (UdpSocket server = UdpSocket.bind(LOOPBACK); UdpSocket client = UdpSocket.bind(LOOPBACK)) {
                SpawnedGreenlet<Void> echo = Hub.spawn(() -> {
                    ByteBuffer packet = ByteBuffer.allocate(100);
                    InetSocketAddress from = server.receive(packet);
                    packet.flip();
                    server.send(packet, from);
                });
                client.send(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)), server.address());
                ByteBuffer reply = ByteBuffer.allocate(100);
                InetSocketAddress from = client.receive(reply);
                events.add(new String(reply.array(), 0, reply.position(), StandardCharsets.US_ASCII)
                        + " from the server: " + from.equals(server.address()));
                echo.get();
                client.setTimeout(Duration.ofMillis(20));
                try {
                    client.receive(ByteBuffer.allocate(10));
                    events.add("received");
                } catch (SocketTimeoutException e) {
                    events.add(e.getMessage().replaceAll("on \\S+", "on SOCKET"));
                }
            }
            return events;
        });
        assertEquals(List.of("ping from the server: true", "UdpSocket.receive on SOCKET timed out after 20 ms"), log);
    }
}
