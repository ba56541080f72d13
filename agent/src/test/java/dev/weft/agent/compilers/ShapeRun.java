package dev.weft.agent.compilers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.CoroutineException;
import dev.weft.SuspendableRunnable;
import dev.weft.agent.ClassFiles;
import dev.weft.agent.ClassFiles.InMemoryLoader;
import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.weave.ClassWeaver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Runs a set of generated classes (another compiler's shapes) three ways and compares them: un-woven as
 * plain code, woven as plain code, and woven inside a coroutine suspended at every point. The classes
 * suspend through a generated {@code here(Object)} ({@link #probe}) that records the value passing
 * through and yields it when driven; the driver sends it back.
 *
 * <p>Generated classes call back into this class, so it and its recording methods are public.
 */
public final class ShapeRun {
    private static List<String> events = new ArrayList<>();
    private static boolean driven;
    private static int points;

    /** The woven class files of the last {@link #check}, by internal name. */
    final Map<String, byte[]> woven = new LinkedHashMap<>();
    /** What the un-woven classes did. */
    List<String> reference;

    /** Records a value passing a suspension point (called by the generated probe). */
    public static void point(Object value) {
        points++;
        events.add("@" + value);
    }

    /** Records an event (called by generated code). */
    public static void record(Object event) {
        events.add(String.valueOf(event));
    }

    /** True while the classes run inside a coroutine (called by the generated probe). */
    public static boolean driven() {
        return driven;
    }

    /**
     * Weaves every class, checks each woven one with {@code CheckClassAdapter}, runs {@code main} (a
     * {@link SuspendableRunnable} among them) three ways and asserts the three traces agree.
     */
    static ShapeRun check(Map<String, byte[]> classes, String main) throws Exception {
        ShapeRun run = new ShapeRun();
        InMemoryLoader plain = new InMemoryLoader(ShapeRun.class.getClassLoader());
        classes.forEach(plain::with);
        ClassHierarchy hierarchy = ClassHierarchy.of(plain);
        InMemoryLoader wovenLoader = new InMemoryLoader(ShapeRun.class.getClassLoader());
        for (Map.Entry<String, byte[]> c : classes.entrySet()) {
            ClassWeaver.Result result = ClassWeaver.weave(c.getValue(), hierarchy);
            assertEquals(List.of(), result.refusals, c.getKey() + ": nothing refused");
            byte[] bytes = c.getValue();
            if (result.bytes != null) {
                bytes = result.bytes;
                run.woven.put(c.getKey(), bytes);
                assertEquals("", ClassFiles.check(bytes, plain), "CheckClassAdapter on woven " + c.getKey());
            }
            wovenLoader.with(c.getKey(), bytes);
        }
        String binary = main.replace('/', '.');
        run.reference = runPlain(plain.loadClass(binary));
        assertTrue(points > 0, "the classes pass a suspension point: " + run.reference);
        assertEquals(run.reference, runPlain(wovenLoader.loadClass(binary)), "woven, run as plain code");

        events = new ArrayList<>();
        points = 0;
        driven = true;
        int suspensions = 0;
        try {
            Coroutine<Object, Object> co = Coroutine.of(body(wovenLoader.loadClass(binary)));
            Object y = co.next();
            while (!co.isDone()) {
                suspensions++;
                assertTrue(suspensions < 10_000, "keeps suspending");
                y = co.send(y);
            }
        } catch (CoroutineException e) {
            record("threw " + e.getCause());
        } catch (RuntimeException e) {
            record("threw " + e);
        } finally {
            driven = false;
        }
        assertEquals(run.reference, events, "woven, suspended at every point");
        assertEquals(points, suspensions, "one suspension per point");
        return run;
    }

    private static List<String> runPlain(Class<?> main) throws Exception {
        events = new ArrayList<>();
        points = 0;
        driven = false;
        try {
            body(main).run();
        } catch (Exception e) {
            record("threw " + e);
        }
        return List.copyOf(events);
    }

    private static SuspendableRunnable body(Class<?> main) throws ReflectiveOperationException {
        return (SuspendableRunnable) main.getConstructor().newInstance();
    }

    // ---- generation helpers ---------------------------------------------------------------------

    /** A class writer whose frames never need a class loaded (merges of generated types become Object). */
    static ClassWriter writer() {
        return new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object";
            }
        };
    }

    /** {@code public static @Suspendable Object here(Object)}: the suspension point, in class {@code name}. */
    static byte[] probe(String name) {
        ClassWriter cw = writer();
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "here",
                "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        mv.visitAnnotation(ClassFiles.SUSPENDABLE, true).visitEnd();
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/weft/agent/compilers/ShapeRun", "point", "(Ljava/lang/Object;)V", false);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/weft/agent/compilers/ShapeRun", "driven", "()Z", false);
        org.objectweb.asm.Label plain = new org.objectweb.asm.Label();
        mv.visitJumpInsn(Opcodes.IFEQ, plain);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/weft/Coroutine", "yield", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitLabel(plain);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Emits {@code ShapeRun.record(top of stack)}. */
    static void emitRecord(MethodVisitor mv) {
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "dev/weft/agent/compilers/ShapeRun", "record", "(Ljava/lang/Object;)V", false);
    }

    /** Emits a public no-argument constructor calling {@code superName}'s. */
    static void constructor(ClassWriter cw, String superName) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", "()V", false);
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    /** Asserts that {@code method} (name+descriptor) of a woven class calls the runtime's frame stack. */
    void assertWoven(String owner, String method) {
        byte[] bytes = woven.get(owner);
        assertNotNull(bytes, owner + " was woven");
        org.objectweb.asm.tree.ClassNode node = new org.objectweb.asm.tree.ClassNode();
        new org.objectweb.asm.ClassReader(bytes).accept(node, 0);
        boolean found = node.methods.stream().filter(m -> (m.name + m.desc).equals(method)).anyMatch(m -> {
            for (var insn : m.instructions) {
                if (insn instanceof org.objectweb.asm.tree.MethodInsnNode
                        && ((org.objectweb.asm.tree.MethodInsnNode) insn).owner.equals("dev/weft/internal/Stack")) {
                    return true;
                }
            }
            return false;
        });
        assertTrue(found, owner + "." + method + " is resumable");
    }
}
