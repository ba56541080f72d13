package dev.weft.examples;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.net.StreamServer;
import dev.weft.net.TcpSocket;
import dev.weft.sync.Pool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * gevent's classic concurrent download, without a network: 200 URLs fetched from a local HTTP server
 * by 200 greenlets, at most 20 at a time.
 *
 * <p>The server is a {@link StreamServer} on loopback speaking just enough HTTP/1.1: it answers
 * {@code GET /item/N} with a body of {@link #size(int)} bytes, and keeps the connection for the next
 * request. The client is the JDK's {@code HttpClient}: each greenlet calls {@code sendAsync} and
 * suspends in {@link Hub#await} until the client's own threads complete the future, so the fetches
 * overlap with each other and with the server's handlers, all on the main thread's hub. The
 * {@link Pool} of 20 keeps at most 20 requests out: {@code pool.spawn} waits for room, as gevent's
 * {@code Pool.spawn} does. Prints how many URLs, how many bytes, the most requests that were out at
 * once, and the time it took.
 */
public final class Fetch {
    /** How many URLs to fetch. */
    static final int URLS = 200;
    /** The most fetches out at a time: the size of the pool. */
    static final int CONCURRENCY = 20;

    /** Requests sent and not yet answered, and the most there were; on the main thread's hub only. */
    private static int inFlight;
    private static int mostInFlight;

    private Fetch() {
    }

    public static void main(String[] args) throws Exception {
        inFlight = 0;
        mostInFlight = 0;
        StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 0), Fetch::serve).start();
        try {
            HttpClient client = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10))
                    .build();
            String base = "http://127.0.0.1:" + server.address().getPort() + "/item/";
            long start = System.nanoTime();
            Pool pool = new Pool(CONCURRENCY);
            long[] bytes = new long[1];
            List<SpawnedGreenlet<Void>> fetches = new ArrayList<>();
            for (int i = 0; i < URLS; i++) {
                int n = i;
                // waits (running the hub) while 20 fetches are out
                fetches.add(pool.spawn(() -> {
                    // not "bytes[0] += fetch(...)": Java would read bytes[0] before the fetch suspends
                    int got = fetch(client, URI.create(base + n), n);
                    bytes[0] += got;
                }));
            }
            pool.join();
            for (SpawnedGreenlet<Void> f : fetches) {
                f.get(); // a fetch that failed fails the program, after its stack was printed
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("fetched " + URLS + " URLs, " + bytes[0] + " bytes, at most " + mostInFlight
                    + " at once, in " + millis + " ms");
        } finally {
            server.stop(Duration.ZERO); // the client keeps idle connections open: end their handlers
        }
    }

    /** Fetches one URL and checks the body: {@code size(n)} bytes of the item's letter. */
    @Suspendable
    static int fetch(HttpClient client, URI uri, int n) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        HttpResponse<byte[]> response;
        try {
            // the greenlet suspends here; the other greenlets and the server run meanwhile
            response = Hub.await(client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()));
        } finally {
            inFlight--;
        }
        byte[] body = response.body();
        byte[] expected = new byte[size(n)];
        Arrays.fill(expected, letter(n));
        if (response.statusCode() != 200 || !Arrays.equals(body, expected)) {
            throw new IOException(uri + " answered " + response.statusCode() + " with " + body.length
                    + " bytes, expected 200 with " + expected.length + " bytes of '" + (char) letter(n) + "'");
        }
        return body.length;
    }

    /** The body size of item {@code n}: 100 to 5 000 bytes. */
    static int size(int n) {
        return (n % 50 + 1) * 100;
    }

    private static byte letter(int n) {
        return (byte) ('a' + n % 26);
    }

    /** Serves one connection: request after request until the client closes it. */
    @Suspendable
    static void serve(TcpSocket socket) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(8192);
        while (true) {
            int end;
            while ((end = headerEnd(in)) < 0) {
                if (!in.hasRemaining()) {
                    respond(socket, 431, "Request Header Fields Too Large", new byte[0]);
                    return;
                }
                if (socket.read(in) < 0) {
                    return; // the client closed the connection
                }
            }
            String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
            // requests without a body (the client sends GETs only): drop the head, keep what follows
            in.flip();
            in.position(end + 4);
            in.compact();
            String[] requestLine = head.substring(0, head.indexOf("\r\n") < 0 ? head.length() : head.indexOf("\r\n")).split(" ");
            int n = requestLine.length == 3 && requestLine[0].equals("GET") && requestLine[1].startsWith("/item/")
                    ? item(requestLine[1].substring("/item/".length())) : -1;
            if (n < 0) {
                respond(socket, 404, "Not Found", "no such item\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                byte[] body = new byte[size(n)];
                Arrays.fill(body, letter(n));
                respond(socket, 200, "OK", body);
            }
        }
    }

    /** The index just past the request line and headers (at the blank line's CR), or -1 before it has come. */
    private static int headerEnd(ByteBuffer in) {
        byte[] b = in.array();
        for (int i = 0; i + 3 < in.position(); i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int item(String s) {
        try {
            int n = Integer.parseInt(s);
            return n >= 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Suspendable
    private static void respond(TcpSocket socket, int status, String reason, byte[] body) throws IOException {
        byte[] head = ("HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer out = ByteBuffer.allocate(head.length + body.length);
        out.put(head).put(body).flip();
        socket.write(out);
    }
}
