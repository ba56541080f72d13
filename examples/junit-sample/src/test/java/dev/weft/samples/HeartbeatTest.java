package dev.weft.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.junit.WeftTest;
import dev.weft.sync.Queue;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Heartbeat, on virtual time; the beating greenlet must be killed, or the test would fail for leaving it running. */
@WeftTest(virtualTime = true)
class HeartbeatTest {
    @Test
    @Suspendable
    void beatsOncePerPeriod(Hub hub) {
        Queue<Integer> beats = new Queue<>();
        long start = hub.nanoTime();
        SpawnedGreenlet<Void> heart = Heartbeat.start(Duration.ofSeconds(30), beats);
        for (int n = 1; n <= 3; n++) {
            assertEquals(n, beats.get());
            assertEquals(Duration.ofSeconds(30L * n), Duration.ofNanos(hub.nanoTime() - start));
        }
        heart.kill();
    }

    @Test
    @Suspendable
    void noBeatBeforeThePeriodHasPassed() {
        Queue<Integer> beats = new Queue<>();
        SpawnedGreenlet<Void> heart = Heartbeat.start(Duration.ofHours(1), beats);
        assertNull(beats.get(Duration.ofMinutes(59)));
        assertEquals(1, beats.get(Duration.ofMinutes(2)));
        heart.kill();
    }

    @Test
    void theTestJvmHasNoAgentFlag() {
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            assertFalse(arg.startsWith("-javaagent"), "the sample's tests must not need -javaagent, but ran with " + arg);
        }
        assertEquals("installed", System.getProperty("weft.agent"), "@WeftTest attached the agent by itself");
    }
}
