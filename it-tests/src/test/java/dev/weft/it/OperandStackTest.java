package dev.weft.it;

import static dev.weft.it.Probe.pass;
import static dev.weft.it.Probe.point;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Suspendable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Values that sit on the operand stack across a suspension point (traps 1, 2 and 19). */
class OperandStackTest {

    // ---- trap 1: values under the call's arguments -------------------------------------------------

    @Suspendable
    static String concat3(String a, int b, String c) {
        Probe.note("concat3(" + a + "," + b + "," + c + ")");
        return a + b + c;
    }

    @Suspendable
    static long mix(int a, long b, double c, Object d, int e) {
        return a + b + (long) c + d.hashCode() + e;
    }

    @Test
    void valuesUnderCallArgumentsSurviveSuspension() {
        Differential.Run run = Differential.check(() -> {
            String x = "left";
            // f(a, b, g()): "left" and 7 are on the stack when point suspends.
            return concat3(x, 7, pass("g", "right"));
        });
        assertEquals("returned left7right", run.outcome);
    }

    @Test
    void valuesOfEveryKindUnderArgumentsSurviveSuspension() {
        Differential.Run run = Differential.check(() -> mix(point("a", 1), point("b", 2L), point("c", 3.5),
                pass("d", "d"), point("e", 5)));
        assertEquals("returned " + (1 + 2 + 3 + "d".hashCode() + 5), run.outcome);
    }

    @Test
    void instanceReceiverUnderArgumentsSurvivesSuspension() {
        Differential.Run run = Differential.check(() -> {
            StringBuilder sb = new StringBuilder("<");
            // The receiver and an earlier argument are beneath the suspending argument.
            sb.append(point("first", 1)).insert(0, pass("second", "[")).append(point("third", 'x'));
            return sb.toString();
        });
        assertEquals("returned [<1x", run.outcome);
    }

    @Test
    void nestedSuspendingArgumentsSurviveSuspension() {
        Differential.Run run = Differential.check(() -> concat3(pass("a", "a" + point("inner", 1)),
                point("b", 2) + point("c", 3), concat3("x", point("d", 4), pass("e", "y"))));
        assertEquals("returned a15x4y", run.outcome);
    }

    // ---- trap 2: uninitialised objects and extra DUPs ------------------------------------------------

    static final class Pair {
        final Object left;
        final Object right;

        Pair(Object left, Object right) {
            this.left = left;
            this.right = right;
        }

        Pair(long left, double right) {
            this(Long.valueOf(left), Double.valueOf(right));
        }

        @Override
        public String toString() {
            return "(" + left + ", " + right + ")";
        }
    }

    static final class Counter {
        int value;
        long wide;
        final int[] cells = new int[3];
    }

    @Test
    void constructorArgumentThatSuspendsIsAllocatedAfterResume() {
        Differential.Run run = Differential.check(() -> new Pair(pass("left", "L"), point("right", 2)));
        assertEquals("returned (L, 2)", run.outcome);
    }

    @Test
    void nestedAllocationsAroundSuspensionPointsSurvive() {
        Differential.Run run = Differential.check(() -> new Pair(new Pair(point("a", 1), new Pair("x", pass("b", "y"))),
                new StringBuilder(pass("c", "s")).append(point("d", 4))));
        assertEquals("returned ((1, (x, y)), s4)", run.outcome);
    }

    @Test
    void wideConstructorArgumentsAroundSuspensionSurvive() {
        Differential.Run run = Differential.check(() -> new Pair(point("l", 1L << 40), point("d", 0.25)));
        assertEquals("returned (1099511627776, 0.25)", run.outcome);
    }

    @Test
    void allocationInConditionalArgumentSurvives() {
        Differential.Run run = Differential.check(() -> {
            boolean flag = point("flag", true);
            return new Pair(flag ? pass("then", "t") : "e", flag ? "t2" : pass("else", "e2"));
        });
        assertEquals("returned (t, t2)", run.outcome);
    }

    @Test
    void duplicatedValuesAroundSuspensionSurvive() {
        Differential.Run run = Differential.check(() -> {
            Counter c = new Counter();
            int i = 1;
            c.value += point("field", 5);          // dup; getfield; point; iadd; putfield
            c.wide += point("wide", 7L);           // dup; getfield (long); ...
            c.cells[i] += point("cell", 3);        // dup2; iaload; point; iadd; iastore
            c.cells[i + 1] = c.cells[0] = point("chain", 9); // dup_x2 of the stored value
            Pair p;
            Object q = p = new Pair(pass("dupNew", "n"), "m"); // the new object dup'ed after <init>
            return c.value + "," + c.wide + "," + java.util.Arrays.toString(c.cells) + "," + p + q;
        });
        assertEquals("returned 5,7,[9, 3, 9],(n, m)(n, m)", run.outcome);
    }

    // ---- trap 19: loops carrying values on the operand stack -------------------------------------------

    @Test
    void loopSumCarriedOnTheStackAcrossSuspension() {
        Differential.Run run = Differential.check(() -> {
            int sum = 0;
            long wide = 0;
            double d = 0;
            for (int i = 0; i < 5; i++) {
                sum += point("i", i);
                wide = wide * 3 + point("w", (long) i);
                d = d / 2 + point("d", i * 1.5);
            }
            return sum + "/" + wide + "/" + d;
        });
        assertEquals("returned 10/" + (((1 * 3 + 2) * 3 + 3) * 3 + 4) + "/" + d(), run.outcome);
    }

    private static double d() {
        double d = 0;
        for (int i = 0; i < 5; i++) {
            d = d / 2 + i * 1.5;
        }
        return d;
    }

    @Test
    void stringConcatenationAcrossSuspensionSurvives() {
        Differential.Run run = Differential.check(() -> {
            String s = "";
            for (int i = 0; i < 3; i++) {
                s = s + i + ":" + pass("piece", "p" + i) + ";" + point("n", i * 10);
            }
            StringBuilder sb = new StringBuilder();
            for (char ch = 'a'; ch < 'd'; ch++) {
                sb.append(ch).append(point("ch", ch)).append(pass("s", List.of(ch)));
            }
            return s + "|" + sb;
        });
        assertEquals("returned 0:p0;0" + "1:p1;10" + "2:p2;20" + "|aa[a]bb[b]cc[c]", run.outcome);
    }

    @Test
    void whileLoopWithSuspendingConditionSurvives() {
        Differential.Run run = Differential.check(() -> {
            int n = 0;
            int acc = 1;
            while (point("cond", n) < 4) {
                acc = acc * 2 + point("body", n++);
            }
            return acc;
        });
        assertEquals("returned " + ((((1 * 2 + 0) * 2 + 1) * 2 + 2) * 2 + 3), run.outcome);
    }
}
