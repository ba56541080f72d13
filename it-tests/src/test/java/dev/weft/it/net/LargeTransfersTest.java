package dev.weft.it.net;

import static dev.weft.it.net.NetFixture.onHub;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.net.TcpListener;
import dev.weft.net.TcpSocket;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A large buffer read or written on a fast connection lets the other greenlets of its hub run at least
 * every 1 MiB, however much the kernel would take at once: a bystander greenlet that yields in a loop
 * notes how far the transfer got at each of its turns, and no two turns are more than 2 MiB apart.
 */
@Timeout(120)
class LargeTransfersTest {
    private static final int SIZE = 32 * 1024 * 1024;
    private static final int MIB = 1024 * 1024;
    /** A chunk after a wait, and one more before the yield: the most a socket moves between two turns. */
    private static final int MOST_BETWEEN_TURNS = 2 * MIB;

    /** Yields until {@code done}, noting the largest progress of {@code buffer}'s position between two turns. */
    private static SpawnedGreenlet<Integer> bystander(ByteBuffer buffer, boolean[] done) {
        return Hub.spawn(() -> {
            int last = buffer.position();
            int most = 0;
            while (!done[0]) {
                Hub.sleep(0);
                int now = buffer.position();
                most = Math.max(most, now - last);
                last = now;
            }
            return most;
        });
    }

    @Test
    void writingALargeBufferToAFastPeerLetsOthersRunEveryMebibyte() throws Throwable {
        int most = onHub(() -> {
            try (ServerSocketChannel server = ServerSocketChannel.open()) {
                // a receive buffer of several MiB: the kernel would take much more than 1 MiB in one write
                server.setOption(StandardSocketOptions.SO_RCVBUF, 4 * MIB);
                server.bind(new InetSocketAddress("127.0.0.1", 0));
                CompletableFuture<Long> received = CompletableFuture.supplyAsync(() -> drain(server));
                try (TcpSocket socket = TcpSocket.connect((InetSocketAddress) server.getLocalAddress(), Duration.ofSeconds(30))) {
                    ByteBuffer value = ByteBuffer.allocate(SIZE);
                    boolean[] done = {false};
                    SpawnedGreenlet<Integer> watcher = bystander(value, done);
                    Hub.sleep(0); // the bystander notes the start
                    socket.write(value);
                    done[0] = true;
                    socket.shutdownOutput();
                    assertEquals(SIZE, received.get(60, TimeUnit.SECONDS));
                    return watcher.get();
                }
            }
        });
        assertTrue(most <= MOST_BETWEEN_TURNS, "a write moved " + most + " bytes between two turns of a bystander");
    }

    @Test
    void readingALargeBufferFromAFastPeerLetsOthersRunEveryMebibyte() throws Throwable {
        int most = onHub(() -> {
            try (TcpListener listener = TcpListener.bind(new InetSocketAddress("127.0.0.1", 0))) {
                CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> send(listener.address()));
                try (TcpSocket socket = listener.accept()) {
                    ByteBuffer value = ByteBuffer.allocate(SIZE);
                    boolean[] done = {false};
                    SpawnedGreenlet<Integer> watcher = bystander(value, done);
                    Hub.sleep(0);
                    socket.readFully(value);
                    done[0] = true;
                    sent.get(60, TimeUnit.SECONDS);
                    return watcher.get();
                }
            }
        });
        assertTrue(most <= MOST_BETWEEN_TURNS, "a read moved " + most + " bytes between two turns of a bystander");
    }

    /** On another thread: accepts one connection and reads it to its end; returns the number of bytes. */
    private static long drain(ServerSocketChannel server) {
        try (SocketChannel peer = server.accept()) {
            ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
            long total = 0;
            int n;
            while ((n = peer.read(buf)) >= 0) {
                total += n;
                buf.clear();
            }
            return total;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** On another thread: connects with a large send buffer and sends {@link #SIZE} bytes. */
    private static void send(InetSocketAddress to) {
        try (SocketChannel peer = SocketChannel.open()) {
            peer.setOption(StandardSocketOptions.SO_SNDBUF, 4 * MIB);
            peer.connect(to);
            ByteBuffer value = ByteBuffer.allocateDirect(SIZE);
            while (value.hasRemaining()) {
                peer.write(value);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
