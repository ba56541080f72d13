package dev.weft.examples;

import dev.weft.examples.resp.RespLimits;
import dev.weft.examples.resp.RespServer;
import java.net.InetSocketAddress;

// demo: by-name-only
/**
 * {@code ./demo resp PORT [--hubs N] [--bind HOST] [--max-bulk BYTES]}: a Redis-protocol server that
 * {@code redis-cli} and {@code redis-benchmark} talk to, on every core.
 *
 * <p>It speaks {@code PING}, {@code ECHO}, {@code SET}, {@code GET}, {@code DEL}, {@code EXISTS},
 * {@code INCR}, {@code CONFIG GET} and {@code COMMAND} (see {@link dev.weft.examples.resp}), inline
 * and multi-bulk, pipelined. Each connection is a greenlet on one of N hubs (default:
 * {@link #defaultHubs}, three quarters of the cores); the keys live in one map shared by the hubs. It
 * listens on 127.0.0.1 unless told otherwise, and runs until killed.
 */
public final class Resp {
    private Resp() {
    }

    /**
     * The number of hubs used when {@code --hubs} is not given: three quarters of {@code cores}, at
     * least one (1 on 1 or 2 cores, 3 on 4, 6 on 8), as Redis's configuration file advises for its
     * I/O threads. The cores left over are for the clients and the kernel's network stack, which do
     * at least as much work per request as the server: on 2 cores with {@code redis-benchmark} on the
     * same machine, a second hub gets no core of its own, and each hub, with half the connections,
     * goes idle and is woken again twice as often, which costs both the server and the client
     * system time per request ({@code docs/performance.md}, RESP section).
     *
     * @param cores the number of available processors
     * @return the number of hubs, at least 1
     */
    static int defaultHubs(int cores) {
        return Math.max(1, cores * 3 / 4);
    }

    /** The command line, checked. */
    record Options(String host, int port, int hubs, RespLimits limits) {
        static Options parse(String[] args) {
            String host = "127.0.0.1";
            Integer port = null;
            int hubs = defaultHubs(Runtime.getRuntime().availableProcessors());
            RespLimits limits = RespLimits.DEFAULT;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--hubs" -> hubs = number(a, value(args, ++i, a), 1, 1024);
                    case "--bind" -> host = value(args, ++i, a);
                    case "--max-bulk" -> limits = limits.withMaxBulkBytes(
                            number(a, value(args, ++i, a), 0, RespLimits.MAX_BULK_BYTES));
                    default -> {
                        if (a.startsWith("-") || port != null) {
                            throw new IllegalArgumentException("unexpected argument '" + a + "'");
                        }
                        port = number("PORT", a, 0, 65535);
                    }
                }
            }
            if (port == null) {
                throw new IllegalArgumentException("PORT is missing");
            }
            return new Options(host, port, hubs, limits);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int number(String what, String text, int min, int max) {
            int n;
            try {
                n = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " must be a number, but was '" + text + "'");
            }
            if (n < min || n > max) {
                throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", but was " + n);
            }
            return n;
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("resp: " + e.getMessage());
            System.err.println("usage: ./demo resp PORT [--hubs N] [--bind HOST] [--max-bulk BYTES]");
            System.exit(2);
            return;
        }
        RespServer server = RespServer.start(new InetSocketAddress(options.host(), options.port()),
                options.hubs(), options.limits());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "resp-shutdown"));
        System.out.println("resp: serving the Redis protocol on " + server.address().getHostString() + ":"
                + server.address().getPort() + " with " + server.hubs() + " hubs");
        server.awaitStop();
    }
}
