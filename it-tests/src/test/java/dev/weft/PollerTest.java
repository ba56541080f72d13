package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.net.TcpListener;
import dev.weft.net.TcpSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The poller's interest sets, kept after a wait and dropped lazily: what they save (no change between
 * waits) and what they must not cost (a hub that spins on a channel nobody waits for). In package
 * {@code dev.weft} to read the poller's select count and keys.
 */
@Timeout(60)
class PollerTest {
    private static final int READ = SelectionKey.OP_READ;

    @Test
    void aWaitLeavesItsInterestAndAReadyChannelNobodyWaitsForDoesNotMakeTheHubSpin() throws Throwable {
        onHub(() -> {
            Poller poller = Hub.current().poller();
            Pipe pipe = Pipe.open();
            try {
                pipe.source().configureBlocking(false);
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                assertTrue(Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), READ, null));
                SelectionKey key = pipe.source().keyFor(poller.selector);
                assertEquals(READ, key.interestOps(), "the interest outlives the wait, so the next one changes nothing");
                // the byte stays unread and nobody waits: the selector reports it until the interest goes
                long before = poller.selects;
                Hub.sleep(20);
                long selects = poller.selects - before;
                assertTrue(selects <= 5, "the hub selected " + selects + " times in 20 ms: it spins on a ready "
                        + "channel nobody waits for");
                assertEquals(0, key.interestOps(), "the interest nobody used is dropped");
                // a new wait puts it back, and is woken as before
                assertTrue(Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), READ, null));
                assertEquals(READ, key.interestOps());
                assertFalse(poller.hasWaits());
            } finally {
                close(pipe);
            }
            return null;
        });
    }

    @Test
    void aGreenletWokenByReadinessRunsBeforeTheSelectorLooksAtItsChannelAgain() throws Throwable {
        onHub(() -> {
            Poller poller = Hub.current().poller();
            Pipe pipe = Pipe.open();
            Pipe other = Pipe.open();
            try {
                pipe.source().configureBlocking(false);
                other.source().configureBlocking(false);
                // a second waiter keeps the hub looking at its selector at the start of every pass
                SpawnedGreenlet<Boolean> idle = waitingOn(other);
                ByteBuffer buf = ByteBuffer.allocate(8);
                for (int turn = 0; turn < 3; turn++) {
                    pipe.sink().write(ByteBuffer.wrap(new byte[] {(byte) turn}));
                    long before = poller.selects;
                    assertTrue(Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), READ, null));
                    // the select that woke this greenlet, and none after it: the channel, still ready,
                    // would only be reported again
                    assertEquals(1, poller.selects - before, "turn " + turn);
                    buf.clear();
                    assertEquals(1, pipe.source().read(buf));
                }
                Hub.Waiter.cancelChannelWaits(other.source());
                idle.join();
                assertTrue(idle.exception() instanceof AsynchronousCloseException, String.valueOf(idle.exception()));
            } finally {
                close(pipe);
                close(other);
            }
            return null;
        });
    }

    @Test
    void aSelectBetweenAWakeAndTheWokenGreenletsRunKeepsTheInterest() throws Throwable {
        onHub(() -> {
            Poller poller = Hub.current().poller();
            Pipe pipe = Pipe.open();
            List<Pipe> others = new ArrayList<>();
            try {
                pipe.source().configureBlocking(false);
                ByteBuffer buf = ByteBuffer.allocate(8);
                for (int turn = 0; turn < 3; turn++) {
                    Pipe other = Pipe.open();
                    others.add(other);
                    other.source().configureBlocking(false);
                    SpawnedGreenlet<Boolean> idle = Hub.spawn(() ->
                            Hub.Waiter.forCurrent("idle").parkUntilReady(other.source(), READ, null));
                    Hub.sleep(0);
                    pipe.sink().write(ByteBuffer.wrap(new byte[] {(byte) turn}));
                    // runs after the select that wakes this greenlet and before it: its cancel looks at
                    // the selector again, which finds this greenlet's channel ready with nobody waiting
                    Hub.spawn(() -> Hub.Waiter.cancelChannelWaits(other.source()));
                    assertTrue(Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), READ, null));
                    SelectionKey key = pipe.source().keyFor(poller.selector);
                    assertEquals(READ, key.interestOps(), "turn " + turn + ": the reader, woken but not run yet, "
                            + "lost its interest");
                    buf.clear();
                    assertEquals(1, pipe.source().read(buf));
                    idle.join();
                    assertTrue(idle.exception() instanceof AsynchronousCloseException, String.valueOf(idle.exception()));
                }
            } finally {
                close(pipe);
                for (Pipe other : others) {
                    close(other);
                }
            }
            return null;
        });
    }

    @Test
    void severalWaitersForOneOperationAreEachWokenOnceAndOneLeavingFromTheMiddleChangesNothing() throws Throwable {
        onHub(() -> {
            Poller poller = Hub.current().poller();
            Pipe pipe = Pipe.open();
            try {
                pipe.source().configureBlocking(false);
                List<String> log = new ArrayList<>();
                List<SpawnedGreenlet<Boolean>> waiters = new ArrayList<>();
                for (String name : List.of("a", "b", "c")) {
                    // b gives up first: its wait leaves from between a's and c's
                    Duration timeout = name.equals("b") ? Duration.ofMillis(1) : null;
                    waiters.add(Hub.spawn(() -> {
                        boolean ready = Hub.Waiter.forCurrent("read " + name).parkUntilReady(pipe.source(), READ, timeout);
                        log.add(name + (ready ? " ready" : " timed out"));
                        return ready;
                    }));
                }
                assertFalse(waiters.get(1).get());
                assertEquals(List.of("b timed out"), log);
                assertTrue(poller.hasWaits());
                pipe.sink().write(ByteBuffer.wrap(new byte[] {7}));
                assertTrue(waiters.get(0).get());
                assertTrue(waiters.get(2).get());
                assertEquals(List.of("b timed out", "a ready", "c ready"), log);
                assertFalse(poller.hasWaits());
            } finally {
                close(pipe);
            }
            return null;
        });
    }

    @Test
    void closingARegisteredChannelWakesEveryWaiterAndDeregistersItEvenWithNobodyWaiting() throws Throwable {
        onHub(() -> {
            Poller poller = Hub.current().poller();
            Pipe pipe = Pipe.open();
            try {
                pipe.source().configureBlocking(false);
                List<SpawnedGreenlet<Boolean>> readers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    readers.add(Hub.spawn(() -> Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), READ, null)));
                }
                Hub.sleep(0);
                SelectionKey key = pipe.source().keyFor(poller.selector);
                Hub.Waiter.cancelChannelWaits(pipe.source());
                pipe.source().close();
                for (SpawnedGreenlet<Boolean> r : readers) {
                    r.join();
                    assertTrue(r.exception() instanceof AsynchronousCloseException, String.valueOf(r.exception()));
                }
                assertFalse(key.isValid());
                assertFalse(poller.selector.keys().contains(key), "the closed channel is still registered");
                assertFalse(poller.hasWaits());

                // the sink: registered, woken, its interest kept with nobody waiting, then closed
                pipe.sink().configureBlocking(false);
                assertTrue(Hub.Waiter.forCurrent("write").parkUntilReady(pipe.sink(), SelectionKey.OP_WRITE, null));
                SelectionKey sinkKey = pipe.sink().keyFor(poller.selector);
                assertEquals(SelectionKey.OP_WRITE, sinkKey.interestOps());
                Hub.Waiter.cancelChannelWaits(pipe.sink());
                pipe.sink().close();
                assertFalse(poller.selector.keys().contains(sinkKey), "the closed channel is still registered");
            } finally {
                close(pipe);
            }
            return null;
        });
    }

    @Test
    void aChannelClosedWhileOthersWaitIsDeregisteredByTheHubsNextSelect() throws Throwable {
        onHub(() -> {
            Poller poller = Hub.current().poller();
            Pipe pipe = Pipe.open();
            Pipe other = Pipe.open();
            try {
                pipe.source().configureBlocking(false);
                other.source().configureBlocking(false);
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
                assertTrue(Hub.Waiter.forCurrent("read").parkUntilReady(pipe.source(), READ, null));
                SelectionKey key = pipe.source().keyFor(poller.selector);
                // another greenlet waits: the close leaves the deregistration to the hub's next select
                SpawnedGreenlet<Boolean> idle = waitingOn(other);
                Hub.Waiter.cancelChannelWaits(pipe.source());
                pipe.source().close();
                assertFalse(key.isValid());
                long before = poller.selects;
                Hub.sleep(0);
                assertTrue(poller.selects > before, "the hub did not select while a greenlet waited");
                assertFalse(poller.selector.keys().contains(key), "a select left the closed channel registered");

                // closed while the only other wait has a timeout: deregistered by the time it has ended
                Hub.Waiter.cancelChannelWaits(other.source());
                idle.join();
                pipe.sink().configureBlocking(false);
                assertTrue(Hub.Waiter.forCurrent("write").parkUntilReady(pipe.sink(), SelectionKey.OP_WRITE, null));
                SelectionKey sinkKey = pipe.sink().keyFor(poller.selector);
                SpawnedGreenlet<Boolean> timed = Hub.spawn(() ->
                        Hub.Waiter.forCurrent("timed").parkUntilReady(other.source(), READ, Duration.ofMillis(20)));
                Hub.sleep(0);
                Hub.Waiter.cancelChannelWaits(pipe.sink());
                pipe.sink().close();
                assertFalse(timed.get(), "the wait ended otherwise than by its timeout");
                assertFalse(poller.hasWaits());
                assertFalse(poller.selector.keys().contains(sinkKey), "the closed channel is still registered "
                        + "after the last wait ended");
            } finally {
                close(pipe);
                close(other);
            }
            return null;
        });
    }

    @Test
    void aConnectWaitTakesItsInterestAlongOnceConnectedSoTheHubDoesNotSpinAfterwards() throws Throwable {
        onHub(() -> {
            Poller poller = Hub.current().poller();
            try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                    SocketChannel client = SocketChannel.open()) {
                client.configureBlocking(false);
                if (!client.connect(server.getLocalAddress())) {
                    do {
                        Hub.Waiter.forCurrent("connect").parkUntilReady(client, SelectionKey.OP_CONNECT, null);
                    } while (!client.finishConnect());
                } else {
                    // connected at once (it happens on loopback): register through a wait that ends at once
                    assertTrue(Hub.Waiter.forCurrent("connect").parkUntilReady(client, SelectionKey.OP_WRITE, null));
                }
                try (SocketChannel accepted = server.accept()) {
                    SelectionKey key = client.keyFor(poller.selector);
                    assertEquals(0, key.interestOps() & SelectionKey.OP_CONNECT, "OP_CONNECT left in the interest set");
                    // a connected socket is always writable: an interest in connecting would be reported by
                    // the kernel at every select, yet never by the selector, and so never dropped
                    long before = poller.selects;
                    Hub.sleep(20);
                    long selects = poller.selects - before;
                    assertTrue(selects <= 5, "the hub selected " + selects + " times in 20 ms: it spins");
                    Hub.Waiter.cancelChannelWaits(client);
                }
            }
            return null;
        });
    }

    @Test
    void aSocketReadThatEmptiedTheSocketMakesTheNextWaitForReadinessFirstAndOneThatFilledItsBufferDoesNot()
            throws Throwable {
        onHub(() -> {
            Poller poller = Hub.current().poller();
            try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0));
                    TcpSocket client = TcpSocket.connect("127.0.0.1", listener.address().getPort());
                    TcpSocket server = listener.accept()) {
                ByteBuffer buf = ByteBuffer.allocate(64);
                client.write(new byte[] {1, 2, 3});
                server.readFully(ByteBuffer.allocate(3));
                client.write(new byte[] {4, 5});
                // readFully filled its buffer: this read reads at once, and finds the two bytes there
                long before = poller.selects;
                assertEquals(2, server.read(buf));
                assertEquals(0, poller.selects - before, "a read after one that filled its buffer waited");
                // that read left room, so the kernel's buffer was empty: the next read waits for readiness,
                // here at once, with the bytes already there
                client.write(new byte[] {6, 7, 8});
                before = poller.selects;
                assertEquals(3, server.read(buf));
                assertTrue(poller.selects - before >= 1, "a read after one that emptied the socket did not wait");
                assertEquals(List.of(4, 5, 6, 7, 8), bytes(buf));
                // and one from another thread reads at once, as it always did, instead of waiting there
                client.write(new byte[] {9});
                ByteBuffer other = ByteBuffer.allocate(8);
                Thread reader = new Thread(() -> {
                    try {
                        server.read(other);
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
                reader.start();
                reader.join();
                assertEquals(List.of(9), bytes(other));
                // the peer closing ends the stream for a read that waits for readiness first
                client.shutdownOutput();
                assertEquals(-1, server.read(ByteBuffer.allocate(8)));
            }
            return null;
        });
    }

    private static List<Integer> bytes(ByteBuffer buf) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < buf.position(); i++) {
            out.add((int) buf.get(i));
        }
        return out;
    }

    /** Runs {@code body} in a greenlet of a fresh one-hub group, closed afterwards. */
    private static <T> T onHub(SuspendableCallable<T> body) throws Throwable {
        try (HubGroup group = HubGroup.start(1)) {
            return group.spawn(0, body).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** A greenlet that waits for {@code pipe} to be readable, started (so waiting) when this returns. */
    @Suspendable
    private static SpawnedGreenlet<Boolean> waitingOn(Pipe pipe) {
        SpawnedGreenlet<Boolean> idle = Hub.spawn(() ->
                Hub.Waiter.forCurrent("idle").parkUntilReady(pipe.source(), READ, null));
        Hub.sleep(0);
        return idle;
    }

    private static void close(Pipe pipe) throws IOException {
        Hub.Waiter.cancelChannelWaits(pipe.source());
        Hub.Waiter.cancelChannelWaits(pipe.sink());
        pipe.source().close();
        pipe.sink().close();
    }
}
