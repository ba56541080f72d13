package dev.weft.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Coroutine;
import dev.weft.Generator;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.sync.Queue;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Waits inside generator and coroutine bodies that a greenlet drives, with verification on (as the
 * extension always runs it): every suspension walks the stack to its driver, and the frames that pass a
 * body's switch on to its greenlet must count as suspendable.
 */
@WeftTest(virtualTime = true)
class VerifiedBodyWaitsTest {
    @Suspendable
    static int sumOf(Iterable<Integer> values) {
        int sum = 0;
        for (int v : values) {
            sum += v;
        }
        return sum;
    }

    @Test
    @Suspendable
    void aGeneratorAndACoroutineWaitInsideAGreenletUnderVerification() {
        Queue<Integer> q = new Queue<>();
        List<String> log = new ArrayList<>();
        SpawnedGreenlet<Integer> g = Hub.spawn(() -> {
            Generator<Integer> inner = Generator.of(() -> {
                for (int i = 0; i < 3; i++) {
                    Hub.sleep(1);
                    Generator.yield(q.get());
                }
            });
            Generator<Integer> outer = Generator.of(() -> {
                for (int x : inner) {
                    Generator.yield(10 * x);
                }
            });
            Coroutine<Object, Integer> c = Coroutine.of(() -> Coroutine.yield(sumOf(outer)));
            return c.next();
        });
        Hub.spawn(() -> {
            for (int i = 1; i <= 3; i++) {
                q.put(i);
                log.add("put " + i);
            }
        }).join();
        assertEquals(60, g.get());
        assertEquals(List.of("put 1", "put 2", "put 3"), log);
    }
}
