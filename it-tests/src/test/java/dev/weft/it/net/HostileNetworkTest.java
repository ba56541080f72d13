package dev.weft.it.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.HubGroup;
import dev.weft.net.StreamServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A StreamServer under what a hostile network does to it: a hub held up by one handler, more clients
 * than allowed, and errors (out of memory) that even printing cannot survive.
 */
@Timeout(120)
class HostileNetworkTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private static final byte[] MAX_CLIENTS = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);

    /** A System.err that fails as it would with the heap full: every print throws OutOfMemoryError. */
    private static final class FullHeapStream extends OutputStream {
        @Override
        public void write(int b) {
            throw new OutOfMemoryError("Java heap space (a test's System.err)");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            throw new OutOfMemoryError("Java heap space (a test's System.err)");
        }
    }

    /** Echoes lines until the client's end of stream; a line "fail" throws OutOfMemoryError, "hold" spins for 1.5 s. */
    private static StreamServer.Handler lines() {
        return socket -> {
            dev.weft.net.SocketReader in = new dev.weft.net.SocketReader(socket);
            dev.weft.net.SocketWriter out = new dev.weft.net.SocketWriter(socket);
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("fail")) {
                    throw new OutOfMemoryError("Java heap space (a test's handler)");
                }
                out.write(line + "\n");
                out.flush();
                if (line.equals("hold")) {
                    // computes without ever suspending: the hub can do nothing else meanwhile
                    long end = System.nanoTime() + 1_500_000_000L;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                }
            }
        };
    }

    /** Sends a line on a connected socket and returns the line that comes back (null at end of stream). */
    private static String ask(Socket c, String line) throws IOException {
        c.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return readLine(c.getInputStream());
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0 && ch != '\n') {
            b.append((char) ch);
        }
        return ch < 0 && b.length() == 0 ? null : b.toString();
    }

    private static Socket connect(InetSocketAddress to) throws IOException {
        Socket c = new Socket();
        c.connect(to, 30_000);
        c.setSoTimeout(30_000);
        return c;
    }

    @Test
    void aHubHeldUpByAHandlerDelaysNoNewClientOfItsGroup() throws Throwable {
        try (HubGroup group = HubGroup.start(2)) {
            StreamServer server = new StreamServer(LOOPBACK, lines()).start(group);
            try (Socket holder = connect(server.address())) {
                assertEquals("hold", ask(holder, "hold"));
                // the hub that took the holder now computes for 1.5 s; the other one must take every new client
                long slowest = 0;
                for (int i = 0; i < 6; i++) {
                    long start = System.nanoTime();
                    try (Socket c = connect(server.address())) {
                        assertEquals("ping " + i, ask(c, "ping " + i));
                    }
                    slowest = Math.max(slowest, System.nanoTime() - start);
                }
                assertTrue(slowest < 700_000_000L, "a new client waited " + slowest / 1_000_000 + " ms for its answer");
            }
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void aConnectionOverMaxClientsIsRefusedAndTheServerServesOnOnceOneLeaves() throws Throwable {
        try (HubGroup group = HubGroup.start(1)) {
            StreamServer server = new StreamServer(LOOPBACK, lines()).maxClients(2, MAX_CLIENTS).start(group);
            List<String> got = new ArrayList<>();
            try (Socket first = connect(server.address()); Socket second = connect(server.address())) {
                got.add(ask(first, "one"));
                got.add(ask(second, "two"));
                try (Socket third = connect(server.address())) {
                    third.getOutputStream().write("three\n".getBytes(StandardCharsets.UTF_8));
                    got.add(readLine(third.getInputStream()));
                    got.add(String.valueOf(readLine(third.getInputStream())));
                }
                first.close();
                // the first handler ends as its client leaves: a new client is served again
                String answer = null;
                for (int attempt = 0; attempt < 200 && !"four".equals(answer); attempt++) {
                    try (Socket fourth = connect(server.address())) {
                        answer = ask(fourth, "four");
                    }
                }
                got.add(answer);
            }
            server.stop(Duration.ofSeconds(5));
            assertEquals(List.of("one", "two", "-ERR max number of clients reached\r", "null", "four"), got);
        }
        assertEquals("maxClients must be at least 1, but was 0", assertThrows(IllegalArgumentException.class,
                () -> new StreamServer(LOOPBACK, lines()).maxClients(0, MAX_CLIENTS)).getMessage());
    }

    @Test
    void anOutOfMemoryErrorThatPrintingCannotSurviveDropsOnlyItsConnection() throws Throwable {
        PrintStream saved = System.err;
        List<String> got = new ArrayList<>();
        try (HubGroup group = HubGroup.start(1)) {
            StreamServer server = new StreamServer(LOOPBACK, lines()).start(group);
            System.setErr(new PrintStream(new FullHeapStream(), true));
            try {
                for (int i = 0; i < 3; i++) {
                    try (Socket failing = connect(server.address())) {
                        got.add(String.valueOf(ask(failing, "fail")));
                    }
                }
                try (Socket next = connect(server.address())) {
                    got.add(ask(next, "still serving"));
                }
            } finally {
                System.setErr(saved);
            }
            server.stop(Duration.ofSeconds(5));
        }
        assertEquals(List.of("null", "null", "null", "still serving"), got);
    }

    @Test
    void whenAHubOfItsGroupDiesServeForeverThrowsAndThePortIsFreed() throws Throwable {
        PrintStream saved = System.err;
        ByteArrayOutputStream ignored = new ByteArrayOutputStream();
        StreamServer server;
        try (HubGroup group = HubGroup.start(2)) {
            server = new StreamServer(LOOPBACK, lines()).start(group);
            try (Socket c = connect(server.address())) {
                assertEquals("up", ask(c, "up"));
            }
            System.setErr(new PrintStream(new FullHeapStream(), true));
            try {
                // an error that the hub's loop cannot even report: the hub's thread ends
                group.hub(0).submit(() -> {
                    throw new OutOfMemoryError("Java heap space (a test's callback)");
                });
                IllegalStateException e = assertThrows(IllegalStateException.class, server::serveForever);
                assertTrue(e.getMessage().contains("a hub of its group died of java.lang.OutOfMemoryError"), e.getMessage());
            } finally {
                System.setErr(new PrintStream(ignored, true));
            }
            assertTrue(server.isStopped());
            // what main does next: closes the group (and exits, for a supervisor to start it again)
        } finally {
            System.setErr(saved);
        }
        InetSocketAddress address = server.address();
        assertThrows(IOException.class, () -> new Socket().connect(address, 30_000));
    }
}
