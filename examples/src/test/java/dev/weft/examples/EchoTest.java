package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.HubGroup;
import dev.weft.net.StreamServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EchoTest {
    @Test
    void echoesEveryByteBackOnAGroupOfHubs() throws Exception {
        byte[] data = new byte[300_000];
        new Random(1).nextBytes(data);
        try (HubGroup group = HubGroup.start(2)) {
            StreamServer server = Echo.server(0).start(group);
            for (int i = 0; i < 4; i++) {
                try (Socket c = new Socket()) {
                    c.connect(server.address(), 30_000);
                    c.setSoTimeout(30_000);
                    OutputStream out = c.getOutputStream();
                    InputStream in = c.getInputStream();
                    // write from another thread: the echo comes back while we are still sending
                    Thread writer = new Thread(() -> {
                        try {
                            out.write(data);
                            c.shutdownOutput();
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    });
                    writer.start();
                    assertArrayEquals(data, in.readAllBytes());
                    writer.join();
                }
            }
            server.close();
        }
    }

    @Test
    void readsItsArgumentsAndRefusesBadOnes() {
        assertArrayEquals(new int[] {7000, 0}, Echo.parse(new String[] {"7000"}));
        assertArrayEquals(new int[] {0, 4}, Echo.parse(new String[] {"0", "--hubs", "4"}));
        for (String[] bad : new String[][] {{}, {"x"}, {"70000"}, {"1", "--hubs"}, {"1", "--hubs", "0"}, {"1", "-h", "2"}}) {
            assertEquals("usage: ./demo echo PORT [--hubs N]   (PORT 0 to 65535, N at least 1)",
                    assertThrows(IllegalArgumentException.class, () -> Echo.parse(bad)).getMessage());
        }
    }
}
