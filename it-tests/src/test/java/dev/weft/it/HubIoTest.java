package dev.weft.it;

import static dev.weft.it.HubThreadsTest.onOwnThread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.AsyncResult;
import dev.weft.sync.Event;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub's NIO selector: a greenlet waiting for a channel suspends alone, readiness and submits wake
 * the hub, timeouts and cancelled waits (the hooks {@code dev.weft.net} builds on).
 */
class HubIoTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    @Timeout(30)
    void aGreenletReadingAPipeSuspendsUntilAnotherThreadWritesAndOthersRunMeanwhile() throws Throwable {
        onOwnThread(() -> {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            AtomicInteger ticks = new AtomicInteger();
            boolean[] readerDone = {false};
            SpawnedGreenlet<String> reader = Hub.spawn(() -> {
                ByteBuffer buf = ByteBuffer.allocate(64);
                while (buf.position() < 5) {
                    if (pipe.source().read(buf) == 0) {
                        log.add("waits");
                        log.add(Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), SelectionKey.OP_READ, null));
                    }
                }
                readerDone[0] = true;
                return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
            });
            SpawnedGreenlet<?> ticker = Hub.spawn(() -> {
                while (!readerDone[0]) {
                    ticks.incrementAndGet();
                    Hub.sleep(1);
                }
            });
            Thread writer = new Thread(() -> {
                // the reader is waiting by the time the ticker has ticked: write only then
                while (ticks.get() < 5) {
                    Thread.onSpinWait();
                }
                try {
                    pipe.sink().write(ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            writer.start();
            assertEquals("hello", reader.get());
            ticker.join();
            writer.join();
            assertEquals(List.of("waits", true), log);
            assertTrue(ticks.get() >= 5, "other greenlets ran while the reader waited: " + ticks);
            pipe.sink().close();
            pipe.source().close();
        });
    }

    @Test
    @Timeout(30)
    void readinessAloneWakesAHubWaitingInItsSelectorAndSoDoesASubmit() throws Throwable {
        onOwnThread(() -> {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            CountDownLatch waiting = new CountDownLatch(1);
            // no timers and nothing else to run: only the pipe can end this wait
            SpawnedGreenlet<Boolean> reader = Hub.spawn(() -> {
                waiting.countDown();
                return Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), SelectionKey.OP_READ, null);
            });
            Thread writer = new Thread(() -> {
                try {
                    waiting.await();
                    pipe.sink().write(ByteBuffer.wrap(new byte[] {42}));
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            writer.start();
            assertTrue(reader.get());
            writer.join();
            // the selector exists now: a submit must wake the hub waiting in it
            Event event = new Event();
            Hub.KeepAlive promise = Hub.current().keepAlive();
            Thread submitter = new Thread(() -> {
                promise.submit(event::set);
                promise.close();
            });
            submitter.start();
            event.await();
            submitter.join();
            pipe.sink().close();
            pipe.source().close();
        });
    }

    @Test
    void aWaitForAChannelTimesOutOrIsCancelledAndABlockingChannelIsRefused() throws Throwable {
        onOwnThread(() -> {
            Pipe pipe = Pipe.open();
            IllegalArgumentException blocking = assertThrows(IllegalArgumentException.class,
                    () -> Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), SelectionKey.OP_READ, null));
            assertTrue(blocking.getMessage().contains("configureBlocking(false)"), blocking.getMessage());
            pipe.source().configureBlocking(false);
            IllegalArgumentException ops = assertThrows(IllegalArgumentException.class,
                    () -> Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), SelectionKey.OP_WRITE, null));
            assertTrue(ops.getMessage().contains("not valid"), ops.getMessage());
            assertEquals(false, Hub.Waiter.forCurrent("read")
                    .parkUntilReady(pipe.source(), SelectionKey.OP_READ, Duration.ofMillis(5)));
            SpawnedGreenlet<Object> reader = Hub.spawn(() -> Hub.Waiter.forCurrent("read")
                    .parkUntilReady(pipe.source(), SelectionKey.OP_READ, null));
            SpawnedGreenlet<?> closer = Hub.spawn(() -> {
                Hub.sleep(1);
                Hub.Waiter.cancelChannelWaits(pipe.source());
                pipe.source().close();
            });
            reader.join();
            assertTrue(reader.exception() instanceof AsynchronousCloseException, String.valueOf(reader.exception()));
            closer.join();
            // nothing waits for a channel any more: a wait that nothing can end fails again
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AsyncResult<>().get());
            assertTrue(e.getMessage().contains("nothing ready to run and no timers"), e.getMessage());
            pipe.sink().close();
        });
    }
}
