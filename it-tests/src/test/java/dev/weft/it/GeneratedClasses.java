package dev.weft.it;

import dev.weft.Coroutine;
import dev.weft.SuspendableCallable;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Classes generated at test time, for what javac cannot produce: any class-file version, broken bytes.
 * They are defined through a {@link BytesLoader}, whose classes the agent transforms like any other.
 */
final class GeneratedClasses {
    /** What {@link #drive} returns for a class made by {@link #yieldingCallable}, sent "a", "b", "c". */
    static final List<Object> EXPECTED = List.of(1L, 3L, 10L, "rabc:32:8.0");

    private GeneratedClasses() {
    }

    /**
     * A class {@code name implements SuspendableCallable} whose {@code call()} returns
     * {@code run(3)}, a {@code @Suspendable} static method that yields in a loop and keeps a long, a
     * double, a reference and ints in locals across the yield:
     *
     * <pre>
     * long acc = 1; double d = 0.5; String ref = "r";
     * for (int i = 0; i &lt; n; i++) {
     *     Object sent = Coroutine.yield(acc);
     *     acc = acc * 3 + i; d = d * 2 + i; ref = ref.concat(String.valueOf(sent));
     * }
     * return ref + ":" + acc + ":" + d;
     * </pre>
     */
    static byte[] yieldingCallable(String name, int version) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // never loads classes; the method merges no distinct types
            }
        };
        cw.visit(version, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object",
                new String[] {"dev/weft/SuspendableCallable"});
        objectConstructor(cw);

        MethodVisitor call = cw.visitMethod(Opcodes.ACC_PUBLIC, "call", "()Ljava/lang/Object;", null,
                new String[] {"java/lang/Exception"});
        call.visitCode();
        call.visitInsn(Opcodes.ICONST_3);
        call.visitMethodInsn(Opcodes.INVOKESTATIC, name, "run", "(I)Ljava/lang/String;", false);
        call.visitInsn(Opcodes.ARETURN);
        call.visitMaxs(0, 0);
        call.visitEnd();

        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "run", "(I)Ljava/lang/String;", null, null);
        mv.visitAnnotation("Ldev/weft/Suspendable;", true).visitEnd();
        mv.visitCode();
        mv.visitInsn(Opcodes.LCONST_1);
        mv.visitVarInsn(Opcodes.LSTORE, 1);
        mv.visitLdcInsn(0.5d);
        mv.visitVarInsn(Opcodes.DSTORE, 3);
        mv.visitLdcInsn("r");
        mv.visitVarInsn(Opcodes.ASTORE, 5);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, 6);
        Label loop = new Label();
        Label end = new Label();
        mv.visitLabel(loop);
        mv.visitVarInsn(Opcodes.ILOAD, 6);
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitJumpInsn(Opcodes.IF_ICMPGE, end);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Long", "valueOf", "(J)Ljava/lang/Long;", false);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/weft/Coroutine", "yield", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
        mv.visitVarInsn(Opcodes.ASTORE, 7);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitLdcInsn(3L);
        mv.visitInsn(Opcodes.LMUL);
        mv.visitVarInsn(Opcodes.ILOAD, 6);
        mv.visitInsn(Opcodes.I2L);
        mv.visitInsn(Opcodes.LADD);
        mv.visitVarInsn(Opcodes.LSTORE, 1);
        mv.visitVarInsn(Opcodes.DLOAD, 3);
        mv.visitLdcInsn(2.0d);
        mv.visitInsn(Opcodes.DMUL);
        mv.visitVarInsn(Opcodes.ILOAD, 6);
        mv.visitInsn(Opcodes.I2D);
        mv.visitInsn(Opcodes.DADD);
        mv.visitVarInsn(Opcodes.DSTORE, 3);
        mv.visitVarInsn(Opcodes.ALOAD, 5);
        mv.visitVarInsn(Opcodes.ALOAD, 7);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/String", "valueOf", "(Ljava/lang/Object;)Ljava/lang/String;", false);
        concat(mv);
        mv.visitVarInsn(Opcodes.ASTORE, 5);
        mv.visitIincInsn(6, 1);
        mv.visitJumpInsn(Opcodes.GOTO, loop);
        mv.visitLabel(end);
        mv.visitVarInsn(Opcodes.ALOAD, 5);
        mv.visitLdcInsn(":");
        concat(mv);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/String", "valueOf", "(J)Ljava/lang/String;", false);
        concat(mv);
        mv.visitLdcInsn(":");
        concat(mv);
        mv.visitVarInsn(Opcodes.DLOAD, 3);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/String", "valueOf", "(D)Ljava/lang/String;", false);
        concat(mv);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static void concat(MethodVisitor mv) {
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "concat", "(Ljava/lang/String;)Ljava/lang/String;", false);
    }

    /**
     * Runs a class made by {@link #yieldingCallable} as a coroutine, sending "a", "b", "c"; returns
     * the values it yielded, then its result.
     */
    static List<Object> drive(Class<?> generated) throws ReflectiveOperationException {
        SuspendableCallable<?> callable = (SuspendableCallable<?>) generated.getConstructor().newInstance();
        Object[] result = new Object[1];
        Coroutine<Object, Object> co = Coroutine.of(() -> result[0] = callable.call());
        List<Object> out = new ArrayList<>();
        Object y = co.next();
        for (String sent : List.of("a", "b", "c")) {
            if (co.isDone()) {
                break;
            }
            out.add(y);
            y = co.send(sent);
        }
        out.add(co.isDone() ? result[0] : "still running, yielded " + y);
        return out;
    }

    /**
     * Defines classes from bytes. It also serves those bytes as resources: the agent reads class files
     * through the defining loader's resources, never by loading classes.
     */
    static final class BytesLoader extends ClassLoader {
        private final Map<String, byte[]> resources = new ConcurrentHashMap<>();

        BytesLoader() {
            super("weft-it-generated", BytesLoader.class.getClassLoader());
        }

        Class<?> define(String name, byte[] bytes) {
            String resource = name.replace('.', '/') + ".class";
            resources.put(resource, bytes);
            try {
                return defineClass(name, bytes, 0, bytes.length);
            } catch (LinkageError e) {
                resources.remove(resource);
                throw e;
            }
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            byte[] bytes = resources.get(name);
            return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
        }
    }

    /** Writes a public no-argument constructor that calls {@code Object()}. */
    static void objectConstructor(ClassWriter cw) {
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
    }
}
