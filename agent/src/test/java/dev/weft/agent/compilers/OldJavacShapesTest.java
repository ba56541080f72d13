package dev.weft.agent.compilers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_STATIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ACC_SYNTHETIC;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ARETURN;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.ATHROW;
import static org.objectweb.asm.Opcodes.CHECKCAST;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.GETSTATIC;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.IFNONNULL;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.NEW;
import static org.objectweb.asm.Opcodes.PUTSTATIC;
import static org.objectweb.asm.Opcodes.RETURN;

import dev.weft.agent.ClassFiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Trap 22: class files of javac before Java 8 (versions 45.3 to 51; {@code ClassWeaverTest} covers 52
 * to 69 and JSR/RET). Before version 50 there are no stack map frames, and a class literal was compiled
 * to a synthetic static {@code class$(String)} and a cache field {@code class$java$lang$String}, whose
 * null test leaves a {@code Class} on the operand stack from two branches.
 */
class OldJavacShapesTest {
    private static final String PROBE = "oldjavac/Probe";

    static IntStream oldVersions() {
        return IntStream.of(Opcodes.V1_1, Opcodes.V1_2, Opcodes.V1_3, Opcodes.V1_4, Opcodes.V1_5, Opcodes.V1_6,
                Opcodes.V1_7);
    }

    @ParameterizedTest(name = "class-file version {0}")
    @MethodSource("oldVersions")
    void oldClassWithClassLiteralIdiomIsWovenAndKeepsItsVersion(int version) throws Exception {
        String name = "oldjavac/Literal" + (version & 0xFFFF);
        Map<String, byte[]> classes = new LinkedHashMap<>();
        classes.put(PROBE, ShapeRun.probe(PROBE));
        classes.put(name, classLiteralRunnable(name, version));
        ShapeRun run = ShapeRun.check(classes, name);
        assertEquals(List.of("@class java.lang.String", "java.lang.String", "@class java.lang.String",
                "java.lang.String"), run.reference);
        run.assertWoven(name, "run()V");
        assertEquals(version, new ClassReader(run.woven.get(name)).readInt(4) & 0xFFFF_FFFF,
                "keeps its class-file version");
    }

    /**
     * A {@code SuspendableRunnable} whose {@code run()} does, twice,
     * {@code record(((Class) here(String.class)).getName())}, with the class literal compiled as javac
     * 1.4 did.
     */
    private static byte[] classLiteralRunnable(String name, int version) {
        ClassWriter cw = version >= Opcodes.V1_6 ? ShapeRun.writer() : new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(version, ACC_PUBLIC | ACC_SUPER, name, null, "java/lang/Object", new String[] {"dev/weft/SuspendableRunnable"});
        cw.visitField(ACC_STATIC | ACC_SYNTHETIC, "class$java$lang$String", "Ljava/lang/Class;", null, null).visitEnd();
        ShapeRun.constructor(cw, "java/lang/Object");

        MethodVisitor mv = cw.visitMethod(ACC_STATIC | ACC_SYNTHETIC, "class$", "(Ljava/lang/String;)Ljava/lang/Class;",
                null, null);
        mv.visitCode();
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        mv.visitTryCatchBlock(start, end, handler, "java/lang/ClassNotFoundException");
        mv.visitLabel(start);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Class", "forName", "(Ljava/lang/String;)Ljava/lang/Class;", false);
        mv.visitLabel(end);
        mv.visitInsn(ARETURN);
        mv.visitLabel(handler);
        mv.visitVarInsn(ASTORE, 1);
        mv.visitTypeInsn(NEW, "java/lang/NoClassDefFoundError");
        mv.visitInsn(DUP);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/Throwable", "getMessage", "()Ljava/lang/String;", false);
        mv.visitMethodInsn(INVOKESPECIAL, "java/lang/NoClassDefFoundError", "<init>", "(Ljava/lang/String;)V", false);
        mv.visitInsn(ATHROW);
        mv.visitMaxs(0, 0);
        mv.visitEnd();

        mv = cw.visitMethod(ACC_PUBLIC, "run", "()V", null, new String[] {"java/lang/Exception"});
        mv.visitAnnotation(ClassFiles.SUSPENDABLE, true).visitEnd();
        mv.visitCode();
        for (int i = 0; i < 2; i++) {
            Label cached = new Label();
            Label have = new Label();
            mv.visitFieldInsn(GETSTATIC, name, "class$java$lang$String", "Ljava/lang/Class;");
            mv.visitJumpInsn(IFNONNULL, cached);
            mv.visitLdcInsn("java.lang.String");
            mv.visitMethodInsn(INVOKESTATIC, name, "class$", "(Ljava/lang/String;)Ljava/lang/Class;", false);
            mv.visitInsn(DUP);
            mv.visitFieldInsn(PUTSTATIC, name, "class$java$lang$String", "Ljava/lang/Class;");
            mv.visitJumpInsn(GOTO, have);
            mv.visitLabel(cached);
            mv.visitFieldInsn(GETSTATIC, name, "class$java$lang$String", "Ljava/lang/Class;");
            mv.visitLabel(have);
            mv.visitMethodInsn(INVOKESTATIC, PROBE, "here", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
            mv.visitTypeInsn(CHECKCAST, "java/lang/Class");
            mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/Class", "getName", "()Ljava/lang/String;", false);
            ShapeRun.emitRecord(mv);
        }
        mv.visitInsn(RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
