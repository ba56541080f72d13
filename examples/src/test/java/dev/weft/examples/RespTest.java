package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.examples.resp.RespLimits;
import org.junit.jupiter.api.Test;

/** {@code ./demo resp}'s command line (the server itself: {@code dev.weft.examples.resp}'s tests). */
class RespTest {
    @Test
    void readsThePortAndTheOptions() {
        Resp.Options o = Resp.Options.parse(new String[] {"7001", "--hubs", "3", "--bind", "0.0.0.0", "--max-bulk", "1024"});
        assertEquals(new Resp.Options("0.0.0.0", 7001, 3, RespLimits.DEFAULT.withMaxBulkBytes(1024)), o);
        Resp.Options defaults = Resp.Options.parse(new String[] {"0"});
        assertEquals("127.0.0.1", defaults.host());
        assertEquals(Resp.defaultHubs(Runtime.getRuntime().availableProcessors()), defaults.hubs());
        assertEquals(RespLimits.DEFAULT, defaults.limits());
    }

    @Test
    void leavesAQuarterOfTheCoresToTheClientsByDefault() {
        assertEquals(1, Resp.defaultHubs(1));
        assertEquals(1, Resp.defaultHubs(2));
        assertEquals(2, Resp.defaultHubs(3));
        assertEquals(3, Resp.defaultHubs(4));
        assertEquals(6, Resp.defaultHubs(8));
        assertEquals(48, Resp.defaultHubs(64));
    }

    private static String refused(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> Resp.Options.parse(args)).getMessage();
    }

    @Test
    void refusesABadCommandLineSayingWhatIsWrong() {
        assertEquals("PORT is missing", refused());
        assertEquals("PORT is missing", refused("--hubs", "2"));
        assertEquals("PORT must be a number, but was 'x'", refused("x"));
        assertEquals("PORT must be between 0 and 65535, but was 70000", refused("70000"));
        assertEquals("--hubs must be between 1 and 1024, but was 0", refused("1", "--hubs", "0"));
        assertEquals("--hubs needs a value", refused("1", "--hubs"));
        assertEquals("unexpected argument '2'", refused("1", "2"));
        assertEquals("unexpected argument '--verbose'", refused("1", "--verbose"));
        assertEquals("--max-bulk must be between 0 and 536870912, but was 536870913",
                refused("1", "--max-bulk", "536870913"));
    }
}
