package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import elsewhere.Untouched;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Suspensions through {@code Method.invoke} (trap 15). */
class ReflectionTest {

    @Test
    void suspendableMethodsInvokedReflectivelySuspendAndResumeAsPlainCode() {
        Differential.Run run = Differential.check(ReflectionFixtures::all);
        assertEquals("returned static 58 0.25k | hi t0 a | hi t1 b | hi t2 c"
                + " | caught java.lang.IllegalArgumentException: after resuming 7 | plain 18 | lambda L!"
                + " | reference 6 | nested 106 | varargs 3", run.outcome);
        assertEquals(List.of("a=4", "b=4", "c=1.5", "name=t0", "c=a", "name=t1", "c=b", "name=t2", "c=c", "fails=7",
                "lambda=L", "one=1", "two=2", "three=3", "bottom=100", "level=1", "level=2", "level=3", "count=3"),
                run.points);
    }

    @Test
    void suspensionsPassThroughBothKindsOfReflectionAccessor() {
        Differential.Run run = Differential.check(() -> ReflectionFixtures.manyTimes(40));
        assertEquals("returned " + (39 * 40 / 2), run.outcome);
        assertEquals(40, run.points.size());
    }

    @Test
    void reflectiveCallThatDoesNotSuspendIsAPlainCall() throws Exception {
        Method plain = ReflectionFixtures.class.getDeclaredMethod("plain", int.class);
        Coroutine<Object, Object> co = Coroutine.of(() -> Coroutine.yield(plain.invoke(null, 21)));
        assertEquals(42, co.next());
        assertEquals(null, co.next());
        assertTrue(co.isDone());
    }

    @Test
    void suspensionLostInAnUnwovenMethodInvokedReflectivelyIsReportedNamingIt() throws Exception {
        Method middle = Untouched.class.getMethod("middle", List.class);
        List<String> events = new ArrayList<>();
        Coroutine<Object, Object> co = Coroutine.of(() -> {
            middle.invoke(null, events);
            events.add("caller went on");
        });
        IllegalStateException e = assertThrows(IllegalStateException.class, co::next);
        assertTrue(e.getMessage().contains("suspension was lost"), e.getMessage());
        Throwable cause = e.getCause();
        assertNotNull(cause, "the cause names the method");
        assertTrue(cause.getMessage().contains("elsewhere.Untouched.middle(Ljava/util/List;)V"), cause.getMessage());
        assertTrue(cause.getMessage().contains("Method.invoke"), cause.getMessage());
        assertTrue(co.isDone());
        // The unwoven method could not be stopped, but nothing ran after it, and it is never run again.
        assertEquals(List.of("middle before", "middle after the suspension"), events);
    }
}
