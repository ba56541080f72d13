package dev.weft.examples;

import dev.weft.examples.resp.RespLimits;
import dev.weft.examples.resp.RespServer;
import java.net.InetSocketAddress;

// demo: by-name-only
/**
 * {@code ./demo resp PORT [--hubs N] [--bind HOST] [--proto-max-bulk-len BYTES] [--maxclients N]
 * [--maxmemory BYTES|PERCENT%]}: a Redis-protocol server that {@code redis-cli} and
 * {@code redis-benchmark} talk to, on every core.
 *
 * <p>It speaks {@code PING}, {@code ECHO}, {@code SET}, {@code GET}, {@code DEL}, {@code EXISTS},
 * {@code INCR}, {@code CONFIG GET} and {@code COMMAND} (see {@link dev.weft.examples.resp}), inline
 * and multi-bulk, pipelined. Each connection is a greenlet on one of N hubs (default:
 * {@link #defaultHubs}, three quarters of the cores); the keys live in one map shared by the hubs. It
 * listens on 127.0.0.1 unless told otherwise, and runs until killed.
 *
 * <p>Limits, as Redis's: {@code --proto-max-bulk-len} (also {@code --max-bulk}) the longest bulk
 * string, 512 MB by default; {@code --maxclients} the most connections at once (10 000, or the file
 * descriptor limit less 64 when that is lower, by default), a connection over it answered
 * {@code -ERR max number of clients reached}; {@code --maxmemory} the most Java heap in use at which
 * {@code SET} and {@code INCR} are accepted, in bytes or as a percentage of the largest heap ({@code 90%}
 * by default, {@code 0} for none), writes over it answered {@code -OOM}. Should a hub die, the
 * process ends with status 1, for a supervisor to start it again.
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
    /**
     * The default {@code --maxclients}: Redis's 10 000, or fewer when the process may open fewer file
     * descriptors (64 kept for the rest of the process), as Redis lowers it.
     *
     * @param maxDescriptors the process's descriptor limit, or -1 when unknown
     * @return the limit, at least 1
     */
    static int defaultMaxClients(long maxDescriptors) {
        if (maxDescriptors <= 0) {
            return 10_000;
        }
        return (int) Math.max(1, Math.min(10_000, maxDescriptors - 64));
    }

    private static long maxDescriptors() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** Reads {@code --maxmemory}: bytes, or a percentage of the largest heap such as {@code 90%}. */
    static long memory(String text, long maxHeap) {
        if (text.endsWith("%")) {
            int percent = number("--maxmemory", text.substring(0, text.length() - 1), 1, 100);
            return maxHeap / 100 * percent;
        }
        try {
            long n = Long.parseLong(text);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--maxmemory must be a number of bytes or a percentage such as 90%, but was '"
                + text + "'");
    }

    private static int number(String what, String text, int min, int max) {
        return Options.number(what, text, min, max);
    }

    /** The command line, checked. */
    record Options(String host, int port, int hubs, RespLimits limits, int maxClients, long maxMemory) {
        static Options parse(String[] args) {
            String host = "127.0.0.1";
            Integer port = null;
            int hubs = defaultHubs(Runtime.getRuntime().availableProcessors());
            RespLimits limits = RespLimits.DEFAULT;
            int maxClients = defaultMaxClients(maxDescriptors());
            long maxHeap = Runtime.getRuntime().maxMemory();
            long maxMemory = memory("90%", maxHeap);
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--hubs" -> hubs = number(a, value(args, ++i, a), 1, 1024);
                    case "--bind" -> host = value(args, ++i, a);
                    case "--max-bulk", "--proto-max-bulk-len" -> limits = limits.withMaxBulkBytes(
                            number(a, value(args, ++i, a), 0, RespLimits.MAX_BULK_BYTES));
                    case "--maxclients" -> maxClients = number(a, value(args, ++i, a), 1, 1_000_000);
                    case "--maxmemory" -> maxMemory = memory(value(args, ++i, a), maxHeap);
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
            return new Options(host, port, hubs, limits, maxClients, maxMemory);
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
            System.err.println("usage: ./demo resp PORT [--hubs N] [--bind HOST] [--proto-max-bulk-len BYTES]"
                    + " [--maxclients N] [--maxmemory BYTES|PERCENT%]");
            System.exit(2);
            return;
        }
        RespServer server = RespServer.start(new InetSocketAddress(options.host(), options.port()),
                options.hubs(), options.limits(), options.maxClients(), options.maxMemory());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "resp-shutdown"));
        System.out.println("resp: serving the Redis protocol on " + server.address().getHostString() + ":"
                + server.address().getPort() + " with " + server.hubs() + " hubs, maxclients "
                + options.maxClients() + ", maxmemory " + options.maxMemory() + " bytes");
        try {
            server.awaitStop();
        } catch (IllegalStateException fatal) {
            // a hub died: end with a failure, for a supervisor (systemd, Kubernetes) to start a fresh process
            System.err.println("resp: " + fatal.getMessage());
            Runtime.getRuntime().halt(1);
        }
    }
}
