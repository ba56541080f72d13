package dev.weft.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import dev.weft.agent.ClassFiles;
import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.fixtures.Point;
import java.util.ArrayList;
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
 * The calls that drive a generator or a coroutine go through {@code Forward} in resumable methods, and
 * only there: plain methods and calls made under a monitor keep them, and a method is never refused
 * for one.
 */
class ForwardedCallsTest {
    private static final ClassLoader TEST_LOADER = ForwardedCallsTest.class.getClassLoader();

    /** The class woven below: one method per case. */
    static final class Sites {
        @Suspendable
        static int resumable(Iterable<Integer> items, Coroutine<Object, Integer> c) {
            int sum = 0;
            for (int i : items) {
                sum += i;
            }
            return sum + c.next() + c.send("x");
        }

        static int plain(Iterable<Integer> items, Coroutine<Object, Integer> c) {
            int sum = 0;
            for (int i : items) {
                sum += i;
            }
            return sum + c.next();
        }

        @Suspendable
        static int underMonitor(List<Integer> items) {
            int sum = Point.here(0);
            synchronized (items) {
                for (int i : items) {
                    sum += i;
                }
            }
            return sum;
        }

        @Suspendable
        static synchronized int synchronizedMethod(List<Integer> items) {
            int sum = 0;
            for (int i : items) {
                sum += i;
            }
            return sum;
        }
    }

    @Test
    void onlyResumableMethodsDriveThroughForwardAndNothingIsRefused() {
        byte[] original = ClassFiles.bytesOf(TEST_LOADER, Sites.class.getName().replace('.', '/'));
        ClassWeaver.Result result = ClassWeaver.weave(original, ClassHierarchy.of(TEST_LOADER));
        assertNotNull(result.bytes);
        assertEquals(List.of(), result.refusals);
        assertEquals("", ClassFiles.check(result.bytes, TEST_LOADER), "CheckClassAdapter");
        Map<String, List<String>> calls = driveCalls(result.bytes);
        assertEquals(List.of("dev/weft/internal/Forward.hasNext", "dev/weft/internal/Forward.next",
                "dev/weft/internal/Forward.coroutineNext", "dev/weft/internal/Forward.coroutineSend"), calls.get("resumable"));
        assertEquals(List.of("java/util/Iterator.hasNext", "java/util/Iterator.next", "dev/weft/Coroutine.next"),
                calls.get("plain"));
        assertEquals(List.of("java/util/Iterator.hasNext", "java/util/Iterator.next"), calls.get("underMonitor"));
        assertEquals(List.of("java/util/Iterator.hasNext", "java/util/Iterator.next"), calls.get("synchronizedMethod"));
    }

    /** The calls of each method to an iterator's or a coroutine's next, hasNext and send, or to Forward. */
    private static Map<String, List<String>> driveCalls(byte[] bytes) {
        ClassNode cls = new ClassNode();
        new ClassReader(bytes).accept(cls, 0);
        Map<String, List<String>> calls = new TreeMap<>();
        for (MethodNode m : cls.methods) {
            List<String> found = new ArrayList<>();
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode) {
                    MethodInsnNode call = (MethodInsnNode) insn;
                    if (call.owner.equals("dev/weft/internal/Forward") || call.owner.equals("java/util/Iterator")
                            || call.owner.equals("dev/weft/Coroutine")) {
                        found.add(call.owner + "." + call.name);
                    }
                }
            }
            calls.put(m.name, found);
        }
        return calls;
    }
}
