package dev.weft.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Suspendable;
import dev.weft.agent.ClassFiles;
import dev.weft.agent.analysis.ClassHierarchy;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Which calls to {@code Method.invoke} become suspension points: those of suspendable methods that hold
 * no monitor. Plain methods and constructors call {@code Method.invoke} all the time and are left alone.
 */
class ReflectiveCallWeavingTest {
    private static final ClassLoader TEST_LOADER = ReflectiveCallWeavingTest.class.getClassLoader();

    /** The methods whose woven code is inspected. */
    static final class Calls {
        private final Object made;

        Calls(Method m) throws Exception {
            made = m.invoke(null);
        }

        static Object plain(Method m) throws Exception {
            return m.invoke(null);
        }

        @Suspendable
        static Object suspendable(Method m, Object target) throws Exception {
            return m.invoke(target, 1, "two");
        }

        @Suspendable
        static synchronized Object suspendableAndSynchronized(Method m) throws Exception {
            return m.invoke(null);
        }

        @Suspendable
        static Object lockedBlock(Method m, Object lock) throws Exception {
            synchronized (lock) {
                return m.invoke(null);
            }
        }
    }

    @Test
    void onlySuspendableMethodsWithoutMonitorsMakeMethodInvokeASuspensionPoint() {
        byte[] original = ClassFiles.bytesOf(TEST_LOADER, Calls.class.getName().replace('.', '/'));
        ClassWeaver.Result result = ClassWeaver.weave(original, ClassHierarchy.of(TEST_LOADER));
        assertNotNull(result.bytes, "woven");
        assertEquals(List.of(), result.refusals, "nothing refused: a reflective call rarely suspends");
        assertEquals("", ClassFiles.check(result.bytes, TEST_LOADER), "CheckClassAdapter");

        ClassNode woven = new ClassNode();
        new ClassReader(result.bytes).accept(woven, 0);
        Map<String, String> runtimeCalls = new TreeMap<>();
        for (MethodNode m : woven.methods) {
            runtimeCalls.put(m.name, runtimeCallsOf(m));
        }
        assertEquals("", runtimeCalls.get("<init>"), "a constructor calling Method.invoke is left unchanged");
        assertEquals("", runtimeCalls.get("plain"), "a plain method calling Method.invoke gets no check");
        String suspendable = runtimeCalls.get("suspendable");
        assertTrue(suspendable.contains("ReflectiveCalls.calleeId") && suspendable.contains("Stack.unwind")
                && suspendable.contains("ReflectiveCalls.unwrap"),
                "a suspendable method's Method.invoke is a suspension point checked against the reflected method: "
                + suspendable);
        assertEquals("Stack.current Stack.refuse", runtimeCalls.get("suspendableAndSynchronized"),
                "under a monitor: a check that fails if the invoked method suspends");
        assertEquals("Stack.current Stack.refuse", runtimeCalls.get("lockedBlock"));
    }

    /** The distinct calls into {@code dev.weft.internal} made by a method, in order of first appearance. */
    private static String runtimeCallsOf(MethodNode m) {
        StringBuilder out = new StringBuilder();
        for (AbstractInsnNode insn : m.instructions) {
            if (insn instanceof MethodInsnNode && ((MethodInsnNode) insn).owner.startsWith("dev/weft/internal/")) {
                MethodInsnNode call = (MethodInsnNode) insn;
                String name = call.owner.substring("dev/weft/internal/".length()) + "." + call.name;
                if (out.indexOf(name) < 0) {
                    out.append(out.length() == 0 ? "" : " ").append(name);
                }
            }
        }
        return out.toString();
    }
}
