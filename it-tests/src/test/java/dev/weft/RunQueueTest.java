package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The hub's run queue, a ring in the hub's own fields, against {@link ArrayDeque} as the model: the
 * same entries come out in the same order through every mix of adds at the tail and the head, takes
 * and growth past the ring's first size, wrapped around its end.
 */
class RunQueueTest {
    @Test
    void entriesComeOutAsFromADequeThroughGrowthAndWrapAround() throws Exception {
        // a hub of its own, on a thread of its own, whose loop never runs: only the queue is used
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                check(Hub.current());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private static void check(Hub hub) {
        ArrayDeque<Object> model = new ArrayDeque<>();
        Random random = new Random(5);
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(10);
            // more adds than takes in the first half (the ring grows), fewer in the second (it drains)
            boolean growing = step < 10_000;
            if (op < (growing ? 5 : 3)) {
                Object e = "e" + step;
                hub.readyAdd(e);
                model.addLast(e);
            } else if (op < (growing ? 6 : 4)) {
                Object e = "f" + step;
                hub.readyAddFirst(e);
                model.addFirst(e);
            } else if (op < 9) {
                assertSame(model.pollFirst(), hub.readyPoll(), "step " + step);
            } else {
                assertSame(model.peekFirst(), hub.readyPeek(), "step " + step);
            }
            assertEquals(model.size(), hub.readySize(), "step " + step);
        }
        int i = 0;
        for (Object e : model) {
            assertSame(e, hub.readyAt(i++));
        }
        while (!model.isEmpty()) {
            assertSame(model.pollFirst(), hub.readyPoll());
        }
        assertNull(hub.readyPoll());
        assertNull(hub.readyPeek());
        assertEquals(0, hub.readySize());
    }
}
