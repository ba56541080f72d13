package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.it.kotlin.Counter;
import dev.weft.it.kotlin.Greeter;
import dev.weft.it.kotlin.KotlinShapesKt;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Trap 22: classes compiled by the Kotlin compiler ({@code src/test/kotlin}), woven by the real agent
 * as they load, each run plain and as a coroutine suspended at every point, on one thread and on two.
 */
class KotlinClassesTest {

    @Test
    void topLevelFunctionInAFileClass() {
        assertEquals("returned 10", Differential.check(() -> KotlinShapesKt.sumTo(4)).outcome);
    }

    @Test
    void extensionFunctionWithAnInlinedLambda() {
        assertEquals("returned KTKT", Differential.check(() -> KotlinShapesKt.shout("kt", 2)).outcome);
    }

    @Test
    void defaultArgumentsGoThroughTheSyntheticDefaultMethod() {
        Differential.Run run = Differential.check(KotlinShapesKt::callsWithDefaults);
        assertEquals("returned a01none|b0none|c01!", run.outcome);
    }

    @Test
    void whenWithTypeTestsAndStrings() {
        Differential.Run run = Differential.check(() -> String.join(",", KotlinShapesKt.classify(null),
                KotlinShapesKt.classify(3), KotlinShapesKt.classify(42), KotlinShapesKt.classify("a"),
                KotlinShapesKt.classify("b"), KotlinShapesKt.classify("z"), KotlinShapesKt.classify(7L),
                KotlinShapesKt.classify(1.5)));
        assertEquals("returned null:0,small,big,A,B1,other,long:7,?", run.outcome);
    }

    @Test
    void nullableValuesAroundSuspensions() {
        assertEquals("returned 8", Differential.check(() -> KotlinShapesKt.lengths(Arrays.asList("ab", null, "cde"), "xyz"))
                .outcome);
    }

    @Test
    void nullPassedForANonNullParameterIsStillRejectedByKotlin() {
        Differential.Run run = Differential.compare(() -> KotlinShapesKt.lengths(List.of(), null));
        assertEquals("threw java.lang.NullPointerException: Parameter specified as non-null is null: method "
                + "dev.weft.it.kotlin.KotlinShapesKt.lengths, parameter fallback", run.outcome);
    }

    @Test
    void tryCatchFinallyAsAnExpression() {
        Differential.Run run = Differential.check(() -> KotlinShapesKt.guarded(false) + "," + KotlinShapesKt.guarded(true));
        assertEquals("returned 11,21", run.outcome);
        assertEquals(List.of("try=1", "tryValue=10", "finally", "finally=30", "try=1", "caught boom", "catch=20",
                "finally", "finally=30"), run.events);
    }

    @Test
    void objectSingleton() {
        Differential.Run run = Differential.check(() -> {
            Counter.INSTANCE.reset();
            return Counter.INSTANCE.next(2L) + Counter.INSTANCE.next(3L);
        });
        assertEquals("returned 7", run.outcome);
    }

    @Test
    void companionObject() {
        assertEquals("returned hello x?", Differential.check(() -> Greeter.Companion.create("x").greet('?')).outcome);
    }

    @Test
    void kotlinLambdasConvertedToSuspendableInterfaces() {
        assertEquals("returned run:0,run:1", Differential.check(KotlinShapesKt::lambdas).outcome);
    }

    @Test
    void everythingFromOneKotlinBody() {
        Differential.Run run = Differential.check(KotlinShapesKt::everything);
        assertEquals("returned 10 KTKT a01none|b0none|c01! null:0 small big A B1 other long:7 ? 8 11 21 1 11 "
                + "hello world! hello kotlin? run:0,run:1", run.outcome);
    }
}
