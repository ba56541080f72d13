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
    void setsAndDeletesRacingOnOneKeyLeaveItUsable() throws Exception {
        RespStore store = new RespStore();
        CyclicBarrier start = new CyclicBarrier(3);
        List<Throwable> failures = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int role = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 30_000; i++) {
                        switch (role) {
                            case 0 -> store.set(key("k"), new byte[] {'a'});
                            case 1 -> store.delete(key("k"));
                            default -> {
                                byte[] v = store.get(key("k"));
                                if (v != null && (v.length != 1 || v[0] != 'a')) {
                                    throw new AssertionError("read a value never set: " + new String(v, StandardCharsets.ISO_8859_1));
                                }
                            }
                        }
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
        store.set(key("k"), new byte[] {'z'});
        assertEquals('z', store.get(key("k"))[0]);
        assertEquals(1, store.size());
        assertEquals(true, store.delete(key("k")));
        assertNull(store.get(key("k")));
        assertEquals(false, store.exists(key("k")));
        assertEquals(0, store.size());
        assertEquals(1, store.increment(key("k")));
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
