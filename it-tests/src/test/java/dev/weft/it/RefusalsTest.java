package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import dev.weft.WeaveError;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Suspensions that cannot be resumed fail loudly, naming the method, and never give a wrong result
 * (traps 12, 15 and 16); the same code keeps working outside a coroutine.
 */
class RefusalsTest {
    private static final List<String> EFFECTS = new ArrayList<>();
    private static final Object LOCK = new Object();
    private static int lockedLine;

    @Suspendable
    static String outer() {
        return "outer:" + plainMiddle();
    }

    /** Calls suspendable code but is not annotated: a suspension cannot pass through it. */
    static String plainMiddle() {
        EFFECTS.add("middle ran");
        return inner();
    }

    @Suspendable
    static String inner() {
        Object sent = Coroutine.yield("inner");
        return "inner:" + sent;
    }

    @Test
    void plainMethodBetweenCoroutineAndSuspensionIsNamedInTheError() {
        EFFECTS.clear();
        Coroutine<Object, Object> co = Coroutine.of(RefusalsTest::outer);
        WeaveError e = assertThrows(WeaveError.class, co::next);
        assertTrue(e.getMessage().contains(RefusalsTest.class.getName() + ".plainMiddle"), e.getMessage());
        assertTrue(e.getMessage().contains("@Suspendable"), e.getMessage());
        assertTrue(co.isDone());
        assertEquals(List.of("middle ran"), EFFECTS); // it never went on as if nothing happened
    }

    @Test
    void plainLambdaBetweenCoroutineAndSuspensionIsRefused() {
        Coroutine<Object, Object> co = Coroutine.of(() -> {
            Runnable plain = () -> inner(); // a Runnable cannot suspend
            plain.run();
        });
        WeaveError e = assertThrows(WeaveError.class, co::next);
        assertTrue(e.getMessage().contains("lambda$"), e.getMessage());
        assertTrue(e.getMessage().contains("not suspendable"), e.getMessage());
    }

    @Test
    void plainMiddleMethodStillWorksWhenNothingSuspends() {
        Coroutine<Object, Object> co = Coroutine.of(() -> EFFECTS.add(plainMiddleNoSuspend()));
        co.next();
        assertTrue(co.isDone());
        IllegalStateException outside = assertThrows(IllegalStateException.class, RefusalsTest::outer);
        assertTrue(outside.getMessage().contains("outside a coroutine"), outside.getMessage());
    }

    static String plainMiddleNoSuspend() {
        return CallKindsTest.maybeSuspend(false, 1) + "";
    }

    /** Calls suspendable code but is not annotated, and is reached through reflection. */
    static String plainReflected() {
        EFFECTS.add("reflected middle ran");
        return inner();
    }

    @Test
    void plainMethodReachedThroughReflectionIsNamedInTheError() throws Exception {
        EFFECTS.clear();
        Method m = RefusalsTest.class.getDeclaredMethod("plainReflected");
        Coroutine<Object, Object> co = Coroutine.of(() -> EFFECTS.add("after: " + m.invoke(null)));
        // Reflection would wrap the error in an InvocationTargetException the caller might catch: it does not.
        WeaveError e = assertThrows(WeaveError.class, co::next);
        assertTrue(e.getMessage().contains(RefusalsTest.class.getName() + ".plainReflected"), e.getMessage());
        assertTrue(e.getMessage().contains("@Suspendable"), e.getMessage());
        assertTrue(co.isDone());
        assertEquals(List.of("reflected middle ran"), EFFECTS);
    }

    // ---- trap 12: monitors ---------------------------------------------------------------------------------

    @Suspendable
    static int lockedBlock(int v) {
        synchronized (LOCK) {
            lockedLine = here(); Probe.point("locked", v);
            return v + 1;
        }
    }

    @Suspendable
    static synchronized int lockedMethod(int v) {
        return Probe.point("lockedMethod", v) * 2;
    }

    private static int here() {
        return StackWalker.getInstance().walk(s -> s.skip(1).findFirst()).get().getLineNumber();
    }

    @Test
    void synchronizedBlockAroundSuspensionIsRefusedWithMethodLineAndFix() {
        Probe.install(false);
        assertEquals(6, lockedBlock(5)); // outside a coroutine the same code works
        int line = lockedLine;
        Probe.install(true);
        Coroutine<Object, Object> co = Coroutine.of(() -> lockedBlock(1));
        WeaveError e = assertThrows(WeaveError.class, co::next);
        String m = e.getMessage();
        assertTrue(m.contains(RefusalsTest.class.getName() + ".lockedBlock(I)I"), m);
        assertTrue(m.contains("line " + line), m);
        assertTrue(m.contains("dev.weft.sync.Lock"), m);
        assertTrue(co.isDone());
        assertTrue(!Thread.holdsLock(LOCK), "the monitor was released");
        Probe.install(false);
        assertEquals(3, lockedBlock(2)); // and still works afterwards
    }

    @Test
    void synchronizedMethodThatSuspendsIsRefused() {
        Probe.install(false);
        assertEquals(8, lockedMethod(4));
        Probe.install(true);
        Coroutine<Object, Object> co = Coroutine.of(() -> lockedMethod(1));
        WeaveError e = assertThrows(WeaveError.class, co::next);
        assertTrue(e.getMessage().contains(RefusalsTest.class.getName() + ".lockedMethod(I)I"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.weft.sync.Lock"), e.getMessage());
        assertTrue(!Thread.holdsLock(RefusalsTest.class), "the monitor was released");
        Probe.install(false);
    }

    // ---- trap 20: constructors and static initialisers ------------------------------------------------------

    static final class SuspendsInConstructor {
        final int value;

        SuspendsInConstructor(int v) {
            value = Probe.point("ctor", v) + 1;
        }
    }

    static final class SuspendsInStaticInit {
        static final int VALUE = Probe.point("clinit", 41) + 1;
    }

    @Test
    void constructorThatSuspendsIsRefusedButWorksOutsideACoroutine() {
        Probe.install(false);
        assertEquals(8, new SuspendsInConstructor(7).value);
        Probe.install(true);
        Coroutine<Object, Object> co = Coroutine.of(() -> new SuspendsInConstructor(1));
        WeaveError e = assertThrows(WeaveError.class, co::next);
        assertTrue(e.getMessage().contains("SuspendsInConstructor.<init>(I)V"), e.getMessage());
        assertTrue(e.getMessage().contains("constructor cannot suspend"), e.getMessage());
        Probe.install(false);
    }

    @Test
    void staticInitialiserCalledOutsideACoroutineStillWorks() {
        Probe.install(false);
        assertEquals(42, SuspendsInStaticInit.VALUE);
    }
}
