package dev.weft.examples.resp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random input: garbage and damaged pipelines never make the parser or a session throw anything but
 * a protocol error, and a session answers the same bytes the same way however they are split.
 */
class RespFuzzTest {
    private static final long SEED = 20261127L;
    /** Small limits, so that random lengths reach them. */
    private static final RespLimits LIMITS = new RespLimits(300, 20, 200);
    private static final String[] WORDS = {"PING", "ECHO", "SET", "GET", "DEL", "EXISTS", "INCR", "CONFIG",
        "COMMAND", "get", "k", "n", "12", "-3", "", "x\r\ny", "QUIT"};

    /** A valid pipeline of random requests, arrays and inline. */
    private static byte[] pipeline(Random random) {
        StringBuilder s = new StringBuilder();
        int requests = 1 + random.nextInt(8);
        for (int r = 0; r < requests; r++) {
            int argc = 1 + random.nextInt(4);
            String[] words = new String[argc];
            for (int i = 0; i < argc; i++) {
                words[i] = WORDS[random.nextInt(WORDS.length)];
            }
            if (random.nextBoolean()) {
                s.append(Conversation.request(words));
            } else {
                s.append(String.join(" ", words).replace("\r\n", "")).append(random.nextBoolean() ? "\r\n" : "\n");
            }
        }
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Damages some bytes: replaced by random or RESP-significant ones, dropped, or doubled. */
    private static byte[] damage(byte[] bytes, Random random) {
        byte[] special = "*$\r\n-0123456789 \0".getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(bytes.length * 2 + 16);
        for (byte b : bytes) {
            int roll = random.nextInt(100);
            if (roll < 2) {
                out.put((byte) random.nextInt(256));
            } else if (roll < 4) {
                out.put(special[random.nextInt(special.length)]);
            } else if (roll < 5) {
                continue;
            } else if (roll < 6) {
                out.put(b).put(b);
            } else {
                out.put(b);
            }
        }
        byte[] damaged = new byte[out.position()];
        out.flip().get(damaged);
        return damaged;
    }

    private static byte[] garbage(Random random) {
        byte[] bytes = new byte[random.nextInt(600)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
            bytes[0] = '*';
        }
        return bytes;
    }

    private static byte[] input(Random random) {
        switch (random.nextInt(3)) {
            case 0:
                return garbage(random);
            case 1:
                return damage(pipeline(random), random);
            default:
                return pipeline(random);
        }
    }

    @Test
    void theParserThrowsNothingButProtocolErrorsOnRandomInput() {
        Random random = new Random(SEED);
        int errors = 0;
        for (int round = 0; round < 20_000; round++) {
            byte[] bytes = input(random);
            RespParser parser = new RespParser(LIMITS);
            ByteBuffer in = ByteBuffer.wrap(bytes);
            try {
                while (parser.next(in)) {
                    assertTrue(parser.argCount() >= 1 && parser.argCount() <= LIMITS.maxArguments());
                    for (int i = 0; i < parser.argCount(); i++) {
                        assertTrue(parser.argStart(i) >= 0 && parser.argStart(i) + parser.argLength(i) <= in.position(),
                                "argument " + i + " lies within the parsed bytes");
                        assertTrue(parser.argLength(i) <= Math.max(LIMITS.maxBulkBytes(), LIMITS.maxInlineBytes()));
                    }
                }
            } catch (RespProtocolException e) {
                errors++;
                assertTrue(e.reply().startsWith("-ERR Protocol error: ") && e.reply().endsWith("\r\n")
                        && e.reply().indexOf('\n') == e.reply().length() - 1, e.reply());
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("round " + round + " with seed " + SEED + ": " + e, e);
            }
        }
        assertTrue(errors > 1000, "the input reached the error paths " + errors + " times");
    }

    @Test
    void aSessionAnswersTheSameBytesTheSameWayHoweverTheyAreSplit() {
        Random random = new Random(SEED + 1);
        int closedByError = 0;
        for (int round = 0; round < 5_000; round++) {
            byte[] bytes = input(random);
            Conversation whole = new Conversation(new RespStore(), LIMITS);
            whole.send(bytes);
            Conversation pieces = new Conversation(new RespStore(), LIMITS);
            int[] cuts = random.ints(random.nextInt(10), 0, bytes.length + 1).sorted().toArray();
            int from = 0;
            for (int cut : cuts) {
                pieces.send(bytes, from, cut);
                from = cut;
            }
            pieces.send(bytes, from, bytes.length);
            String context = "round " + round + " with seed " + (SEED + 1);
            assertArrayEquals(whole.replyBytes(), pieces.replyBytes(), context);
            assertEquals(whole.closed(), pieces.closed(), context);
            String replies = whole.replies();
            if (replies.contains("-ERR Protocol error: ")) {
                closedByError++;
                assertTrue(whole.closed(), context);
                assertTrue(replies.endsWith("\r\n") && replies.lastIndexOf("-ERR Protocol error: ")
                        > replies.lastIndexOf("\r\n", replies.length() - 3), "the error is the last reply: " + context);
            }
        }
        assertTrue(closedByError > 500, closedByError + " conversations ended by a protocol error");
    }
}
