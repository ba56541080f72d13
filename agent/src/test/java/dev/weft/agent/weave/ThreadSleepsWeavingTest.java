package dev.weft.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Suspendable;
import dev.weft.agent.ClassFiles;
import dev.weft.agent.analysis.ClassHierarchy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Cooperative {@code Thread.sleep}: in methods made resumable, calls to {@code Thread.sleep} go to
 * {@code dev.weft.internal.Sleeps} and are suspension points; everywhere else, and with
 * {@code sleep=thread}, they stay as they are.
 */
class ThreadSleepsWeavingTest {
    private static final ClassLoader TEST_LOADER = ThreadSleepsWeavingTest.class.getClassLoader();

    /** The methods whose woven code is inspected. */
    static final class Sleepers {
        @Suspendable
        static void sleeps(long millis) throws InterruptedException {
            Thread.sleep(millis);
            Thread.sleep(millis, 5);
        }

        static void plain() throws InterruptedException {
            Thread.sleep(1);
        }

        @Suspendable
        static void underMonitor(Object lock) throws InterruptedException {
            synchronized (lock) {
                Thread.sleep(1);
            }
        }

        @Suspendable
        static synchronized void synchronizedSleeps() throws InterruptedException {
            Thread.sleep(1);
        }
    }

    @Test
    void sleepsInResumableMethodsBecomeSuspensionPointsOnSleeps() {
        byte[] original = ClassFiles.bytesOf(TEST_LOADER, Sleepers.class.getName().replace('.', '/'));
        ClassWeaver.Result result = ClassWeaver.weave(original, ClassHierarchy.of(TEST_LOADER));
        assertNotNull(result.bytes, "woven: the sleeps are its suspension points");
        assertEquals(List.of(), result.refusals, "a sleep under a monitor stays a thread's sleep and is not refused");
        assertEquals("", ClassFiles.check(result.bytes, TEST_LOADER), "CheckClassAdapter");
        Map<String, String> calls = callsOf(result.bytes);
        String sleeps = calls.get("sleeps");
        assertTrue(sleeps.contains("dev/weft/internal/Sleeps.sleep(J)V") && sleeps.contains("dev/weft/internal/Sleeps.sleep(JI)V"),
                sleeps);
        assertTrue(!sleeps.contains("java/lang/Thread.sleep"), sleeps);
        assertTrue(sleeps.contains("Stack.enter") && sleeps.contains("Stack.unwind"), "made resumable: " + sleeps);
        assertEquals("java/lang/Thread.sleep(J)V", calls.get("plain"), "a plain method keeps Thread.sleep");
        assertEquals("java/lang/Thread.sleep(J)V", calls.get("underMonitor"), "under a monitor the thread sleeps");
        assertEquals("java/lang/Thread.sleep(J)V", calls.get("synchronizedSleeps"));
    }

    /** A class that is no Thread, with a static {@code sleep(long)} of its own. */
    static final class Clock {
        static void sleep(long millis) {
        }
    }

    /** TimeUnit's sleep, a sleep named through a subclass of Thread, and a park, which is no sleep. */
    static final class UnitSleepers extends Thread {
        @Suspendable
        static void sleeps(java.util.concurrent.TimeUnit unit) throws InterruptedException {
            java.util.concurrent.TimeUnit.SECONDS.sleep(1);
            unit.sleep(2);
            sleep(3); // javac names the owner UnitSleepers
            Clock.sleep(4); // a sleep of another class: left alone
            java.util.concurrent.locks.LockSupport.parkNanos(4);
        }

        static void plain() throws InterruptedException {
            java.util.concurrent.TimeUnit.SECONDS.sleep(1);
        }

        @Suspendable
        static void underMonitor(Object lock) throws InterruptedException {
            synchronized (lock) {
                java.util.concurrent.TimeUnit.SECONDS.sleep(1);
            }
        }
    }

    @Test
    void timeUnitSleepsAndSleepsThroughAThreadSubclassAreRedirectedButParksAreNot() {
        byte[] original = ClassFiles.bytesOf(TEST_LOADER, UnitSleepers.class.getName().replace('.', '/'));
        ClassWeaver.Result result = ClassWeaver.weave(original, ClassHierarchy.of(TEST_LOADER));
        assertNotNull(result.bytes);
        assertEquals(List.of(), result.refusals);
        assertEquals("", ClassFiles.check(result.bytes, TEST_LOADER), "CheckClassAdapter");
        Map<String, String> calls = callsOf(result.bytes);
        String sleeps = calls.get("sleeps");
        assertTrue(sleeps.contains("dev/weft/internal/Sleeps.sleep(Ljava/util/concurrent/TimeUnit;J)V")
                && sleeps.contains("dev/weft/internal/Sleeps.sleep(J)V") && sleeps.contains("Stack.unwind"), sleeps);
        assertTrue(!sleeps.contains("TimeUnit.sleep") && !sleeps.contains("UnitSleepers.sleep"), sleeps);
        assertTrue(sleeps.contains("ThreadSleepsWeavingTest$Clock.sleep(J)V"), sleeps);
        assertTrue(parks(result.bytes), "LockSupport.parkNanos stays as it is");
        assertEquals("java/util/concurrent/TimeUnit.sleep(J)V", calls.get("plain"), "a plain method keeps TimeUnit.sleep");
        assertEquals("java/util/concurrent/TimeUnit.sleep(J)V", calls.get("underMonitor"), "under a monitor the thread sleeps");
    }

    private static boolean parks(byte[] bytes) {
        ClassNode woven = new ClassNode();
        new ClassReader(bytes).accept(woven, 0);
        for (MethodNode m : woven.methods) {
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode && ((MethodInsnNode) insn).name.equals("parkNanos")) {
                    return ((MethodInsnNode) insn).owner.equals("java/util/concurrent/locks/LockSupport");
                }
            }
        }
        return false;
    }

    @Test
    void withSleepThreadNothingChanges() {
        byte[] original = ClassFiles.bytesOf(TEST_LOADER, Sleepers.class.getName().replace('.', '/'));
        assertNull(ClassWeaver.weave(original, ClassHierarchy.of(TEST_LOADER), false).bytes,
                "no other suspension point: the class is left unchanged");
    }

    @Test
    void theDurationSleepOfJava19IsRedirectedToo() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V21, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, "gen/DurationSleeper", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "nap", "(Ljava/time/Duration;)V", null,
                new String[] {"java/lang/InterruptedException"});
        mv.visitAnnotation(ClassFiles.SUSPENDABLE, true).visitEnd();
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Thread", "sleep", "(Ljava/time/Duration;)V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        ClassWeaver.Result result = ClassWeaver.weave(cw.toByteArray(), ClassHierarchy.of(TEST_LOADER));
        assertNotNull(result.bytes);
        String nap = callsOf(result.bytes).get("nap");
        assertTrue(nap.contains("dev/weft/internal/Sleeps.sleep(Ljava/time/Duration;)V") && nap.contains("Stack.unwind"), nap);
    }

    /** Per method: its calls to Thread.sleep and Sleeps (with descriptors), and which Stack methods it calls. */
    private static Map<String, String> callsOf(byte[] bytes) {
        ClassNode woven = new ClassNode();
        new ClassReader(bytes).accept(woven, 0);
        Map<String, String> out = new TreeMap<>();
        for (MethodNode m : woven.methods) {
            StringBuilder b = new StringBuilder();
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode) {
                    MethodInsnNode call = (MethodInsnNode) insn;
                    String name = call.owner.equals("dev/weft/internal/Stack") ? "Stack." + call.name
                            : call.name.equals("sleep") ? call.owner + "." + call.name + call.desc : null;
                    if (name != null && b.indexOf(name) < 0) {
                        b.append(b.length() == 0 ? "" : " ").append(name);
                    }
                }
            }
            out.put(m.name, b.toString());
        }
        return out;
    }
}
