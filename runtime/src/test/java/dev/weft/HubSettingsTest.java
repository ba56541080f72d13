package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The hub's system properties: {@code weft.monitor.millis}, {@code weft.blocking.threads} and {@code weft.hub.spinMicros}. */
class HubSettingsTest {
    @Test
    void monitorMillisIsANumberOfAtLeastZero() {
        assertEquals(100, Monitor.thresholdMillis("100"));
        assertEquals(0, Monitor.thresholdMillis(" 0 "));
        for (String bad : new String[] {"-1", "fast", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Monitor.thresholdMillis(bad));
            assertTrue(e.getMessage().contains("weft.monitor.millis") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
    }

    @Test
    void blockingThreadsIsANumberOfAtLeastOne() {
        assertEquals(16, BlockingCall.threads("16"));
        assertEquals(1, BlockingCall.threads("1"));
        for (String bad : new String[] {"0", "-3", "many"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockingCall.threads(bad));
            assertTrue(e.getMessage().contains("weft.blocking.threads") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
    }

    @Test
    void spinMicrosIsANumberOfAtLeastZero() {
        assertEquals(20_000, Hub.spinNanos("20"));
        assertEquals(0, Hub.spinNanos(" 0 "));
        for (String bad : new String[] {"-1", "long", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Hub.spinNanos(bad));
            assertTrue(e.getMessage().contains("weft.hub.spinMicros") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
    }
}
