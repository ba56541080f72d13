package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.SuspendableRunnable;
import dev.weft.WeaveError;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Methods that cannot be made resumable still run as plain code, and fail clearly, naming the method,
 * the line and the fix, when a suspension reaches them.
 */
class RefusedMethodsTest {
    private static final String PKG = WeavingLoader.FIXTURES + "refused.";
    private static final Pattern LINE = Pattern.compile(" line \\d+");

    private final WeavingLoader weaving = new WeavingLoader(RefusedMethodsTest.class.getClassLoader());

    @Test
    void suspendingInsideSynchronizedBlockIsRefusedNamingMethodLineAndFix() throws Exception {
        WeaveError e = refusedWhenDriven("SuspendsInSynchronizedBlock", List.of("2"));
        assertMessage(e, "SuspendsInSynchronizedBlock.locked(I)I", "synchronized block", "Fix: ");
        assertRefusalLogged("SuspendsInSynchronizedBlock", "locked(I)I");
    }

    @Test
    void synchronizedMethodThatSuspendsIsRefused() throws Exception {
        WeaveError e = refusedWhenDriven("SynchronizedMethodSuspends", List.of("4"));
        assertMessage(e, "SynchronizedMethodSuspends.locked(I)I", "synchronized method", "Fix: ");
        assertRefusalLogged("SynchronizedMethodSuspends", "locked(I)I");
    }

    @Test
    void constructorThatSuspendsIsRefused() throws Exception {
        WeaveError e = refusedWhenDriven("ConstructorSuspends", List.of("3"));
        assertMessage(e, "ConstructorSuspends$Widget.<init>(I)V", "constructor cannot suspend", "Fix: ");
        assertRefusalLogged("ConstructorSuspends$Widget", "<init>(I)V");
    }

    @Test
    void staticInitialiserThatSuspendsIsRefused() throws Exception {
        WeaveError e = refusedWhenDriven("StaticInitialiserSuspends", List.of("init"));
        assertMessage(e, "StaticInitialiserSuspends$Holder.<clinit>()V", "static initialiser", "Fix: ");
        assertRefusalLogged("StaticInitialiserSuspends$Holder", "<clinit>()V");
    }

    @Test
    void unannotatedMethodInTheMiddleOfASuspensionFailsNamingIt() throws Exception {
        WeaveError e = refusedWhenDriven("PlainMethodSuspends", List.of("5"));
        assertMessage(e, "PlainMethodSuspends.forgotten(I)I", "not suspendable itself",
                "Fix: annotate " + PKG + "PlainMethodSuspends.forgotten with @Suspendable");
    }

    @Test
    void unannotatedMethodReachedThroughReflectionFailsNamingIt() throws Exception {
        WeaveError e = refusedWhenDriven("ReflectiveCallToPlainMethod", List.of("6"));
        assertMessage(e, "ReflectiveCallToPlainMethod.forgotten(I)I", "not suspendable itself",
                "Fix: annotate " + PKG + "ReflectiveCallToPlainMethod.forgotten with @Suspendable");
    }

    @Test
    void reflectiveCallUnderMonitorIsNotRefusedButFailsWhenTheInvokedMethodSuspends() throws Exception {
        WeaveError e = refusedWhenDriven("ReflectiveCallUnderMonitor", List.of("4"));
        assertMessage(e, "ReflectiveCallUnderMonitor.locked(I)I", "Method.invoke suspended", "holds a monitor",
                "Fix: ");
        assertEquals(List.of(), weaving.refusals.get(PKG + "ReflectiveCallUnderMonitor"),
                "a reflective call rarely suspends: no refusal is logged for it");
    }

    /**
     * Runs the woven fixture as plain code (it must work and record {@code plainTrace}) and then as a
     * coroutine, where the first suspension must fail with a {@link WeaveError}.
     */
    private WeaveError refusedWhenDriven(String simpleName, List<String> plainTrace) throws Exception {
        Class<?> woven = Class.forName(PKG + simpleName, true, weaving);
        assertEquals(weaving, woven.getClassLoader());

        Trace.start(false);
        ((SuspendableRunnable) woven.getConstructor().newInstance()).run();
        List<String> plain = Trace.finish();
        assertEquals(plainTrace, plain.subList(plain.size() - plainTrace.size(), plain.size()),
                "a refused method still runs as plain code: " + plain);

        Class<?> fresh = Class.forName(PKG + simpleName, true, new WeavingLoader(RefusedMethodsTest.class.getClassLoader()));
        Trace.start(true);
        try {
            Coroutine<Object, Object> c = Coroutine.of((SuspendableRunnable) fresh.getConstructor().newInstance());
            WeaveError e = assertThrows(WeaveError.class, c::next);
            assertTrue(c.isDone(), "a coroutine that failed is done");
            assertEquals(List.of(), weaving.report(), "CheckClassAdapter on every woven class");
            return e;
        } finally {
            Trace.finish();
        }
    }

    private static void assertMessage(WeaveError e, String method, String... parts) {
        String message = e.getMessage();
        assertTrue(message.startsWith(PKG + method), "names the method first: " + message);
        assertTrue(LINE.matcher(message).find(), "names the line: " + message);
        for (String part : parts) {
            assertTrue(message.contains(part), "contains '" + part + "': " + message);
        }
    }

    private void assertRefusalLogged(String simpleName, String method) {
        List<String> refused = weaving.refusals.get(PKG + simpleName);
        assertEquals(1, refused.size(), "one refusal for " + simpleName + ": " + refused);
        assertTrue(refused.get(0).startsWith(PKG + simpleName + "." + method), refused.get(0));
    }
}
