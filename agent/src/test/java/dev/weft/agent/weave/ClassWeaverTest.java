package dev.weft.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Coroutine;
import dev.weft.SuspendableRunnable;
import dev.weft.agent.ClassFiles;
import dev.weft.agent.ClassFiles.InMemoryLoader;
import dev.weft.agent.analysis.ClassHierarchy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** Class-file versions 52 to 69, old JSR/RET code, already-woven classes and classes with nothing to weave. */
class ClassWeaverTest {
    private static final ClassLoader TEST_LOADER = ClassWeaverTest.class.getClassLoader();
    /** The newest class-file version the running JVM loads (61 on Java 17). */
    private static final int NEWEST_RUNNABLE = Runtime.version().feature() + 44;

    static IntStream versions() {
        return IntStream.rangeClosed(Opcodes.V1_8, Opcodes.V25);
    }

    @ParameterizedTest(name = "class-file version {0}")
    @MethodSource("versions")
    void classOfEveryVersionIsWovenAndPassesCheckClassAdapter(int version) {
        byte[] woven = weave(version, new InMemoryLoader(TEST_LOADER));
        assertEquals(version, new ClassReader(woven).readUnsignedShort(6), "keeps its class-file version");
        assertEquals("", ClassFiles.check(woven, TEST_LOADER), "CheckClassAdapter");
    }

    @ParameterizedTest(name = "class-file version {0}")
    @MethodSource("versions")
    void wovenClassOfEveryVersionRunsWhereTheJvmLoadsIt(int version) throws Exception {
        assumeTrue(version <= NEWEST_RUNNABLE, "this JVM loads class files up to version " + NEWEST_RUNNABLE
                + "; run the tests on JDK 25 to run version " + version);
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER);
        loader.with("gen/Version" + version, weave(version, loader));
        SuspendableRunnable body = (SuspendableRunnable) loader.loadClass("gen.Version" + version)
                .getConstructor().newInstance();
        assertEquals(List.of("v" + version, "again", (long) version), drive(body));
    }

    private static byte[] weave(int version, InMemoryLoader loader) {
        byte[] original = ClassFiles.yieldingRunnable("gen/Version" + version, version);
        ClassWeaver.Result result = ClassWeaver.weave(original, ClassHierarchy.of(loader));
        assertNotNull(result.bytes, "woven");
        assertEquals(List.of(), result.refusals);
        return result.bytes;
    }

    @Test
    void oldClassWithJsrAndRetAroundSuspensionIsInlinedAndRuns() throws Exception {
        String name = "gen/Jsr";
        byte[] original = jsrRunnable(name);
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER);
        ClassWeaver.Result result = ClassWeaver.weave(original, ClassHierarchy.of(loader));
        assertNotNull(result.bytes);
        assertEquals(List.of(), result.refusals);
        assertFalse(containsOpcode(result.bytes, Opcodes.JSR), "JSR inlined");
        assertEquals("", ClassFiles.check(result.bytes, TEST_LOADER));
        loader.with(name, result.bytes);
        SuspendableRunnable body = (SuspendableRunnable) loader.loadClass("gen.Jsr").getConstructor().newInstance();
        assertEquals(List.of("before", "in sub", "after", "in sub"), drive(body));
    }

    @Test
    void wovenClassIsNeverWovenTwice() {
        ClassHierarchy hierarchy = ClassHierarchy.of(TEST_LOADER);
        byte[] original = ClassFiles.bytesOf(TEST_LOADER, "dev/weft/agent/fixtures/Lambdas");
        ClassWeaver.Result once = ClassWeaver.weave(original, hierarchy);
        assertNotNull(once.bytes);
        ClassWeaver.Result twice = ClassWeaver.weave(once.bytes, hierarchy);
        assertNull(twice.bytes, "already woven: unchanged");
        assertEquals(List.of(), twice.refusals);
    }

    @Test
    void classWithARefusedMethodIsNeverWovenTwiceEither() {
        ClassHierarchy hierarchy = ClassHierarchy.of(TEST_LOADER);
        byte[] original = ClassFiles.bytesOf(TEST_LOADER, "dev/weft/agent/fixtures/refused/PlainMethodSuspends");
        ClassWeaver.Result once = ClassWeaver.weave(original, hierarchy);
        assertNotNull(once.bytes);
        assertNull(ClassWeaver.weave(once.bytes, hierarchy).bytes);
    }

    @Test
    void classWithNothingToWeaveIsLeftUnchanged() {
        ClassHierarchy hierarchy = ClassHierarchy.of(TEST_LOADER);
        assertNull(ClassWeaver.weave(ClassFiles.bytesOf(TEST_LOADER, "dev/weft/agent/Trace"), hierarchy).bytes);
        assertNull(ClassWeaver.weave(ClassFiles.bytesOf(TEST_LOADER, "java/lang/String"), hierarchy).bytes);
        byte[] annotatedButNoCalls = ClassFiles.withWork("acme/Idle", "java/lang/Object", null, true);
        assertNull(ClassWeaver.weave(annotatedButNoCalls, hierarchy).bytes, "a suspendable method with no suspension point");
    }

    @Test
    void checkClassAdapterReportsBrokenCode() {
        // The round-trip tests trust an empty report; make sure a broken method does produce one.
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "acme/Broken", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "()I", null, null);
        mv.visitCode();
        mv.visitLdcInsn("not an int");
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(1, 0);
        mv.visitEnd();
        cw.visitEnd();
        String report = ClassFiles.check(cw.toByteArray(), TEST_LOADER);
        assertTrue(report.contains("Expected I, but found Ljava/lang/String;"), "report: " + report);
    }

    private static List<Object> drive(SuspendableRunnable body) {
        Coroutine<Object, Object> c = Coroutine.of(body);
        List<Object> yielded = new ArrayList<>();
        Object y = c.next();
        while (!c.isDone()) {
            yielded.add(y);
            assertTrue(yielded.size() < 100, "keeps yielding: " + yielded);
            y = c.next();
        }
        return yielded;
    }

    /** A Java 5 class whose {@code run()} yields in a subroutine called twice with JSR. */
    private static byte[] jsrRunnable(String name) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_5, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object",
                new String[] {"dev/weft/SuspendableRunnable"});
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "()V", null, null);
        mv.visitAnnotation(ClassFiles.SUSPENDABLE, true).visitEnd();
        mv.visitCode();
        Label sub = new Label();
        emitYield(mv, "before");
        mv.visitJumpInsn(Opcodes.JSR, sub);
        emitYield(mv, "after");
        mv.visitJumpInsn(Opcodes.JSR, sub);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitLabel(sub);
        mv.visitVarInsn(Opcodes.ASTORE, 1);
        emitYield(mv, "in sub");
        mv.visitVarInsn(Opcodes.RET, 1);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void emitYield(MethodVisitor mv, String value) {
        mv.visitLdcInsn(value);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/weft/Coroutine", "yield", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
        mv.visitInsn(Opcodes.POP);
    }

    private static boolean containsOpcode(byte[] bytes, int opcode) {
        org.objectweb.asm.tree.ClassNode node = new org.objectweb.asm.tree.ClassNode();
        new ClassReader(bytes).accept(node, 0);
        return node.methods.stream().anyMatch(m -> {
            for (var insn : m.instructions) {
                if (insn.getOpcode() == opcode) {
                    return true;
                }
            }
            return false;
        });
    }
}
