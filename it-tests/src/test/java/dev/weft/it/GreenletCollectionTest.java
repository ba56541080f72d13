package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.Greenlet;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A suspended greenlet that nothing references is garbage, and nothing runs its {@code finally} blocks. */
class GreenletCollectionTest {
    private static final int GREENLETS = 1_000;
    private static final long PATIENCE_MILLIS = 30_000;

    private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
    private final AtomicInteger finallyRan = new AtomicInteger();

    @Test
    void unreachableSuspendedGreenletsAreCollectedWithoutRunningTheirFinallyBlocks() throws InterruptedException {
        Set<Reference<?>> pending = suspendGreenletsAndDropThem();
        long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000;
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            System.gc();
            Reference<?> collected = queue.remove(100);
            while (collected != null) {
                pending.remove(collected);
                collected = queue.poll();
            }
        }
        if (!pending.isEmpty()) {
            fail(pending.size() + " of " + GREENLETS + " suspended greenlets were still reachable after "
                    + PATIENCE_MILLIS + " ms of System.gc(): something (the thread's trampoline, a frame stack, "
                    + "the current Stack) keeps suspended greenlets alive");
        }
        assertEquals(0, finallyRan.get(), "nothing runs the finally blocks of a collected greenlet");
    }

    /** In its own method so that no local of the test's frame keeps a greenlet alive. */
    private Set<Reference<?>> suspendGreenletsAndDropThem() {
        Greenlet root = Greenlet.current();
        Set<Reference<?>> refs = new HashSet<>();
        List<Greenlet> made = new ArrayList<>();
        for (int i = 0; i < GREENLETS; i++) {
            Greenlet g = new Greenlet(() -> {
                long[] frameLocal = new long[64]; // saved in the suspended frame
                try {
                    root.switchTo(frameLocal);
                } finally {
                    finallyRan.incrementAndGet();
                }
            });
            assertTrue(g.switchTo() instanceof long[]);
            assertFalse(g.isDead());
            made.add(g);
        }
        for (Greenlet g : made) {
            refs.add(new WeakReference<>(g, queue));
        }
        made.clear();
        return refs;
    }
}
