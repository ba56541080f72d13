package dev.weft.examples;

import dev.weft.HubGroup;
import dev.weft.Suspendable;
import dev.weft.net.StreamServer;
import dev.weft.net.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

// demo: by-name-only
/**
 * An echo server: gevent's {@code StreamServer} example, each connection served by a greenlet that
 * sends back whatever it reads until the client closes.
 *
 * <pre>
 * ./demo echo 7000              # one hub, on the main thread
 * ./demo echo 7000 --hubs 4     # a HubGroup of 4 hubs on 4 threads, connections spread round-robin
 * </pre>
 *
 * <p>It listens on 127.0.0.1 only and runs until stopped (Ctrl-C). Try it with
 * {@code nc 127.0.0.1 7000}.
 */
public final class Echo {
    private Echo() {
    }

    /** Sends back what {@code socket} reads until its end of stream. */
    @Suspendable
    static void echo(TcpSocket socket) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
        while (socket.read(buffer) >= 0) {
            buffer.flip();
            socket.write(buffer);
            buffer.clear();
        }
    }

    /** The echo server for {@code port} on 127.0.0.1, not started. */
    static StreamServer server(int port) {
        return new StreamServer(new InetSocketAddress("127.0.0.1", port), Echo::echo);
    }

    /**
     * Reads {@code PORT [--hubs N]}.
     *
     * @return the port and the number of hubs (0: the main thread's hub alone)
     * @throws IllegalArgumentException with the usage when the arguments are wrong
     */
    static int[] parse(String[] args) {
        String usage = "usage: ./demo echo PORT [--hubs N]   (PORT 0 to 65535, N at least 1)";
        if (args.length != 1 && args.length != 3) {
            throw new IllegalArgumentException(usage);
        }
        try {
            int port = Integer.parseInt(args[0]);
            int hubs = 0;
            if (args.length == 3) {
                if (!args[1].equals("--hubs")) {
                    throw new IllegalArgumentException(usage);
                }
                hubs = Integer.parseInt(args[2]);
                if (hubs < 1) {
                    throw new IllegalArgumentException(usage);
                }
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(usage);
            }
            return new int[] {port, hubs};
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(usage, e);
        }
    }

    public static void main(String[] args) {
        int[] options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        StreamServer server = server(options[0]);
        if (options[1] == 0) {
            server.start();
            System.out.println("echo server on " + server.address() + ", one hub on the main thread");
            server.serveForever();
        } else {
            HubGroup group = HubGroup.start(options[1]);
            server.start(group);
            System.out.println("echo server on " + server.address() + ", " + options[1] + " hubs");
            server.serveForever();
            group.close();
        }
    }
}
