package dev.weft.examples.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

class RespStoreTest {
    private static RespStore.Key key(String s) {
        return RespStore.Key.of(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void incrementsFromManyThreadsAreNeverLost() throws Exception {
        RespStore store = new RespStore();
        int threads = 4;
        int each = 20_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Thread> running = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        store.increment(key("counter"));
                        // another key set and read meanwhile, so that the map changes under the counter
                        store.set(key("other" + (i % 7)), new byte[] {(byte) i});
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            });
            thread.start();
            running.add(thread);
        }
        for (Thread thread : running) {
            thread.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(String.valueOf(threads * each), new String(store.get(key("counter")), StandardCharsets.US_ASCII));
    }

    @Test
    void keysAreComparedByContent() {
        RespStore store = new RespStore();
        byte[] bytes = {1, 2, 3};
        store.set(RespStore.Key.of(bytes), new byte[] {9});
        bytes[0] = 7; // the store kept a copy
        assertEquals(9, store.get(key("\1\2\3"))[0]);
        assertNull(store.get(RespStore.Key.of(bytes)));
        assertEquals(1, store.size());
    }
}
