package dev.weft.it.net;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.HubGroup;
import dev.weft.SuspendableCallable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a test body in a greenlet of a one-hub {@link HubGroup} (closed afterwards, selector and all)
 * and checks that the body left no socket, pipe or selector descriptor open.
 */
final class NetFixture {
    static {
        // the JDK keeps a descriptor or two for good on first use of NIO sockets (the socket it dup2s
        // over a closing channel's descriptor): take those before any count
        try (ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                SocketChannel client = SocketChannel.open(server.getLocalAddress());
                SocketChannel accepted = server.accept();
                Selector selector = Selector.open()) {
            client.configureBlocking(false);
            client.register(selector, SelectionKey.OP_READ);
            selector.selectNow();
            client.close();
            selector.selectNow();
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private NetFixture() {
    }

    /** Runs {@code body} on a fresh hub and returns its value; fails when descriptors were left open. */
    static <T> T onHub(SuspendableCallable<T> body) throws Throwable {
        List<String> before = openDescriptors();
        T value;
        try (HubGroup group = HubGroup.start(1)) {
            value = get(group.spawn(0, body));
        }
        assertNoneLeft(before);
        return value;
    }

    /** Fails when more socket, pipe or selector descriptors are open now than in {@code before}. */
    static void assertNoneLeft(List<String> before) throws IOException {
        List<String> after = openDescriptors();
        List<String> added = new ArrayList<>(after);
        for (String b : before) {
            added.remove(b);
        }
        assertEquals(before.size(), after.size(), "descriptors left open: " + added);
    }

    static <T> T get(java.util.concurrent.Future<T> f) throws Throwable {
        try {
            return f.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** The targets of this process's descriptors that are sockets, pipes or anonymous inodes (epoll, eventfd). */
    static List<String> openDescriptors() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException gone) {
                    continue; // the directory stream's own descriptor, closed meanwhile
                }
                if (target.startsWith("socket:") || target.startsWith("pipe:") || target.startsWith("anon_inode:")) {
                    found.add(target);
                }
            }
        }
        return found;
    }
}
