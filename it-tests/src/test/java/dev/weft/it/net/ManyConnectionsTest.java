package dev.weft.it.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.HubGroup;
import dev.weft.SpawnedGreenlet;
import dev.weft.net.StreamServer;
import dev.weft.net.TcpSocket;
import dev.weft.sync.Event;
import dev.weft.sync.Semaphore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ten thousand connections open at once, every one served by a greenlet of one hub.
 *
 * <p>The clients run in a second JVM (also with the agent, also on one hub): this machine allows
 * 20 000 descriptors per process, and both ends of 10 000 connections in one process would need more.
 */
@Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ManyConnectionsTest {
    static final int CONNECTIONS = 10_000;

    @Test
    void tenThousandConnectionsAreOpenAtOnceOnOneHub() throws Throwable {
        List<String> before = NetFixture.openDescriptors();
        int[] open = {0};
        int[] most = {0};
        int[] served = {0};
        Event allOpen = new Event();
        String output;
        try (HubGroup group = HubGroup.start(1)) {
            StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 0), socket -> {
                // all on the group's one hub: no locks needed
                most[0] = Math.max(most[0], ++open[0]);
                try {
                    // no handler answers before every connection has its own handler
                    if (open[0] == CONNECTIONS) {
                        allOpen.set();
                    }
                    allOpen.await();
                    StreamServerTest.echo(socket);
                    served[0]++;
                } finally {
                    open[0]--;
                }
            }).start(group);
            output = runClients(server.address().getPort());
            NetFixture.get(group.spawn(0, () -> {
                server.stop(Duration.ofSeconds(30));
                return null;
            }));
            String counts = NetFixture.get(group.spawn(0, () -> most[0] + " " + served[0] + " " + open[0]));
            assertEquals(CONNECTIONS + " " + CONNECTIONS + " 0", counts,
                    "handlers open at once at most, handlers that echoed to the end, handlers left");
        }
        assertEquals("clients ok " + CONNECTIONS, output);
        NetFixture.assertNoneLeft(before);
    }

    private static String runClients(int port) throws Exception {
        String agent = System.getProperty("weft.agent.jar");
        assertTrue(agent != null && Files.exists(Path.of(agent)), "the agent jar is given to the tests: " + agent);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-javaagent:" + agent, "-Dweft.monitor.millis=0",
                "-cp", System.getProperty("java.class.path"), ClientsProgram.class.getName(),
                Integer.toString(port), Integer.toString(CONNECTIONS));
        Path out = Files.createTempFile("weft-clients", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean finished = p.waitFor(500, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            assertTrue(finished, "the clients did not finish: " + output);
            assertEquals(0, p.exitValue(), output);
            return output.strip();
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The clients, in their own JVM: all connect, then each sends a line and reads its echo. */
    public static final class ClientsProgram {
        private ClientsProgram() {
        }

        /**
         * Connects {@code args[1]} clients to port {@code args[0]}, all before any of them sends.
         *
         * @param args the port and the number of clients
         */
        public static void main(String[] args) {
            int port = Integer.parseInt(args[0]);
            int n = Integer.parseInt(args[1]);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            // a few hundred handshakes at a time, so that the listener's backlog never overflows
            Semaphore connecting = new Semaphore(200);
            Event allConnected = new Event();
            int[] connected = {0};
            List<SpawnedGreenlet<Boolean>> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int id = i;
                clients.add(Hub.spawn(() -> {
                    connecting.acquire();
                    TcpSocket s;
                    try {
                        s = TcpSocket.connect(server, Duration.ofSeconds(60));
                    } finally {
                        connecting.release();
                    }
                    try (s) {
                        if (++connected[0] == n) {
                            allConnected.set();
                        }
                        allConnected.await();
                        byte[] line = String.format("client %08d\n", id).getBytes(StandardCharsets.US_ASCII);
                        s.write(line);
                        s.shutdownOutput();
                        byte[] echo = new byte[line.length];
                        s.readFully(echo, 0, echo.length);
                        return Arrays.equals(line, echo);
                    }
                }));
            }
            int ok = 0;
            for (SpawnedGreenlet<Boolean> c : clients) {
                if (c.get()) {
                    ok++;
                }
            }
            System.out.println("clients ok " + ok);
        }
    }
}
