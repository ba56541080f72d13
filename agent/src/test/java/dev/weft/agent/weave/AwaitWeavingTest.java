package dev.weft.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.Suspendable;
import dev.weft.agent.ClassFiles;
import dev.weft.agent.analysis.ClassHierarchy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Calls to {@code Hub.await(CompletionStage)} test for a completed future themselves
 * ({@code Futures.valueIfDone}) and call {@code Hub.await} only for one that has not completed: in
 * resumable methods, and in plain ones, which check for a lost suspension after the call.
 */
class AwaitWeavingTest {
    private static final ClassLoader TEST_LOADER = AwaitWeavingTest.class.getClassLoader();

    /** The methods whose woven code is inspected and run. */
    public static final class Awaits {
        @Suspendable
        public static Object awaits(CompletionStage<?> stage) {
            return Hub.await(stage);
        }

        /** The result beneath other values on the operand stack, in a loop: the test's branch joins them. */
        @Suspendable
        public static String summed(CompletionStage<Integer> stage, int times) {
            long sum = 0;
            String prefix = "sum ";
            for (int i = 0; i < times; i++) {
                sum += Hub.await(stage) + (long) i;
            }
            return prefix + sum;
        }

        public static Object plain(CompletionStage<?> stage) {
            return Hub.await(stage);
        }
    }

    @Test
    void wovenAwaitsTestForACompletedFutureBeforeTheCall() throws Exception {
        byte[] woven = weave();
        List<String> awaits = callsOf(woven, "awaits");
        int test = awaits.indexOf("dev/weft/internal/Futures.valueIfDone");
        int pending = awaits.indexOf("dev/weft/internal/Futures.PENDING");
        int call = awaits.indexOf("dev/weft/Hub.await");
        assertTrue(test >= 0 && test < pending && pending < call, "the test, then the call: " + awaits);
        assertTrue(awaits.contains("dev/weft/internal/Stack.unwind"), "still a suspension point: " + awaits);
        List<String> plain = callsOf(woven, "plain");
        int plainTest = plain.indexOf("dev/weft/internal/Futures.valueIfDone");
        int plainCall = plain.indexOf("dev/weft/Hub.await");
        assertTrue(plainTest >= 0 && plainTest < plainCall && plain.contains("dev/weft/internal/Stack.refuse"),
                "a plain method tests too, then calls Hub.await with the check for a lost suspension after it: " + plain);
    }

    @Test
    void theWovenCodeAnswersCompletedFuturesOnAPlainThread() throws Exception {
        Class<?> woven = new ClassLoader(TEST_LOADER) {
            Class<?> define(byte[] bytes) {
                return defineClass(Awaits.class.getName(), bytes, 0, bytes.length);
            }
        }.define(weave());
        Method awaits = woven.getMethod("awaits", CompletionStage.class);
        assertEquals("done", awaits.invoke(null, CompletableFuture.completedFuture("done")));
        IllegalStateException failure = new IllegalStateException("failed");
        InvocationTargetException thrown = org.junit.jupiter.api.Assertions.assertThrows(InvocationTargetException.class,
                () -> awaits.invoke(null, CompletableFuture.failedFuture(failure)));
        assertSame(failure, thrown.getCause(), "unwrapped, as Hub.await throws it");
        Method plain = woven.getMethod("plain", CompletionStage.class);
        assertEquals("plain", plain.invoke(null, CompletableFuture.completedFuture("plain")));
        thrown = org.junit.jupiter.api.Assertions.assertThrows(InvocationTargetException.class,
                () -> plain.invoke(null, CompletableFuture.failedFuture(failure)));
        assertSame(failure, thrown.getCause());
        Method summed = woven.getMethod("summed", CompletionStage.class, int.class);
        assertEquals("sum " + (3 * 7 + 3), summed.invoke(null, CompletableFuture.completedFuture(7), 3));
    }

    private static byte[] weave() {
        byte[] original = ClassFiles.bytesOf(TEST_LOADER, Awaits.class.getName().replace('.', '/'));
        ClassWeaver.Result result = ClassWeaver.weave(original, ClassHierarchy.of(TEST_LOADER));
        assertNotNull(result.bytes, "woven");
        assertEquals(List.of(), result.refusals);
        assertEquals("", ClassFiles.check(result.bytes, TEST_LOADER), "CheckClassAdapter");
        return result.bytes;
    }

    /** The calls and static field reads of method {@code name}, in order, as {@code owner.name}. */
    private static List<String> callsOf(byte[] bytes, String name) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, 0);
        List<String> out = new ArrayList<>();
        for (MethodNode m : node.methods) {
            if (!m.name.equals(name)) {
                continue;
            }
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode) {
                    out.add(((MethodInsnNode) insn).owner + "." + ((MethodInsnNode) insn).name);
                } else if (insn instanceof FieldInsnNode && insn.getOpcode() == org.objectweb.asm.Opcodes.GETSTATIC) {
                    out.add(((FieldInsnNode) insn).owner + "." + ((FieldInsnNode) insn).name);
                }
            }
        }
        return out;
    }
}
