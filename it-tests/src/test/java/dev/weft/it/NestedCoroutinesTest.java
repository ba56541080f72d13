package dev.weft.it;

import static dev.weft.it.Probe.note;
import static dev.weft.it.Probe.point;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Coroutine;
import dev.weft.Generator;
import org.junit.jupiter.api.Test;

/** Generators and coroutines driven from inside another coroutine (traps 26 and 27). */
class NestedCoroutinesTest {

    static Generator<Integer> squares(int n) {
        return Generator.of(() -> {
            for (int i = 1; i <= n; i++) {
                note("square " + i);
                Generator.yield(i * i);
            }
        });
    }

    @Test
    void enhancedForOverAGeneratorInsideACoroutineSuspendsBetweenElements() {
        Differential.Run run = Differential.check(() -> {
            int sum = 0;
            for (int sq : squares(4)) {
                sum += point("element", sq);
            }
            return sum;
        });
        assertEquals("returned 30", run.outcome);
        assertEquals("square 1", run.events.get(0)); // the generator runs lazily, between the outer points
        assertEquals("element=1", run.events.get(1));
    }

    @Test
    void innerCoroutineDrivenAcrossOuterSuspensionsKeepsItsOwnState() {
        Differential.Run run = Differential.check(() -> {
            Coroutine<Integer, String> inner = Coroutine.of(() -> {
                int total = 0;
                for (int i = 0; i < 3; i++) {
                    Integer got = Coroutine.yield("inner " + i + " total " + total);
                    total += got;
                }
            });
            StringBuilder out = new StringBuilder(inner.next());
            for (int i = 1; !inner.isDone(); i++) {
                String y = inner.send(point("send", i * 10));
                out.append('|').append(y);
            }
            return out.toString();
        });
        assertEquals("returned inner 0 total 0|inner 1 total 10|inner 2 total 30|null", run.outcome);
    }

    @Test
    void generatorsNestedTwoDeepInsideACoroutine() {
        Differential.Run run = Differential.check(() -> {
            Generator<String> pairs = Generator.of(() -> {
                for (int a : squares(2)) {
                    for (int b : squares(2)) {
                        Generator.yield(a + "x" + b);
                    }
                }
            });
            StringBuilder out = new StringBuilder();
            for (String p : pairs) {
                out.append(Probe.pass("pair", p)).append(' ');
            }
            return out.toString().trim();
        });
        assertEquals("returned 1x1 1x4 4x1 4x4", run.outcome);
    }
}
