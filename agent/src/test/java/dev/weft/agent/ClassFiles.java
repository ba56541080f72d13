package dev.weft.agent;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Class files generated with ASM, for cases that source code cannot express (a package outside
 * {@code dev/weft/}, a chosen class-file version), and a loader that serves them.
 */
public final class ClassFiles {
    public static final String SUSPENDABLE = "Ldev/weft/Suspendable;";
    private static final Handle METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory",
            "metafactory", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                    + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
                    + "Ljava/lang/invoke/CallSite;", false);

    private ClassFiles() {
    }

    /** A class with a default constructor and a {@code void work()} that does nothing, optionally annotated. */
    public static byte[] withWork(String name, String superName, String[] interfaces, boolean annotated) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, superName, interfaces);
        constructor(cw, superName);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "work", "()V", null, null);
        if (annotated) {
            mv.visitAnnotation(SUSPENDABLE, true).visitEnd();
        }
        mv.visitCode();
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** An interface with one abstract {@code void work()}, optionally annotated. */
    public static byte[] functionalInterface(String name, boolean annotated) {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_INTERFACE, name, null,
                "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "work", "()V", null, null);
        if (annotated) {
            mv.visitAnnotation(SUSPENDABLE, true).visitEnd();
        }
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** A class whose static {@code make()} returns a lambda {@code () -> {}} implementing {@code itf.work()}. */
    public static byte[] lambdaUser(String name, String itf) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        constructor(cw, "java/lang/Object");
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "make", "()L" + itf + ";", null, null);
        mv.visitCode();
        mv.visitInvokeDynamicInsn("work", "()L" + itf + ";", METAFACTORY, Type.getType("()V"),
                new Handle(Opcodes.H_INVOKESTATIC, name, "lambda$make$0", "()V", false), Type.getType("()V"));
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        mv = cw.visitMethod(Opcodes.ACC_PRIVATE | Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC, "lambda$make$0", "()V",
                null, null);
        mv.visitCode();
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /**
     * A {@code SuspendableRunnable} of the given class-file version whose {@code run()} yields
     * {@code "v" + version} with {@code Coroutine.yield}.
     */
    public static byte[] yieldingRunnable(String name, int version) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(version, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object",
                new String[] {"dev/weft/SuspendableRunnable"});
        constructor(cw, "java/lang/Object");
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "()V", null, new String[] {"java/lang/Exception"});
        mv.visitAnnotation(SUSPENDABLE, true).visitEnd();
        mv.visitCode();
        mv.visitLdcInsn((long) version);
        mv.visitVarInsn(Opcodes.LSTORE, 1);
        mv.visitLdcInsn("v" + version);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/weft/Coroutine", "yield", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
        mv.visitInsn(Opcodes.POP);
        mv.visitLdcInsn("again");
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/weft/Coroutine", "yield", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
        mv.visitInsn(Opcodes.POP);
        mv.visitVarInsn(Opcodes.LLOAD, 1);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Long", "valueOf", "(J)Ljava/lang/Long;", false);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/weft/Coroutine", "yield", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
        mv.visitInsn(Opcodes.POP);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Adds the default constructor, {@code super()} and nothing else. */
    public static void constructor(ClassWriter cw, String superName) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", "()V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Runs ASM's {@code CheckClassAdapter} on a class file; returns what it printed (empty when valid). */
    public static String check(byte[] bytes, ClassLoader loader) {
        java.io.StringWriter out = new java.io.StringWriter();
        try (java.io.PrintWriter pw = new java.io.PrintWriter(out)) {
            org.objectweb.asm.util.CheckClassAdapter.verify(new org.objectweb.asm.ClassReader(bytes), loader, false, pw);
        } catch (RuntimeException e) {
            out.append(e.toString());
        }
        return out.toString();
    }

    /** The class file of a class as {@code loader} finds it. */
    public static byte[] bytesOf(ClassLoader loader, String internalName) {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IllegalArgumentException("no class file for " + internalName);
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True when the bytes contain {@code text} (in ASCII), e.g. a name in the constant pool. */
    public static boolean mentions(byte[] bytes, String text) {
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text);
    }

    /**
     * A loader that serves in-memory class files as resources and defines them on request; everything
     * else comes from its parent.
     */
    public static class InMemoryLoader extends ClassLoader {
        private final Map<String, byte[]> classes = new ConcurrentHashMap<>();

        public InMemoryLoader(ClassLoader parent) {
            super(parent);
        }

        /** Adds a class file under its internal name; returns this loader. */
        public InMemoryLoader with(String internalName, byte[] bytes) {
            classes.put(internalName, bytes);
            return this;
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            if (name.endsWith(".class")) {
                byte[] b = classes.get(name.substring(0, name.length() - ".class".length()));
                if (b != null) {
                    return new ByteArrayInputStream(b);
                }
            }
            return super.getResourceAsStream(name);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = classes.get(name.replace('.', '/'));
            if (b == null) {
                throw new ClassNotFoundException(name);
            }
            return defineClass(name, b, 0, b.length);
        }

        /** The class if this loader has loaded it (as defining or initiating loader), else null. */
        public Class<?> loaded(String name) {
            return findLoadedClass(name);
        }
    }
}
