package dev.weft.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RespParserTest {
    private static final String PIPELINE = Conversation.request("SET", "key", "a value\r\nwith CRLF")
            + "GET key\r\n"
            + "*0\r\n"
            + Conversation.request("ECHO", "")
            + "\r\n"
            + "  PING\t hello   \n"
            + "*-1\r\n"
            + Conversation.request("DEL", "key", "other", "third")
            + Conversation.request("x".repeat(300));

    private static final List<List<String>> PIPELINE_ARGS = List.of(
            List.of("SET", "key", "a value\r\nwith CRLF"),
            List.of("GET", "key"),
            List.of("ECHO", ""),
            List.of("PING", "hello"),
            List.of("DEL", "key", "other", "third"),
            List.of("x".repeat(300)));

    private static ByteBuffer buffer(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static List<String> args(RespParser p) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < p.argCount(); i++) {
            args.add(new String(p.argBytes(i), StandardCharsets.ISO_8859_1));
        }
        return args;
    }

    /** Parses all of the buffer at once: every complete request's arguments. */
    private static List<List<String>> parseAll(RespParser p, ByteBuffer in) throws RespProtocolException {
        List<List<String>> requests = new ArrayList<>();
        while (p.next(in)) {
            requests.add(args(p));
        }
        return requests;
    }

    /**
     * Parses the bytes arriving in pieces ending at the given cut points, keeping the unparsed
     * bytes at the start of a buffer between pieces as a connection does (compacting).
     */
    private static List<List<String>> parseInPieces(byte[] bytes, int[] cuts) throws RespProtocolException {
        RespParser p = new RespParser(RespLimits.DEFAULT);
        ByteBuffer in = ByteBuffer.allocate(bytes.length);
        List<List<String>> requests = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : bytes.length;
            in.put(bytes, from, to - from);
            from = to;
            in.flip();
            requests.addAll(parseAll(p, in));
            in.compact();
        }
        assertEquals(0, in.position(), "bytes left over after the whole pipeline");
        assertFalse(p.pending());
        return requests;
    }

    @Test
    void parsesAPipelineOfArraysAndInlineRequestsSkippingEmptyOnes() throws Exception {
        RespParser p = new RespParser(RespLimits.DEFAULT);
        ByteBuffer in = buffer(PIPELINE);
        assertEquals(PIPELINE_ARGS, parseAll(p, in));
        assertEquals(in.limit(), in.position());
    }

    @Test
    void aPipelineSplitAtAnyOnePointParsesIdentically() throws Exception {
        byte[] bytes = PIPELINE.getBytes(StandardCharsets.ISO_8859_1);
        for (int cut = 0; cut <= bytes.length; cut++) {
            assertEquals(PIPELINE_ARGS, parseInPieces(bytes, new int[] {cut}), "split at " + cut);
        }
    }

    @Test
    void aPipelineArrivingByteByByteOrInRandomPiecesParsesIdentically() throws Exception {
        byte[] bytes = PIPELINE.getBytes(StandardCharsets.ISO_8859_1);
        int[] everyByte = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            everyByte[i] = i;
        }
        assertEquals(PIPELINE_ARGS, parseInPieces(bytes, everyByte));
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            int[] cuts = random.ints(random.nextInt(12), 0, bytes.length + 1).sorted().toArray();
            assertEquals(PIPELINE_ARGS, parseInPieces(bytes, cuts), "cuts " + java.util.Arrays.toString(cuts));
        }
    }

    @Test
    void anIncompleteRequestLeavesThePositionAtItsStart() throws Exception {
        RespParser p = new RespParser(RespLimits.DEFAULT);
        ByteBuffer in = buffer("PING\r\n*2\r\n$3\r\nGET\r\n$3\r\nke");
        assertTrue(p.next(in));
        assertEquals(List.of("PING"), args(p));
        assertFalse(p.next(in));
        assertEquals(6, in.position());
        assertTrue(p.pending());
        // "*2\r\n$3\r\nGET\r\n$3\r\n" is 17 bytes, then the bulk of 3 and its CRLF: 22 bytes
        assertEquals(22, p.bytesNeeded());
    }

    @Test
    void argumentsAreMatchedIgnoringAsciiCase() throws Exception {
        RespParser p = new RespParser(RespLimits.DEFAULT);
        assertTrue(p.next(buffer("gEt k\r\n")));
        assertTrue(p.argIs(0, "GET".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(p.argIs(0, "SET".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(p.argIs(1, "KK".getBytes(StandardCharsets.US_ASCII)));
    }

    private static String error(RespLimits limits, String input) {
        RespParser p = new RespParser(limits);
        ByteBuffer in = buffer(input);
        RespProtocolException e = assertThrows(RespProtocolException.class, () -> {
            while (p.next(in)) {
                // the valid requests before the error
            }
        }, input);
        return e.getMessage();
    }

    private static String error(String input) {
        return error(RespLimits.DEFAULT, input);
    }

    @Test
    void brokenLengthsAreProtocolErrorsWithRedisMessages() {
        assertEquals("invalid multibulk length", error("*x\r\n"));
        assertEquals("invalid multibulk length", error("*\r\n"));
        assertEquals("invalid multibulk length", error("*01\r\n"));
        assertEquals("invalid multibulk length", error("*1 \r\n"));
        assertEquals("invalid bulk length", error("*1\r\n$-1\r\n"));
        assertEquals("invalid bulk length", error("*1\r\n$\r\n"));
        assertEquals("invalid bulk length", error("*1\r\n$+3\r\nabc\r\n"));
        assertEquals("invalid bulk length", error("*1\r\n$03\r\nabc\r\n"));
        assertEquals("expected '$', got ':'", error("*1\r\n:3\r\n"));
        assertEquals("expected '$', got '\\x00'", error("*1\r\n\0"));
        assertEquals("expected CRLF after a bulk string of 3 bytes", error("*1\r\n$3\r\nabcd\r\n"));
        assertEquals("expected LF after CR, got 'x'", error("*1\rx"));
        assertEquals("too big mbulk count string", error("*" + "1".repeat(40)));
        assertEquals("too big bulk count string", error("*1\r\n$" + "1".repeat(40)));
    }

    @Test
    void anErrorComesAfterTheValidRequestsBeforeIt() throws Exception {
        RespParser p = new RespParser(RespLimits.DEFAULT);
        ByteBuffer in = buffer("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n?");
        assertTrue(p.next(in));
        assertTrue(p.next(in));
        assertThrows(RespProtocolException.class, () -> p.next(in));
    }

    @Test
    void bulkStringsAreLimitedTo512MegabytesOrLess() throws Exception {
        assertEquals("invalid bulk length", error("*1\r\n$536870913\r\n"));
        RespParser p = new RespParser(RespLimits.DEFAULT);
        assertFalse(p.next(buffer("*1\r\n$536870912\r\n")), "512 MB is allowed and awaits its bytes");
        assertEquals(536870912L + 16 + 2, p.bytesNeeded());

        RespLimits small = RespLimits.DEFAULT.withMaxBulkBytes(10);
        assertEquals("invalid bulk length", error(small, "*1\r\n$11\r\n"));
        assertTrue(new RespParser(small).next(buffer("*1\r\n$10\r\n0123456789\r\n")));
    }

    @Test
    void argumentsAreLimitedInNumber() throws Exception {
        assertEquals("invalid multibulk length", error("*1048577\r\n"));
        assertFalse(new RespParser(RespLimits.DEFAULT).next(buffer("*1048576\r\n")));
        RespLimits three = RespLimits.DEFAULT.withMaxArguments(3);
        assertEquals("invalid multibulk length", error(three, "*4\r\n"));
        assertEquals("too many arguments in a request (more than 3)", error(three, "a b c d\r\n"));
        assertTrue(new RespParser(three).next(buffer("a b c\r\n")));
    }

    @Test
    void inlineRequestsAreLimitedTo64Kilobytes() throws Exception {
        String almost = "x".repeat(64 * 1024 - 2);
        assertTrue(new RespParser(RespLimits.DEFAULT).next(buffer(almost + "\r\n")));
        assertEquals("too big inline request", error("x".repeat(64 * 1024 + 1)));
        assertEquals("too big inline request", error("x".repeat(64 * 1024 + 1) + "\n"));
    }

    @Test
    void parsingAPipelineAllocatesNothing() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] one = (Conversation.request("SET", "key:000042", "xxx") + Conversation.request("GET", "key:000042")
                + "PING\r\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer in = ByteBuffer.allocate(one.length * 1000);
        for (int i = 0; i < 1000; i++) {
            in.put(one);
        }
        RespParser p = new RespParser(RespLimits.DEFAULT);
        int parsed = 0;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int round = 0; round < 100; round++) {
            in.position(0);
            while (p.next(in)) {
                parsed += p.argCount();
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(100 * 1000 * (3 + 2 + 1), parsed);
        // 300 000 requests: a single allocation per request would be over 4 MB
        assertTrue(allocated < 64 * 1024, allocated + " bytes allocated while parsing 300 000 requests");
    }
}
