package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.examples.resp.RespLimits;
import org.junit.jupiter.api.Test;

/** {@code ./demo resp}'s command line (the server itself: {@code dev.weft.examples.resp}'s tests). */
class RespTest {
    @Test
    void readsThePortAndTheOptions() {
        Resp.Options o = Resp.Options.parse(new String[] {"7001", "--hubs", "3", "--bind", "0.0.0.0", "--max-bulk", "1024",
            "--maxclients", "50", "--maxmemory", "1000000"});
        assertEquals(new Resp.Options("0.0.0.0", 7001, 3, RespLimits.DEFAULT.withMaxBulkBytes(1024), 50, 1_000_000), o);
        assertEquals(RespLimits.DEFAULT.withMaxBulkBytes(2048),
                Resp.Options.parse(new String[] {"1", "--proto-max-bulk-len", "2048"}).limits());
        assertEquals(Runtime.getRuntime().maxMemory() / 100 * 50,
                Resp.Options.parse(new String[] {"1", "--maxmemory", "50%"}).maxMemory());
        Resp.Options defaults = Resp.Options.parse(new String[] {"0"});
        assertEquals("127.0.0.1", defaults.host());
        assertEquals(Resp.defaultHubs(Runtime.getRuntime().availableProcessors()), defaults.hubs());
        assertEquals(RespLimits.DEFAULT, defaults.limits());
        assertEquals(Runtime.getRuntime().maxMemory() / 100 * 90, defaults.maxMemory());
    }

    @Test
    void maxClientsIsRedisTenThousandOrWhatTheDescriptorLimitLeaves() {
        assertEquals(10_000, Resp.defaultMaxClients(-1));
        assertEquals(10_000, Resp.defaultMaxClients(1_048_576));
        assertEquals(960, Resp.defaultMaxClients(1024));
        assertEquals(1, Resp.defaultMaxClients(10));
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
        assertEquals("--maxmemory must be a number of bytes or a percentage such as 90%, but was '1g'",
                refused("1", "--maxmemory", "1g"));
        assertEquals("--maxclients must be between 1 and 1000000, but was 0", refused("1", "--maxclients", "0"));
    }
}
