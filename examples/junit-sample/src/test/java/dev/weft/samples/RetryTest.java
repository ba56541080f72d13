package dev.weft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.Hub;
import dev.weft.Suspendable;
import dev.weft.junit.WeftTest;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Retry's backoff, on virtual time: a minute of waiting checked to the nanosecond, in no real time. */
@WeftTest(virtualTime = true)
class RetryTest {
    @Test
    @Suspendable
    void waitsTwiceAsLongAfterEachFailure(Hub hub) throws Exception {
        long start = hub.nanoTime();
        List<Long> callTimes = new ArrayList<>();
        String result = Retry.withBackoff(5, Duration.ofSeconds(10), () -> {
            callTimes.add(Duration.ofNanos(hub.nanoTime() - start).toSeconds());
            if (callTimes.size() < 4) {
                throw new IOException("not yet");
            }
            return "ok";
        });
        assertEquals("ok", result);
        assertEquals(List.of(0L, 10L, 30L, 70L), callTimes);
    }

    @Test
    @Suspendable
    void givesUpWithTheLastFailure(Hub hub) throws Exception {
        long start = hub.nanoTime();
        int[] calls = {0};
        // not assertThrows: its Executable is no @Suspendable interface, so the retry could not sleep in it
        try {
            Retry.withBackoff(3, Duration.ofMinutes(1), () -> {
                calls[0]++;
                throw new IOException("failure " + calls[0]);
            });
            fail("withBackoff should have thrown");
        } catch (IOException last) {
            assertEquals("failure 3", last.getMessage());
        }
        assertEquals(Duration.ofMinutes(3), Duration.ofNanos(hub.nanoTime() - start));
    }

    @Test
    void refusesZeroAttempts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Retry.withBackoff(0, Duration.ZERO, () -> "never called"));
        assertEquals("attempts must be at least 1, but was 0", e.getMessage());
    }
}
