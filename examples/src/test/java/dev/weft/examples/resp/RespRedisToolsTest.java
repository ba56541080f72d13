package dev.weft.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RESP server checked with the real Redis clients, {@code redis-cli} and {@code redis-benchmark}
 * (Debian's {@code redis-tools}, which {@code .ci/run} installs). Without them these tests are
 * skipped, saying so.
 */
class RespRedisToolsTest {
    private RespServer server;
    private String port;

    @BeforeEach
    void start() {
        server = RespServer.start(new InetSocketAddress("127.0.0.1", 0), 2, RespLimits.DEFAULT);
        port = String.valueOf(server.address().getPort());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void need(String tool) {
        assumeTrue(installed(tool), tool + " is not installed (Debian package redis-tools; .ci/run installs it "
                + "when it runs as root): the test against the real Redis client is skipped");
    }

    /** What a finished process printed, its exit code checked. */
    private record Run(int exit, String out, String err) {
    }

    private static Run run(Path input, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        Path out = Files.createTempFile("resp-out", ".txt");
        Path err = Files.createTempFile("resp-err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.redirectInput(input == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
                : ProcessBuilder.Redirect.from(input.toFile()));
        Process p = builder.start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError(Arrays.toString(command) + " did not finish within 60 s; it printed "
                        + Files.readString(out) + Files.readString(err));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            p.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private String cli(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", port));
        command.addAll(List.of(args));
        Run r = run(null, command.toArray(String[]::new));
        assertEquals(0, r.exit(), "redis-cli " + List.of(args) + " failed: " + r.err() + r.out());
        return r.out().strip();
    }

    @Test
    void redisCliSpeaksEveryCommand() throws Exception {
        need("redis-cli");
        assertEquals("PONG", cli("PING"));
        assertEquals("OK", cli("SET", "greeting", "hello world"));
        assertEquals("hello world", cli("GET", "greeting"));
        assertEquals("", cli("GET", "missing"));
        assertEquals("1", cli("INCR", "counter"));
        assertEquals("2", cli("INCR", "counter"));
        assertEquals("ERR value is not an integer or out of range", cli("INCR", "greeting"));
        assertEquals("bonjour", cli("ECHO", "bonjour"));
        assertEquals("2", cli("EXISTS", "greeting", "counter", "missing"));
        assertEquals("1", cli("DEL", "greeting", "missing"));
        assertEquals("0", cli("EXISTS", "greeting"));
        assertEquals("", cli("CONFIG", "GET", "save"));
        assertTrue(cli("NOSUCH", "x").startsWith("ERR unknown command 'NOSUCH'"));
        assertEquals(1, server.store().size(), "only the counter is left");
    }

    @Test
    void redisCliPipeModeSendsThousandsOfRequestsAtOnce(@TempDir Path dir) throws Exception {
        need("redis-cli");
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            requests.append(Conversation.request("SET", "key:" + i, "value " + i));
            requests.append("INCR piped\r\n");
        }
        Path input = dir.resolve("requests.resp");
        Files.writeString(input, requests, StandardCharsets.ISO_8859_1);
        Run r = run(input, "redis-cli", "-h", "127.0.0.1", "-p", port, "--pipe");
        assertEquals(0, r.exit(), r.err() + r.out());
        assertTrue(r.out().contains("errors: 0, replies: 10000"), r.out());
        assertEquals("5000", cli("GET", "piped"));
        assertEquals("value 4999", cli("GET", "key:4999"));
    }

    @Test
    void redisBenchmarkRunsWithoutErrors() throws Exception {
        need("redis-benchmark");
        Run r = run(null, "redis-benchmark", "-h", "127.0.0.1", "-p", port,
                "-n", "2000", "-c", "10", "-P", "4", "-t", "set,get", "-q");
        assertEquals(0, r.exit(), r.err() + r.out());
        for (String test : List.of("SET", "GET")) {
            Matcher m = Pattern.compile("(?m)(?:^|\\r)\\s*" + test + ": ([0-9.]+) requests per second").matcher(r.out());
            assertTrue(m.find(), test + " has no result in: " + r.out());
            assertTrue(Double.parseDouble(m.group(1)) > 0, r.out());
        }
        // the only complaint allowed: CONFIG GET is answered with an empty array, so the
        // benchmark cannot read the server's save settings
        String complaints = r.err().replace("WARNING: Could not fetch server CONFIG", "").strip();
        assertEquals("", complaints, "redis-benchmark complained");
        assertFalse(r.out().contains("ERR") || r.out().contains("rror"), r.out());
        assertTrue(server.store().size() > 0, "the SETs stored keys");
    }
}
