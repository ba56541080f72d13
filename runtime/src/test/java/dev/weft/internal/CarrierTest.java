package dev.weft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Where a thread finds its stack slot: the shared cache, the thread-local, or a carrier thread's field. */
class CarrierTest {
    @Test
    void aPlainThreadTakesTheSharedCacheAndFindsItsOwnCarrierThereAfterwards() throws Exception {
        Carrier mine = Carrier.current();
        assertSame(Thread.currentThread(), mine.thread);
        assertSame(mine, Carrier.last);
        AtomicReference<Carrier> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(Carrier.current()));
        t.start();
        t.join();
        assertSame(t, other.get().thread);
        // the other thread took the cache; this one gets its own carrier back, and the cache with it
        assertSame(other.get(), Carrier.last);
        assertSame(mine, Carrier.current());
        assertSame(mine, Carrier.last);
    }

    @Test
    void carrierThreadsUseTheirOwnFieldAndLeaveTheSharedCacheAlone() throws Exception {
        Carrier mine = Carrier.current();
        int threads = 2;
        CyclicBarrier together = new CyclicBarrier(threads);
        Carrier[] seen = new Carrier[threads];
        String[] wrong = new String[threads];
        CarrierThread[] all = new CarrierThread[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            all[i] = new CarrierThread(() -> {
                try {
                    together.await();
                    CarrierThread me = (CarrierThread) Thread.currentThread();
                    for (int k = 0; k < 100_000; k++) {
                        Carrier c = Carrier.current();
                        if (c != me.carrier || c.thread != me) {
                            wrong[index] = "turn " + k + ": " + c.thread;
                            return;
                        }
                        // what a coroutine's resume does: its own slot only, never another thread's
                        Stack previous = c.stack;
                        c.stack = new Stack(me);
                        if (Stack.current().owner() != me) {
                            wrong[index] = "turn " + k + ": Stack.current() of another thread";
                            return;
                        }
                        c.stack = previous;
                    }
                    seen[index] = Carrier.current();
                } catch (Exception e) {
                    wrong[index] = e.toString();
                }
            }, "carrier-" + i);
            all[i].start();
        }
        for (CarrierThread t : all) {
            t.join();
        }
        for (int i = 0; i < threads; i++) {
            assertEquals(null, wrong[i]);
            assertSame(all[i].carrier, seen[i]);
            assertSame(Stack.NONE, seen[i].stack);
        }
        assertNotSame(seen[0], seen[1]);
        assertSame(mine, Carrier.last, "a carrier thread wrote the shared cache");
    }
}
