package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/**
 * A saved frame's state is its suspension point's number in the JVM (the agent's site table): the
 * same after a retransformation, so a coroutine suspended across one resumes where it stood; and a
 * number that the method's code does not have stops the coroutine with an error, never a jump to
 * another point.
 */
class SuspensionPointNumbersTest {
    /** A fixture of its own, so that retransforming it touches no other test. */
    static final class Steps {
        @Suspendable
        static int run(int start) {
            int total = start;
            total += Coroutine.<Integer>yield("first");
            total += Coroutine.<Integer>yield("second");
            return total;
        }
    }

    @Test
    void aCoroutineSuspendedAcrossARetransformationResumesWhereItStood() throws Exception {
        Instrumentation inst = RetransformTest.instrumentation();
        assumeTrue(inst.isRetransformClassesSupported(), "this JVM cannot retransform classes");
        int[] result = new int[1];
        Coroutine<Integer, String> c = Coroutine.of(() -> result[0] = Steps.run(1));
        assertEquals("first", c.next());
        inst.retransformClasses(Steps.class);
        assertEquals("second", c.send(10), "resumed at the first yield, not at another point");
        inst.retransformClasses(Steps.class);
        assertEquals(null, c.send(100));
        assertTrue(c.isDone());
        assertEquals(111, result[0]);
    }

    @Test
    void aSavedNumberTheMethodDoesNotHaveIsAnErrorNamingTheMethod() throws Exception {
        Coroutine<Integer, String> c = Coroutine.of(() -> Steps.run(1));
        assertEquals("first", c.next());
        // Steps.run's record sits below the body's (the saved frames are innermost first): give it a
        // number no method has, as a redefinition that changed the method's suspension points would
        // (record 0 is the field record0, record f > 0 is records[f - 1])
        Object stack = stackOf(c);
        long[] records = (long[]) field(stack, "records");
        int fp = (int) field(stack, "fp");
        int steps = -1;
        for (int f = 0; f < fp; f++) {
            long record = f == 0 ? (long) field(stack, "record0") : records[f - 1];
            if (dev.weft.internal.SiteNames.name((int) record).startsWith(Steps.class.getName() + ".run(")) {
                steps = f;
            }
        }
        assertTrue(steps >= 0, "Steps.run has a saved frame named by the agent's table");
        long record = steps == 0 ? (long) field(stack, "record0") : records[steps - 1];
        long unknown = (record & 0xFFFFFFFF00000000L) | 0x7FFFFFF0L;
        if (steps == 0) {
            declared(stack, "record0").setLong(stack, unknown);
        } else {
            records[steps - 1] = unknown;
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.send(10));
        assertTrue(e.getMessage().contains(Steps.class.getName().replace('.', '/') + ".run(I)I")
                || e.getMessage().contains(Steps.class.getName() + ".run(I)I"), e.getMessage());
        assertTrue(e.getMessage().contains("which its code no longer has"), e.getMessage());
    }

    /** The coroutine's saved frames: its task, which is its {@code Stack}. */
    private static Object stackOf(Coroutine<?, ?> c) throws ReflectiveOperationException {
        return field(c, "task");
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        return declared(owner, name).get(owner);
    }

    private static Field declared(Object owner, String name) throws ReflectiveOperationException {
        for (Class<?> k = owner.getClass(); k != null; k = k.getSuperclass()) {
            try {
                Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException notHere) {
                // declared further up
            }
        }
        throw new NoSuchFieldException(owner.getClass().getName() + "." + name);
    }
}
