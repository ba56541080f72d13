package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hub's timer queue against the JDK's {@code PriorityQueue} with the same ordering. */
class TimerQueueTest {
    private int sequence = 1;

    @Test
    void takesTimersInTheOrderAPriorityQueueDoes() {
        Random random = new Random(20261127);
        for (int round = 0; round < 200; round++) {
            TimerQueue queue = new TimerQueue();
            PriorityQueue<Timer> expected = new PriorityQueue<>();
            long now = random.nextInt(1000) - 500L + (round % 3 == 0 ? Long.MAX_VALUE - 2000 : 0); // across the wrap too
            int ops = 1 + random.nextInt(3000);
            for (int k = 0; k < ops; k++) {
                int what = random.nextInt(10);
                if (what < 6) {
                    // mostly in the order they come due (a sleep of one length), some earlier, some equal
                    long deadline = what < 3 ? now + 1000 : what < 5 ? now + random.nextInt(1000) : now + 1000 - random.nextInt(3);
                    Timer t = timer(deadline);
                    queue.add(t, t.deadline, t.sequence);
                    expected.add(t);
                    now += random.nextInt(3);
                } else if (what < 9) {
                    assertSame(expected.poll(), queue.poll());
                } else {
                    assertSame(expected.peek(), queue.peek());
                    if (!expected.isEmpty()) {
                        assertEquals(expected.peek().deadline, queue.peekDeadline());
                        assertEquals(expected.peek().sequence, queue.peekSequence());
                    }
                }
                assertEquals(expected.size(), queue.size());
            }
            Set<Timer> all = Collections.newSetFromMap(new IdentityHashMap<>());
            queue.forEach((entry, seq) -> {
                all.add((Timer) entry);
                assertEquals(((Timer) entry).sequence, seq, "each entry with its own sequence");
            });
            assertEquals(expected.size(), all.size(), "iteration visits every timer once");
            assertTrue(all.containsAll(expected));
            while (!expected.isEmpty()) {
                assertSame(expected.poll(), queue.poll());
            }
            assertTrue(queue.isEmpty());
            assertNull(queue.poll());
            assertNull(queue.peek());
        }
    }

    @Test
    void aMillionTimersInTheirOrderAndAgainAfterTheyEmpty() {
        TimerQueue queue = new TimerQueue();
        for (int round = 0; round < 2; round++) {
            Timer[] timers = new Timer[1_000_000];
            for (int i = 0; i < timers.length; i++) {
                timers[i] = timer(i / 3); // three per deadline: their sequence orders them
                queue.add(timers[i], timers[i].deadline, timers[i].sequence);
            }
            Timer early = timer(-1);
            queue.add(early, early.deadline, early.sequence);
            assertSame(early, queue.poll());
            for (Timer t : timers) {
                assertSame(t, queue.poll());
            }
            assertTrue(queue.isEmpty());
        }
    }

    private Timer timer(long deadline) {
        Timer t = new Timer.Action(new Object());
        t.deadline = deadline;
        t.sequence = sequence++;
        return t;
    }
}
