package dev.weft.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RespOutputTest {
    private static String text(RespOutput out) {
        ByteBuffer b = out.flip();
        String s = new String(b.array(), b.position(), b.remaining(), StandardCharsets.ISO_8859_1);
        out.clear();
        return s;
    }

    @Test
    void encodesEveryReplyType() {
        RespOutput out = new RespOutput(64);
        out.simpleString("OK");
        out.error("ERR bad\r\nthing");
        out.integer(0);
        out.integer(-42);
        out.integer(Long.MAX_VALUE);
        out.integer(Long.MIN_VALUE);
        out.nullBulk();
        out.arrayHeader(2);
        out.bulk("a\r\nb".getBytes(StandardCharsets.ISO_8859_1));
        out.bulk(ByteBuffer.wrap("xxhelloxx".getBytes(StandardCharsets.ISO_8859_1)), 2, 5);
        out.arrayHeader(0);
        assertEquals("+OK\r\n-ERR bad  thing\r\n:0\r\n:-42\r\n:9223372036854775807\r\n:-9223372036854775808\r\n"
                + "$-1\r\n*2\r\n$4\r\na\r\nb\r\n$5\r\nhello\r\n*0\r\n", text(out));
    }

    @Test
    void growsForLargeRepliesAndShrinksWhenCleared() {
        RespOutput out = new RespOutput(64);
        out.bulk(new byte[10_000]);
        assertEquals("$10000\r\n".length() + 10_000 + 2, out.size());
        assertEquals(10_010, text(out).length());
        assertEquals(64, out.flip().capacity());
    }

    @Test
    void aSimpleStringWithALineBreakIsRefused() {
        RespOutput out = new RespOutput(64);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> out.simpleString("a\nb"));
        assertEquals("a simple string must not contain CR or LF, but was: a\nb", e.getMessage());
    }

    @Test
    void errorsAreCutSoThatTheyStayOneLine() {
        RespOutput out = new RespOutput(64);
        out.error("E" + "x".repeat(5000));
        assertEquals(1 + 1024 + 2, text(out).length());
    }
}
