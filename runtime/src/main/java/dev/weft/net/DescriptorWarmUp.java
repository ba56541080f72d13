package dev.weft.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Makes the JDK initialise, once per process, what reading, writing and closing a socket need for
 * themselves, by doing each once on a loopback connection of its own. Internal.
 *
 * <p>The JDK sets some of that up on first use only, and takes file descriptors to do so (the socket
 * pair that a closing channel's descriptor is replaced with, for one). Should the first use come
 * while the process is out of descriptors, that set-up fails, the class that does it stays unusable
 * for good, and every later close or write fails with {@code NoClassDefFoundError}: a server hit by a
 * flood of connections right after it started would never serve again. {@link StreamServer} runs this
 * before it accepts.
 */
final class DescriptorWarmUp {
    private static volatile boolean done;

    private DescriptorWarmUp() {
    }

    /** Does it once per process; a failure is left to the first real use, which reports it. */
    static void run() {
        if (done) {
            return;
        }
        synchronized (DescriptorWarmUp.class) {
            if (done) {
                return;
            }
            try {
                exercise();
            } catch (IOException | RuntimeException e) {
                // no loopback, say: the real sockets will meet the same and say so
            }
            done = true;
        }
    }

    private static void exercise() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open()
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept();
                Selector selector = Selector.open()) {
            client.write(ByteBuffer.wrap(new byte[] {1}));
            accepted.read(ByteBuffer.allocate(1));
            accepted.configureBlocking(false);
            accepted.write(ByteBuffer.wrap(new byte[] {2}));
            accepted.read(ByteBuffer.allocate(1));
            accepted.register(selector, SelectionKey.OP_READ);
            selector.selectNow();
            accepted.shutdownOutput();
            // a registered channel is closed by its selector, on the selector's next pass
            accepted.close();
            selector.selectNow();
            client.configureBlocking(false);
            client.close();
        }
    }
}
