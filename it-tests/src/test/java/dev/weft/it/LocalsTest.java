package dev.weft.it;

import static dev.weft.it.Probe.pass;
import static dev.weft.it.Probe.point;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Suspendable;
import java.io.Serializable;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Locals and stack values of every type across suspension points (traps 3 to 8). */
class LocalsTest {

    // ---- trap 3: a local unset at one point and set at another ---------------------------------------

    @Test
    void localUnsetAtOnePointAndSetAtAnotherSurvives() {
        Differential.Run run = Differential.check(() -> {
            int late;
            String text;
            point("before");             // late and text are not set yet (TOP)
            late = point("set", 41);
            point("between");            // late is set, text is not
            text = pass("text", "t");
            point("after");
            return late + 1 + text;
        });
        assertEquals("returned 42t", run.outcome);
    }

    @Test
    void localSetOnOneBranchOnlySurvives() {
        Differential.Run run = Differential.check(() -> {
            String out = "";
            for (int i = 0; i < 2; i++) {
                if (i == 0) {
                    int onlyHere = point("branch", 7);
                    point("inBranch");
                    out += onlyHere;
                }
                point("merge", i); // onlyHere's slot is dead/TOP here
            }
            return out;
        });
        assertEquals("returned 7", run.outcome);
    }

    // ---- trap 4: always-null values --------------------------------------------------------------------

    @Suspendable
    static String nulls(Object a, String b, int c, Object[] d) {
        return a + "," + b + "," + c + "," + d;
    }

    @Test
    void alwaysNullLocalsAndStackValuesSurvive() {
        Differential.Run run = Differential.check(() -> {
            String s = null;
            Object o = null;
            int[] arr = null;
            point("a");
            // null literals beneath the suspending argument
            String r = nulls(null, null, point("b", 3), null);
            if (s == null && o == null && arr == null) {
                r += "|nulls kept";
            }
            return r + "|" + pass("c", (Object) null);
        });
        assertEquals("returned null,null,3,null|nulls kept|null", run.outcome);
    }

    @Test
    void nullMergedWithAReferenceSurvives() {
        Differential.Run run = Differential.check(() -> {
            String out = "";
            for (int i = 0; i < 2; i++) {
                String s = i == 0 ? null : "set";
                point("p", i);
                out += s + ";";
            }
            return out;
        });
        assertEquals("returned null;set;", run.outcome);
    }

    // ---- trap 5: one slot, unrelated types ---------------------------------------------------------------

    @Test
    void slotReusedForUnrelatedTypesOnBranchesSurvives() {
        Differential.Run run = Differential.check(() -> {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                if (i == 0) {
                    String s = pass("s", "str");
                    point("s-after");
                    out.append(s.length());
                } else if (i == 1) {
                    long l = point("l", 5L);
                    point("l-after");
                    out.append(l);
                } else {
                    int[] a = pass("a", new int[] {1, 2});
                    point("a-after");
                    out.append(a.length);
                }
            }
            return out.toString();
        });
        assertEquals("returned 352", run.outcome);
    }

    @Test
    void slotMergingUnrelatedClassesSurvives() {
        Differential.Run run = Differential.check(() -> {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                CharSequence cs = i == 0 ? "string" : new StringBuilder("builder");
                Serializable ser = i == 0 ? Integer.valueOf(1) : "two";
                Comparable<?> cmp = i == 0 ? (Comparable<?>) Long.valueOf(3) : "four";
                point("merged", i);
                out.append(cs.length()).append(ser).append(cmp).append(';');
            }
            return out.toString();
        });
        assertEquals("returned 613;7twofour;", run.outcome);
    }

    // ---- trap 6: long and double -------------------------------------------------------------------------

    @Suspendable
    static long wideArgs(long a, double b, int c, long d) {
        long r = a + (long) b + point("inside", c) + d;
        point("inside2");
        return r;
    }

    @Suspendable
    static double halve(double d) {
        double half = d / 2;
        point("halve", half);
        return half;
    }

    @Test
    void longAndDoubleInLocalsStackArgumentsAndReturnsSurvive() {
        Differential.Run run = Differential.check(() -> {
            long big = Long.MIN_VALUE + 3;
            double neg = -0.0;
            double nan = Double.NaN;
            long mid = point("mid", 1L << 50);
            // wide values beneath the suspending argument, and a wide result
            long r = wideArgs(big, 2.5e10, point("c", 1), mid) + point("tail", 9L);
            double h = halve(point("h", 7.0)) + halve(1e300);
            return r + "|" + h + "|" + (1 / neg) + "|" + nan + "|" + big + "|" + Double.doubleToRawLongBits(neg);
        });
        long expected = (Long.MIN_VALUE + 3) + 25_000_000_000L + 1 + (1L << 50) + 9;
        assertEquals("returned " + expected + "|" + (3.5 + 5e299) + "|-Infinity|NaN|" + (Long.MIN_VALUE + 3) + "|"
                + Long.MIN_VALUE, run.outcome);
    }

    // ---- trap 7: the small primitive types ---------------------------------------------------------------

    @Suspendable
    static String small(boolean z, byte b, char c, short s, float f) {
        return z + "," + b + "," + c + "," + s + "," + f;
    }

    @Test
    void booleanByteCharShortFloatSurvive() {
        Differential.Run run = Differential.check(() -> {
            boolean z = true;
            byte b = -128;
            char c = '\uffff';
            short s = Short.MIN_VALUE;
            float f = Float.intBitsToFloat(0x7fc00001); // a NaN with a payload
            float g = -1.5f;
            point("locals");
            String onStack = small(point("z", false), point("b", (byte) 127), point("c", 'é'), point("s", (short) -1),
                    point("f", 0.1f));
            String kept = small(z, b, c, s, g) + "," + Float.floatToRawIntBits(f);
            return onStack + "|" + kept;
        });
        assertEquals("returned false,127,é,-1,0.1|true,-128,\uffff,-32768,-1.5," + 0x7fc00001, run.outcome);
    }

    // ---- trap 8: arrays -----------------------------------------------------------------------------------

    @Test
    void arraysAndMultiDimensionalArraysSurvive() {
        Differential.Run run = Differential.check(() -> {
            int[][] grid = new int[3][4];
            long[] longs = {1, 2};
            String[][][] cube = new String[2][2][2];
            char[] chars = "ab".toCharArray();
            for (int i = 0; i < 3; i++) {
                grid[i][point("col", i)] = point("value", i * 10);
                cube[i % 2][1][i % 2] = pass("s", "s" + i);
            }
            longs[point("li", 1)] += point("l", 40L);
            chars[0] = point("ch", 'z');
            return Arrays.deepToString(grid) + Arrays.toString(longs) + Arrays.deepToString(cube) + new String(chars);
        });
        assertEquals("returned [[0, 0, 0, 0], [0, 10, 0, 0], [0, 0, 20, 0]][1, 42]"
                + "[[[null, null], [s2, null]], [[null, null], [null, s1]]]zb", run.outcome);
    }

    @Test
    void mergedArrayTypesSurvive() {
        Differential.Run run = Differential.check(() -> {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                Object[] objects = i == 0 ? new String[] {"s"} : new Integer[] {1};
                Object[] wider = i == 0 ? new Object[] {"o"} : new String[] {"t"};
                Number[] numbers = i == 0 ? new Integer[] {2} : new Long[] {3L};
                Object[][] nested = i == 0 ? new String[][] {{"n"}} : new Integer[][] {{4}};
                Object prim = i == 0 ? new int[] {5} : new long[] {6};
                point("arrays", i);
                out.append(objects[0]).append(wider[0]).append(numbers[0]).append(nested[0][0])
                        .append(Probe.describe(prim)).append(';');
            }
            return out.toString();
        });
        assertEquals("returned so2n[[5]];1t34[[6]];", run.outcome);
    }

    @Suspendable
    static String join(Object[] a, int[][] b, String c) {
        return Arrays.toString(a) + Arrays.deepToString(b) + c;
    }

    @Test
    void arraysOnTheStackSurvive() {
        Differential.Run run = Differential.check(() -> {
            Object[] merged = point("flag", true) ? new String[] {"x"} : new Integer[] {1};
            int[][] grid = {{1}, {2, 3}};
            // arrays, one of a merged type, beneath the suspending argument
            String r = join(merged, grid, pass("c", "c"));
            int[] row = pass("row", grid[1]);
            return r + row[point("i", 1)];
        });
        assertEquals("returned [x][[1], [2, 3]]c3", run.outcome);
    }
}
