package dev.weft.examples.resp;

import static dev.weft.examples.resp.RespOutput.ascii;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The commands the server speaks, run against a {@link RespStore}: {@code PING}, {@code ECHO},
 * {@code SET}, {@code GET}, {@code DEL}, {@code EXISTS}, {@code INCR}, {@code CONFIG GET} and
 * {@code COMMAND} (both answered with an empty array, which is enough for {@code redis-cli} and
 * {@code redis-benchmark} at start-up), and {@code QUIT}.
 *
 * <p>{@code SET} and {@code INCR} are refused with Redis's {@code -OOM} error while the store is over
 * its memory limit ({@link RespStore#overMemory}); reads and {@code DEL} still work, as in Redis.
 *
 * <p>Replies and errors are Redis 7's, word for word; {@code SET}'s options ({@code EX}, {@code NX}
 * and the like) are not supported and answered with Redis's {@code syntax error}. Command names are
 * matched ignoring ASCII case, on the request's bytes, without building strings.
 */
public final class RespCommands {
    private static final byte[] PING = ascii("PING");
    private static final byte[] ECHO = ascii("ECHO");
    private static final byte[] SET = ascii("SET");
    private static final byte[] GET = ascii("GET");
    private static final byte[] DEL = ascii("DEL");
    private static final byte[] EXISTS = ascii("EXISTS");
    private static final byte[] INCR = ascii("INCR");
    private static final byte[] CONFIG = ascii("CONFIG");
    private static final byte[] COMMAND = ascii("COMMAND");
    private static final byte[] QUIT = ascii("QUIT");

    private static final byte[] OK = ascii("+OK\r\n");
    private static final byte[] PONG = ascii("+PONG\r\n");
    private static final byte[] ONE = ascii(":1\r\n");
    /** Redis's reply to a write refused above maxmemory. */
    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    /** The longest part of a request quoted in an error, as Redis cuts it. */
    private static final int QUOTED = 128;

    private final RespStore store;

    /**
     * Creates the commands over a store.
     *
     * @param store the keys and values
     */
    public RespCommands(RespStore store) {
        this.store = store;
    }

    /**
     * Runs the request the parser has just parsed and appends its reply.
     *
     * @param request the parser, holding a complete request of at least one argument
     * @param out where the reply goes
     * @return false when the client asked to close the connection ({@code QUIT}), true otherwise
     */
    @Suspendable
    public boolean execute(RespParser request, RespOutput out) {
        int argc = request.argCount();
        switch (request.argLength(0)) {
            case 3:
                if (request.argIs(0, GET)) {
                    if (argc != 2) {
                        return arity(out, "get");
                    }
                    byte[] value = store.get(key(request, 1));
                    if (value == null) {
                        out.nullBulk();
                    } else {
                        out.bulk(value);
                    }
                    return true;
                }
                if (request.argIs(0, SET)) {
                    if (argc < 3) {
                        return arity(out, "set");
                    }
                    if (argc > 3) {
                        out.error("ERR syntax error");
                        return true;
                    }
                    if (store.overMemory(request.argLength(1) + (long) request.argLength(2))) {
                        out.error(OOM);
                        return true;
                    }
                    store.set(key(request, 1), value(request, 2));
                    out.raw(OK);
                    return true;
                }
                if (request.argIs(0, DEL)) {
                    if (argc < 2) {
                        return arity(out, "del");
                    }
                    int removed = 0;
                    for (int i = 1; i < argc; i++) {
                        removed += store.delete(key(request, i)) ? 1 : 0;
                    }
                    out.integer(removed);
                    return true;
                }
                break;
            case 4:
                if (request.argIs(0, PING)) {
                    if (argc == 1) {
                        out.raw(PONG);
                    } else if (argc == 2) {
                        bulkArgument(request, 1, out);
                    } else {
                        return arity(out, "ping");
                    }
                    return true;
                }
                if (request.argIs(0, INCR)) {
                    if (argc != 2) {
                        return arity(out, "incr");
                    }
                    if (store.overMemory(request.argLength(1) + 32L)) {
                        out.error(OOM);
                        return true;
                    }
                    try {
                        long value = store.increment(key(request, 1));
                        if (value == 1) {
                            out.raw(ONE);
                        } else {
                            out.integer(value);
                        }
                    } catch (RespStore.NotAnInteger e) {
                        out.error(e.getMessage());
                    }
                    return true;
                }
                if (request.argIs(0, ECHO)) {
                    if (argc != 2) {
                        return arity(out, "echo");
                    }
                    bulkArgument(request, 1, out);
                    return true;
                }
                if (request.argIs(0, QUIT)) {
                    out.raw(OK);
                    return false;
                }
                break;
            case 6:
                if (request.argIs(0, EXISTS)) {
                    if (argc < 2) {
                        return arity(out, "exists");
                    }
                    int found = 0;
                    for (int i = 1; i < argc; i++) {
                        found += store.exists(key(request, i)) ? 1 : 0;
                    }
                    out.integer(found);
                    return true;
                }
                if (request.argIs(0, CONFIG)) {
                    if (argc >= 2 && request.argIs(1, GET)) {
                        if (argc < 3) {
                            return arity(out, "config|get");
                        }
                        // no configuration is exposed: every pattern matches nothing
                        out.arrayHeader(0);
                    } else if (argc < 2) {
                        return arity(out, "config");
                    } else {
                        out.error("ERR unknown subcommand '" + quoted(request, 1)
                                + "'. Only CONFIG GET is supported (answered with an empty array).");
                    }
                    return true;
                }
                break;
            case 7:
                if (request.argIs(0, COMMAND)) {
                    // redis-cli asks for the command table at start-up; it copes with none
                    out.arrayHeader(0);
                    return true;
                }
                break;
            default:
                break;
        }
        unknown(request, out);
        return true;
    }

    /**
     * A copy of argument {@code i}, made on Weft's blocking threads when it is large: copying a value
     * of hundreds of megabytes on the hub would hold up its other connections for as long.
     */
    @Suspendable
    private static byte[] value(RespParser request, int i) {
        if (request.argLength(i) < RespParser.COPY_PIECE) {
            return request.argBytes(i);
        }
        // this greenlet waits meanwhile, so nothing else touches the parser's buffer
        return Hub.blocking(() -> request.argBytes(i));
    }

    private static RespStore.Key key(RespParser request, int i) {
        return RespStore.Key.of(request.buffer(), request.argStart(i), request.argLength(i));
    }

    private static void bulkArgument(RespParser request, int i, RespOutput out) {
        out.bulk(request.buffer(), request.argStart(i), request.argLength(i));
    }

    /** Appends Redis's error for a wrong number of arguments; true: the connection stays open. */
    private static boolean arity(RespOutput out, String command) {
        out.error("ERR wrong number of arguments for '" + command + "' command");
        return true;
    }

    /** Redis's reply to an unknown command, naming it and the start of its arguments. */
    private static void unknown(RespParser request, RespOutput out) {
        StringBuilder message = new StringBuilder("ERR unknown command '").append(quoted(request, 0))
                .append("', with args beginning with: ");
        for (int i = 1; i < request.argCount() && message.length() < 512; i++) {
            message.append('\'').append(quoted(request, i)).append("' ");
        }
        out.error(message.toString());
    }

    /** Argument {@code i}, at most 128 bytes of it, as text for an error message. */
    private static String quoted(RespParser request, int i) {
        ByteBuffer buffer = request.buffer();
        int length = Math.min(request.argLength(i), QUOTED);
        byte[] bytes = new byte[length];
        buffer.get(request.argStart(i), bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
