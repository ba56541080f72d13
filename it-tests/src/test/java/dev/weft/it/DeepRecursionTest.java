package dev.weft.it;

import static dev.weft.it.Probe.point;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Suspendable;
import org.junit.jupiter.api.Test;

/**
 * Recursion deeper than the frame stack's initial capacity (trap 18). The harness runs every mode on
 * threads with a large stack, so that the plain run does not overflow where the coroutine would not.
 */
class DeepRecursionTest {
    private static final int DEPTH = 20_000;

    @Suspendable
    static long descend(int n, long acc) {
        long here = acc + n;
        double half = n / 2.0;
        if (n == 0) {
            return point("bottom", here);
        }
        if (n % 5_000 == 0) {
            point("level", n);
        }
        long below = descend(n - 1, here);
        return below + (long) (half * 2) - n; // half (a double local) must survive too
    }

    @Test
    void recursionDeeperThanTenThousandFramesSuspendsAndResumes() {
        Differential.Run run = Differential.check(() -> descend(DEPTH, 0));
        long expected = (long) DEPTH * (DEPTH + 1) / 2;
        assertEquals("returned " + expected, run.outcome);
        assertEquals(DEPTH / 5_000 + 1, run.points.size());
    }
}
