package dev.weft.it;

import static dev.weft.it.Probe.pass;
import static dev.weft.it.Probe.point;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Suspendable;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Suspension points in switches, conditionals, labelled loops, varargs and call chains. */
class ControlFlowTest {

    @Test
    void suspensionInsideSwitchCasesResumesInTheRightCase() {
        Differential.Run run = Differential.check(() -> {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                switch (point("key", i * 100)) { // a lookupswitch on a suspending value
                    case 0:
                        out.append(pass("zero", "z"));
                        break;
                    case 100:
                    case 200:
                        out.append(point("small", i));
                        // fall through
                    case 300:
                        out.append(pass("fall", "f"));
                        break;
                    default:
                        out.append('d');
                }
                switch (pass("name", i % 2 == 0 ? "even" : "odd")) { // a string switch
                    case "even":
                        out.append(point("e", 'E'));
                        break;
                    default:
                        out.append(point("o", 'O'));
                }
                out.append(';');
            }
            return out.toString();
        });
        assertEquals("returned zE;1fO;2fE;fO;dE;", run.outcome);
    }

    @Test
    void conditionalExpressionsWithSuspendingBranchesSurvive() {
        Differential.Run run = Differential.check(() -> {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                long v = i % 2 == 0 ? point("even", (long) i) : point("odd", i) * 10L;
                boolean both = point("a", i > 0) && point("b", i < 3) || point("c", i == 3);
                out.append(v).append(both).append(',');
            }
            return out.toString();
        });
        assertEquals("returned 0false,10true,2true,30true,", run.outcome);
    }

    @Test
    void labelledLoopsWithBreakAndContinueAroundSuspensionSurvive() {
        Differential.Run run = Differential.check(() -> {
            int found = -1;
            int visited = 0;
            outer:
            for (int i = 0; i < 4; i++) {
                int j = 0;
                do {
                    visited++;
                    if (point("cell", i * 10 + j) == 21) {
                        found = i * 10 + j;
                        break outer;
                    }
                    if (j == 1) {
                        continue outer;
                    }
                } while (++j < 3);
            }
            return found + "/" + visited;
        });
        assertEquals("returned 21/6", run.outcome);
    }

    @Test
    void varargsArrayUnderConstructionSurvivesSuspension() {
        Differential.Run run = Differential.check(() -> String.format("%s-%d-%s", pass("a", "x"), point("b", 2),
                Arrays.asList(pass("c", "y"), point("d", 'z'))));
        assertEquals("returned x-2-[y, z]", run.outcome);
    }

    @Suspendable
    StringBuilder appendPoint(StringBuilder sb, String label) {
        return sb.append(pass(label, label));
    }

    @Test
    void chainedCallsOnSuspendingReceiversSurvive() {
        Differential.Run run = Differential.check(() -> {
            StringBuilder sb = new StringBuilder();
            // the receiver of each call is the result of a suspending call
            appendPoint(appendPoint(pass("sb", sb), "one"), "two").append(pass("three", "3"));
            return pass("done", this).appendPoint(sb, "four").toString();
        });
        assertEquals("returned onetwo3four", run.outcome);
    }

    interface Greeter {
        @Suspendable
        static String greet(String who) {
            return helper(who) + "!";
        }

        @Suspendable
        private static String helper(String who) {
            return "hi " + pass("who", who);
        }

        @Suspendable
        default String twice(String who) {
            return instanceHelper(who) + instanceHelper(who);
        }

        @Suspendable
        private String instanceHelper(String who) {
            return pass("inst", who);
        }
    }

    @Test
    void interfaceStaticAndPrivateMethodsSuspend() {
        Differential.Run run = Differential.check(() -> Greeter.greet("a") + new Greeter() { }.twice("b"));
        assertEquals("returned hi a!bb", run.outcome);
    }

    @Test
    void manySuspensionsInALongLoop() {
        Differential.Run run = Differential.check(() -> {
            long sum = 0;
            for (int i = 0; i < 2_000; i++) {
                sum += point("i", i);
            }
            return sum;
        });
        assertEquals("returned 1999000", run.outcome);
    }
}
