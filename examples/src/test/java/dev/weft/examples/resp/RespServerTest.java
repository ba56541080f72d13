package dev.weft.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The RESP server on real loopback sockets, spoken to by plain blocking Java sockets (the tests that
 * use the real {@code redis-cli} and {@code redis-benchmark} are in {@link RespRedisToolsTest}).
 */
class RespServerTest {
    private RespServer server;

    @BeforeEach
    void start() {
        server = RespServer.start(new InetSocketAddress("127.0.0.1", 0), 2, RespLimits.DEFAULT.withMaxBulkBytes(64 * 1024));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(server.address(), 10_000);
        s.setSoTimeout(20_000);
        s.setTcpNoDelay(true);
        return s;
    }

    /** Reads exactly {@code n} bytes. */
    private static String read(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length, "the connection ended early after: " + new String(b, StandardCharsets.ISO_8859_1));
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Reads until end of stream: a read that returns -1, not a reset (which would throw). */
    private static String readToEnd(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void answersInlineAndMultiBulkRequests() throws Exception {
        try (Socket s = connect()) {
            send(s.getOutputStream(), "PING\r\n" + Conversation.request("SET", "k", "v") + "GET k\r\n");
            String expected = "+PONG\r\n+OK\r\n$1\r\nv\r\n";
            assertEquals(expected, read(s.getInputStream(), expected.length()));
        }
    }

    @Test
    void protocolGarbageGetsAnErrorAndAClosedConnectionWhileAnotherConnectionKeepsWorking() throws Exception {
        try (Socket good = connect(); Socket bad = connect()) {
            send(good.getOutputStream(), "SET survivor yes\r\n");
            assertEquals("+OK\r\n", read(good.getInputStream(), 5));

            send(bad.getOutputStream(), "PING\r\n*2\r\n$3\r\nGET\r\n$x\r\n" + "more garbage ".repeat(1000));
            assertEquals("+PONG\r\n-ERR Protocol error: invalid bulk length\r\n", readToEnd(bad.getInputStream()));

            send(good.getOutputStream(), "GET survivor\r\n");
            assertEquals("$3\r\nyes\r\n", read(good.getInputStream(), 9));
        }
    }

    @Test
    void anOversizedBulkGetsAnErrorAndAClosedConnection() throws Exception {
        try (Socket s = connect()) {
            // this server's limit is 64 KB
            send(s.getOutputStream(), "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$65537\r\n" + "x".repeat(10_000));
            assertEquals("-ERR Protocol error: invalid bulk length\r\n", readToEnd(s.getInputStream()));
        }
        try (Socket s = connect()) {
            String value = "x".repeat(64 * 1024);
            send(s.getOutputStream(), Conversation.request("SET", "k", value) + "STRLEN k\r\n" + "GET k\r\n");
            String unknown = "-ERR unknown command 'STRLEN', with args beginning with: 'k' \r\n";
            String expected = "+OK\r\n" + unknown + "$65536\r\n" + value + "\r\n";
            assertEquals(expected, read(s.getInputStream(), expected.length()));
        }
    }

    @Test
    void aPipelineSentWhileTheRepliesAreReadIsAnsweredInOrder() throws Exception {
        int requests = 20_000;
        try (Socket s = connect()) {
            ExecutorService writer = Executors.newSingleThreadExecutor();
            try {
                // written concurrently: the server must answer while more arrives, or both sides would stall
                Future<?> sent = writer.submit(() -> {
                    OutputStream out = s.getOutputStream();
                    for (int i = 0; i < requests; i++) {
                        String r = i % 2 == 0 ? Conversation.request("INCR", "pipelined") : "INCR pipelined\r\n";
                        out.write(r.getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                    return null;
                });
                StringBuilder expected = new StringBuilder();
                for (int i = 1; i <= requests; i++) {
                    expected.append(':').append(i).append("\r\n");
                }
                assertEquals(expected.toString(), read(s.getInputStream(), expected.length()));
                sent.get(20, TimeUnit.SECONDS);
            } finally {
                writer.shutdownNow();
            }
        }
    }

    @Test
    void requestsSplitAcrossManySmallWritesAreAnswered() throws Exception {
        try (Socket s = connect()) {
            byte[] pipeline = (Conversation.request("SET", "split", "a b") + "GET split\r\n" + Conversation.request("ECHO", "z"))
                    .getBytes(StandardCharsets.ISO_8859_1);
            OutputStream out = s.getOutputStream();
            for (byte b : pipeline) {
                out.write(b);
                out.flush();
            }
            String expected = "+OK\r\n$3\r\na b\r\n$1\r\nz\r\n";
            assertEquals(expected, read(s.getInputStream(), expected.length()));
        }
    }

    @Test
    void manyConnectionsOnEveryHubShareOneStore() throws Exception {
        int clients = 100;
        int each = 50;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                results.add(pool.submit(() -> {
                    try (Socket s = connect()) {
                        StringBuilder requests = new StringBuilder();
                        for (int i = 0; i < each; i++) {
                            requests.append(Conversation.request("INCR", "shared"));
                        }
                        requests.append(Conversation.request("SET", "client:" + client, "done"));
                        send(s.getOutputStream(), requests.toString());
                        InputStream in = s.getInputStream();
                        ByteArrayOutputStream replies = new ByteArrayOutputStream();
                        int lines = 0;
                        while (lines < each + 1) {
                            int b = in.read();
                            assertTrue(b >= 0, "the connection ended early");
                            replies.write(b);
                            lines += b == '\n' ? 1 : 0;
                        }
                        return replies.toString(StandardCharsets.ISO_8859_1);
                    }
                }));
            }
            for (Future<String> r : results) {
                String replies = r.get(60, TimeUnit.SECONDS);
                assertTrue(replies.endsWith("+OK\r\n"), replies);
                assertFalse(replies.contains("-"), replies);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Socket s = connect()) {
            String total = String.valueOf(clients * each);
            send(s.getOutputStream(), "GET shared\r\nEXISTS client:0 client:99 client:100\r\n");
            String expected = "$" + total.length() + "\r\n" + total + "\r\n:2\r\n";
            assertEquals(expected, read(s.getInputStream(), expected.length()));
        }
        assertEquals(clients + 1, server.store().size());
    }

    @Test
    void quitIsAnsweredAndTheConnectionEnds() throws Exception {
        try (Socket s = connect()) {
            send(s.getOutputStream(), "PING\r\nQUIT\r\nPING\r\n");
            assertEquals("+PONG\r\n+OK\r\n", readToEnd(s.getInputStream()));
        }
    }
}
