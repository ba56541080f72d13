package dev.weft.examples.resp;

import static dev.weft.examples.resp.Conversation.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The commands and the connection's protocol behaviour, over a session without a socket. */
class RespSessionTest {
    private final Conversation c = new Conversation();

    @Test
    void pingAndEcho() {
        assertEquals("+PONG\r\n", c.send("PING\r\n"));
        assertEquals("+PONG\r\n", c.send(request("ping")));
        assertEquals("$5\r\nhello\r\n", c.send(request("PING", "hello")));
        assertEquals("$7\r\nA\r\nB\0 C\r\n", c.send(request("ECHO", "A\r\nB\0 C")));
        assertEquals("$0\r\n\r\n", c.send(request("echo", "")));
        assertEquals("-ERR wrong number of arguments for 'echo' command\r\n", c.send("ECHO\r\n"));
        assertEquals("-ERR wrong number of arguments for 'ping' command\r\n", c.send("PING a b\r\n"));
        assertFalse(c.closed());
    }

    @Test
    void setGetDelExists() {
        assertEquals("$-1\r\n", c.send(request("GET", "k")));
        assertEquals("+OK\r\n", c.send(request("SET", "k", "v\r\n1")));
        assertEquals("$4\r\nv\r\n1\r\n", c.send(request("GET", "k")));
        assertEquals("+OK\r\n", c.send("set k2 22\r\n"));
        assertEquals(":3\r\n", c.send(request("EXISTS", "k", "k2", "nope", "k")));
        assertEquals(":0\r\n", c.send(request("EXISTS", "nope")));
        assertEquals(":2\r\n", c.send(request("DEL", "k", "nope", "k2")));
        assertEquals(":0\r\n", c.send(request("DEL", "k")));
        assertEquals("$-1\r\n", c.send("GET k\r\n"));
        assertEquals("-ERR syntax error\r\n", c.send(request("SET", "k", "v", "NX")));
        assertEquals("-ERR wrong number of arguments for 'set' command\r\n", c.send(request("SET", "k")));
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", c.send(request("GET")));
        assertEquals("-ERR wrong number of arguments for 'del' command\r\n", c.send(request("DEL")));
        assertEquals("-ERR wrong number of arguments for 'exists' command\r\n", c.send(request("EXISTS")));
    }

    @Test
    void keysAndValuesAreBinarySafe() {
        String key = "\0\u00ff\r\n key";
        assertEquals("+OK\r\n", c.send(request("SET", key, "\u0080\0")));
        assertEquals("$2\r\n\u0080\0\r\n", c.send(request("GET", key)));
        assertEquals("$-1\r\n", c.send(request("GET", "\0\u00ff\r\n kez")));
    }

    @Test
    void incrCountsFromZeroAndRefusesWhatIsNotAnInteger() {
        assertEquals(":1\r\n", c.send(request("INCR", "n")));
        assertEquals(":2\r\n", c.send(request("incr", "n")));
        assertEquals("$1\r\n2\r\n", c.send(request("GET", "n")));
        c.send(request("SET", "neg", "-10"));
        assertEquals(":-9\r\n", c.send(request("INCR", "neg")));
        c.send(request("SET", "m", "9223372036854775806"));
        assertEquals(":9223372036854775807\r\n", c.send(request("INCR", "m")));
        assertEquals("-ERR increment or decrement would overflow\r\n", c.send(request("INCR", "m")));
        c.send(request("SET", "min", "-9223372036854775808"));
        assertEquals(":-9223372036854775807\r\n", c.send(request("INCR", "min")));
        for (String bad : new String[] {"abc", "", " 1", "1 ", "+1", "01", "-0", "-", "1.5",
                "9223372036854775808", "-9223372036854775809", "99999999999999999999"}) {
            c.send(request("SET", "s", bad));
            assertEquals("-ERR value is not an integer or out of range\r\n", c.send(request("INCR", "s")), bad);
            assertEquals("$" + bad.length() + "\r\n" + bad + "\r\n", c.send(request("GET", "s")), "unchanged");
        }
        assertEquals("-ERR wrong number of arguments for 'incr' command\r\n", c.send(request("INCR")));
    }

    @Test
    void configGetAndCommandAnswerEmptyArrays() {
        assertEquals("*0\r\n", c.send(request("CONFIG", "GET", "save")));
        assertEquals("*0\r\n", c.send(request("config", "get", "appendonly", "save")));
        assertEquals("*0\r\n", c.send(request("COMMAND")));
        assertEquals("*0\r\n", c.send(request("COMMAND", "DOCS")));
        assertEquals("-ERR wrong number of arguments for 'config|get' command\r\n", c.send(request("CONFIG", "GET")));
        assertTrue(c.send(request("CONFIG", "SET", "save", "")).startsWith("-ERR unknown subcommand 'SET'."));
    }

    @Test
    void unknownCommandsAreNamedInTheError() {
        assertEquals("-ERR unknown command 'FLUSHALL', with args beginning with: \r\n", c.send("FLUSHALL\r\n"));
        assertEquals("-ERR unknown command 'foo', with args beginning with: 'a' 'b c' \r\n",
                c.send(request("foo", "a", "b c")));
        // CR and LF in a quoted name cannot break the reply line
        assertEquals("-ERR unknown command 'x  y', with args beginning with: \r\n", c.send(request("x\r\ny")));
        String reply = c.send(request("z".repeat(1000)));
        assertTrue(reply.startsWith("-ERR unknown command '" + "z".repeat(128) + "',"), reply);
        assertFalse(c.closed());
    }

    @Test
    void quitRepliesOkAndCloses() {
        assertEquals("+PONG\r\n+OK\r\n", c.send("PING\r\nQUIT\r\nPING\r\n"));
        assertTrue(c.closed());
    }

    @Test
    void aPipelineIsAnsweredInOrderInOneWrite() {
        StringBuilder pipeline = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            pipeline.append(request("SET", "k" + i, "v" + i)).append(request("GET", "k" + i)).append("INCR n\r\n");
            expected.append("+OK\r\n$").append(("v" + i).length()).append("\r\nv").append(i).append("\r\n:")
                    .append(i + 1).append("\r\n");
        }
        assertEquals(expected.toString(), c.send(pipeline.toString()));
        assertEquals(1, c.writes());
    }

    @Test
    void protocolGarbageGetsAnErrorAfterTheRepliesBeforeItAndClosesTheConnection() {
        assertEquals("+PONG\r\n-ERR Protocol error: expected '$', got 'x'\r\n", c.send("PING\r\n*1\r\nxyz\r\nPING\r\n"));
        assertTrue(c.closed());
        assertEquals("", c.send("PING\r\n"), "nothing is read after the error");
    }

    @Test
    void anOversizedBulkGetsAnErrorAndClosesTheConnection() {
        assertEquals("-ERR Protocol error: invalid bulk length\r\n", c.send("*2\r\n$3\r\nGET\r\n$536870913\r\n"));
        assertTrue(c.closed());

        Conversation small = new Conversation(new RespStore(), RespLimits.DEFAULT.withMaxBulkBytes(1024));
        assertEquals("+OK\r\n", small.send(request("SET", "k", "v".repeat(1024))));
        assertEquals("-ERR Protocol error: invalid bulk length\r\n", small.send(request("SET", "k", "v".repeat(1025))));
        assertTrue(small.closed());
    }

    @Test
    void overMaxMemoryWritesAreRefusedWithOomAndReadsStillWork() {
        RespStore store = new RespStore();
        Conversation free = new Conversation(store, RespLimits.DEFAULT);
        assertEquals("+OK\r\n", free.send(request("SET", "k", "v")));
        // a limit of one byte: the heap in use is always over it
        RespStore full = new RespStore(1);
        Conversation c = new Conversation(full, RespLimits.DEFAULT);
        String oom = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
        assertEquals(oom, c.send(request("SET", "k", "v")));
        assertEquals(oom, c.send(request("INCR", "n")));
        assertEquals("$-1\r\n+PONG\r\n:0\r\n", c.send(request("GET", "k") + request("PING") + request("DEL", "k")));
        assertFalse(c.closed());
        // a request that could not even be received under the limit: refused before its bytes are held
        byte[] big = new byte[4 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + big.length + "\r\n");
        c.send(big);
        assertTrue(c.closed());
        assertTrue(c.session.inbox().capacity() <= 2 * 1024 * 1024, "inbox of " + c.session.inbox().capacity());
    }

    @Test
    void anAnnouncedBulkCostsOnlyTheBytesThatArrive() {
        c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\n");
        c.send("x".repeat(100_000));
        assertFalse(c.closed());
        assertTrue(c.session.inbox().capacity() < 512 * 1024,
                "inbox of " + c.session.inbox().capacity() + " bytes for 100 000 received");
    }

    @Test
    void aLargeValueArrivingInPiecesIsStoredAndTheBuffersShrinkAfterwards() {
        byte[] value = new byte[3 * 1024 * 1024];
        Arrays.fill(value, (byte) 'v');
        value[0] = '\r';
        value[value.length - 1] = '\n';
        String big = new String(value, StandardCharsets.ISO_8859_1);
        assertEquals("+OK\r\n", c.send(request("SET", "big", big)));
        assertEquals(8 * 1024, c.session.inbox().capacity(), "the inbox is back to its first size");
        String reply = c.send(request("GET", "big") + "PING\r\n");
        assertEquals("$" + value.length + "\r\n" + big + "\r\n+PONG\r\n", reply);
    }

    @Test
    void largeRepliesAreWrittenInPiecesInsteadOfBufferedWhole() {
        String value = "v".repeat(10_000);
        c.send(request("SET", "k", value));
        String get = request("GET", "k");
        int before = c.writes();
        String replies = c.send(get.repeat(100));
        assertEquals(("$10000\r\n" + value + "\r\n").repeat(100), replies);
        // about 1 MB of replies leaves in writes of about 64 KB, not in one
        assertTrue(c.writes() - before >= 10, (c.writes() - before) + " writes");
    }
}
