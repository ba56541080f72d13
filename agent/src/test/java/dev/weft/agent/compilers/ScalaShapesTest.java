package dev.weft.agent.compilers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.objectweb.asm.Opcodes.ACC_ABSTRACT;
import static org.objectweb.asm.Opcodes.ACC_BRIDGE;
import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_INTERFACE;
import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_STATIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.ACC_SYNTHETIC;
import static org.objectweb.asm.Opcodes.ALOAD;
import static org.objectweb.asm.Opcodes.ARETURN;
import static org.objectweb.asm.Opcodes.ASTORE;
import static org.objectweb.asm.Opcodes.CHECKCAST;
import static org.objectweb.asm.Opcodes.DUP;
import static org.objectweb.asm.Opcodes.GETFIELD;
import static org.objectweb.asm.Opcodes.GETSTATIC;
import static org.objectweb.asm.Opcodes.GOTO;
import static org.objectweb.asm.Opcodes.IADD;
import static org.objectweb.asm.Opcodes.ICONST_0;
import static org.objectweb.asm.Opcodes.ICONST_1;
import static org.objectweb.asm.Opcodes.ICONST_2;
import static org.objectweb.asm.Opcodes.IF_ICMPGE;
import static org.objectweb.asm.Opcodes.IFNONNULL;
import static org.objectweb.asm.Opcodes.IINC;
import static org.objectweb.asm.Opcodes.ILOAD;
import static org.objectweb.asm.Opcodes.IMUL;
import static org.objectweb.asm.Opcodes.INSTANCEOF;
import static org.objectweb.asm.Opcodes.INVOKEINTERFACE;
import static org.objectweb.asm.Opcodes.INVOKESPECIAL;
import static org.objectweb.asm.Opcodes.INVOKESTATIC;
import static org.objectweb.asm.Opcodes.INVOKEVIRTUAL;
import static org.objectweb.asm.Opcodes.IRETURN;
import static org.objectweb.asm.Opcodes.ISTORE;
import static org.objectweb.asm.Opcodes.I2L;
import static org.objectweb.asm.Opcodes.LADD;
import static org.objectweb.asm.Opcodes.LCONST_0;
import static org.objectweb.asm.Opcodes.LLOAD;
import static org.objectweb.asm.Opcodes.LRETURN;
import static org.objectweb.asm.Opcodes.LSTORE;
import static org.objectweb.asm.Opcodes.NEW;
import static org.objectweb.asm.Opcodes.POP;
import static org.objectweb.asm.Opcodes.PUTFIELD;
import static org.objectweb.asm.Opcodes.PUTSTATIC;
import static org.objectweb.asm.Opcodes.RETURN;
import static org.objectweb.asm.Opcodes.V1_8;

import dev.weft.agent.ClassFiles;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * Trap 22: the shapes scalac 2.13 emits, generated with ASM as {@code scalac -d} writes them (checked
 * against scalac 2.13.15's output with {@code javap}): a module class {@code Sums$} with {@code MODULE$}
 * and static forwarders in {@code Sums}; a trait compiled to an interface with a default method, its
 * static accessor {@code step$} (which carries no annotation) and {@code $init$}; a class mixing it in
 * through a forwarder; a bridge that unboxes through {@code BoxesRunTime}; a {@code @specialized} trait
 * with {@code apply$mcI$sp} and its accessor {@code apply$mcI$sp$}; a lambda created by
 * {@code LambdaMetafactory.altMetafactory} with {@code FLAG_SERIALIZABLE} and a {@code $deserializeLambda$}.
 */
class ScalaShapesTest {
    private static final String P = "scalagen/";
    private static final String PROBE = P + "Probe";
    private static final String BOXES = "scala/runtime/BoxesRunTime";
    private static final String OBJ = "java/lang/Object";
    private static final String HERE = "(Ljava/lang/Object;)Ljava/lang/Object;";

    @Test
    void scalaShapesAreWovenAndBehaveAsUnwovenWhenSuspendedAtEveryPoint() throws Exception {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        classes.put(PROBE, ShapeRun.probe(PROBE));
        classes.put(BOXES, boxesRunTime());
        classes.put(P + "Job", job());
        classes.put(P + "Sums$", module());
        classes.put(P + "Sums", staticForwarders());
        classes.put(P + "Stepper", trait());
        classes.put(P + "Walker", walker());
        classes.put(P + "Box", box());
        classes.put(P + "IntBox", intBox());
        classes.put(P + "Fn", specializedTrait());
        classes.put(P + "Inc", inc());
        classes.put(P + "Twice", twice());
        classes.put(P + "Main", main());

        ShapeRun run = ShapeRun.check(classes, P + "Main");

        assertEquals(List.of("@0", "@1", "@2", "@3", "6", "@2", "102", "@3", "105", "@41", "42", "@inc", "2",
                "@inc", "8", "@5", "10", "@x", "lam:x", "true"), run.reference);
        run.assertWoven(P + "Sums$", "sum(I)J");
        run.assertWoven(P + "Sums", "sum(I)J");
        run.assertWoven(P + "Stepper", "step(I)I");
        run.assertWoven(P + "Stepper", "step$(L" + P + "Stepper;I)I");
        run.assertWoven(P + "Walker", "step(I)I");
        run.assertWoven(P + "IntBox", "get(Ljava/lang/Object;)Ljava/lang/Object;");
        run.assertWoven(P + "Fn", "apply$mcI$sp$(L" + P + "Fn;I)I");
        run.assertWoven(P + "Twice", "apply$mcI$sp(I)I");
        run.assertWoven(P + "Sums$", "$anonfun$body$1(Ljava/lang/Object;)Ljava/lang/Object;");
        assertFalse(run.woven.containsKey(BOXES), "nothing to weave in BoxesRunTime");
        assertTrue(ClassFiles.mentions(run.woven.get(P + "Sums$"), "altMetafactory"), "the lambda site keeps its factory");
    }

    // ---- the classes, as scalac lays them out ----------------------------------------------------

    /** {@code scala.runtime.BoxesRunTime}'s two methods used here (null unboxes to 0, as Scala's does). */
    private static byte[] boxesRunTime() {
        ClassWriter cw = open(BOXES, OBJ, ACC_PUBLIC | ACC_SUPER);
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "boxToInteger", "(I)Ljava/lang/Integer;", null, null);
        mv.visitCode();
        mv.visitVarInsn(ILOAD, 0);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
        end(mv, ARETURN);
        mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "unboxToInt", "(Ljava/lang/Object;)I", null, null);
        mv.visitCode();
        Label present = new Label();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitJumpInsn(IFNONNULL, present);
        mv.visitInsn(ICONST_0);
        mv.visitInsn(IRETURN);
        mv.visitLabel(present);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitTypeInsn(CHECKCAST, "java/lang/Integer");
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/Integer", "intValue", "()I", false);
        end(mv, IRETURN);
        return close(cw);
    }

    /** A suspendable functional interface (a Java one, as Scala code would implement). */
    private static byte[] job() {
        ClassWriter cw = open(P + "Job", OBJ, ACC_PUBLIC | ACC_INTERFACE | ACC_ABSTRACT);
        suspendable(cw.visitMethod(ACC_PUBLIC | ACC_ABSTRACT, "work", HERE, null, null)).visitEnd();
        return close(cw);
    }

    /** {@code object Sums { def sum(n: Int): Long; def body(): Job = x => "lam:" + here(x) }}: the module class. */
    private static byte[] module() {
        String name = P + "Sums$";
        ClassWriter cw = open(name, OBJ, ACC_PUBLIC | ACC_FINAL | ACC_SUPER);
        cw.visitField(ACC_PUBLIC | ACC_STATIC | ACC_FINAL, "MODULE$", "L" + name + ";", null, null).visitEnd();
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "<clinit>", "()V", null, null);
        mv.visitCode();
        mv.visitTypeInsn(NEW, name);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKESPECIAL, name, "<init>", "()V", false);
        mv.visitFieldInsn(PUTSTATIC, name, "MODULE$", "L" + name + ";");
        end(mv, RETURN);
        mv = cw.visitMethod(ACC_PRIVATE, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESPECIAL, OBJ, "<init>", "()V", false);
        end(mv, RETURN);

        // var s = 0L; var i = 0; while (i < n) { s += here(Long.valueOf(i)).longValue; i += 1 }; s
        mv = suspendable(cw.visitMethod(ACC_PUBLIC, "sum", "(I)J", null, null));
        mv.visitCode();
        mv.visitInsn(LCONST_0);
        mv.visitVarInsn(LSTORE, 2);
        mv.visitInsn(ICONST_0);
        mv.visitVarInsn(ISTORE, 4);
        Label loop = new Label();
        Label done = new Label();
        mv.visitLabel(loop);
        mv.visitVarInsn(ILOAD, 4);
        mv.visitVarInsn(ILOAD, 1);
        mv.visitJumpInsn(IF_ICMPGE, done);
        mv.visitVarInsn(LLOAD, 2);
        mv.visitVarInsn(ILOAD, 4);
        mv.visitInsn(I2L);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "valueOf", "(J)Ljava/lang/Long;", false);
        here(mv);
        mv.visitTypeInsn(CHECKCAST, "java/lang/Long");
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/Long", "longValue", "()J", false);
        mv.visitInsn(LADD);
        mv.visitVarInsn(LSTORE, 2);
        mv.visitIincInsn(4, 1);
        mv.visitJumpInsn(GOTO, loop);
        mv.visitLabel(done);
        mv.visitVarInsn(LLOAD, 2);
        end(mv, LRETURN);

        Handle body = new Handle(org.objectweb.asm.Opcodes.H_INVOKESTATIC, name, "$anonfun$body$1", HERE, false);
        mv = cw.visitMethod(ACC_PUBLIC, "body", "()L" + P + "Job;", null, null);
        mv.visitCode();
        mv.visitInvokeDynamicInsn("work", "()L" + P + "Job;", new Handle(org.objectweb.asm.Opcodes.H_INVOKESTATIC,
                "java/lang/invoke/LambdaMetafactory", "altMetafactory", "(Ljava/lang/invoke/MethodHandles$Lookup;"
                        + "Ljava/lang/String;Ljava/lang/invoke/MethodType;[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;",
                false), Type.getType(HERE), body, Type.getType(HERE), 1 /* FLAG_SERIALIZABLE */);
        end(mv, ARETURN);

        mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC | ACC_FINAL | ACC_SYNTHETIC, "$anonfun$body$1", HERE, null, null);
        mv.visitCode();
        mv.visitTypeInsn(NEW, "java/lang/StringBuilder");
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKESPECIAL, "java/lang/StringBuilder", "<init>", "()V", false);
        mv.visitLdcInsn("lam:");
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/StringBuilder", "append", "(Ljava/lang/String;)Ljava/lang/StringBuilder;", false);
        mv.visitVarInsn(ALOAD, 0);
        here(mv);
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/StringBuilder", "append", "(Ljava/lang/Object;)Ljava/lang/StringBuilder;", false);
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/StringBuilder", "toString", "()Ljava/lang/String;", false);
        end(mv, ARETURN);

        // scalac adds this to every class with serializable lambdas; it runs only on deserialization.
        mv = cw.visitMethod(ACC_PRIVATE | ACC_STATIC | ACC_SYNTHETIC, "$deserializeLambda$",
                "(Ljava/lang/invoke/SerializedLambda;)Ljava/lang/Object;", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitInvokeDynamicInsn("lambdaDeserialize", "(Ljava/lang/invoke/SerializedLambda;)Ljava/lang/Object;",
                new Handle(org.objectweb.asm.Opcodes.H_INVOKESTATIC, "scala/runtime/LambdaDeserialize", "bootstrap",
                        "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
                                + "[Ljava/lang/invoke/MethodHandle;)Ljava/lang/invoke/CallSite;", false), body);
        end(mv, ARETURN);
        return close(cw);
    }

    /** The mirror class {@code Sums}: static forwarders to {@code Sums$.MODULE$}, annotations copied. */
    private static byte[] staticForwarders() {
        String module = P + "Sums$";
        ClassWriter cw = open(P + "Sums", OBJ, ACC_PUBLIC | ACC_FINAL | ACC_SUPER);
        MethodVisitor mv = suspendable(cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "sum", "(I)J", null, null));
        mv.visitCode();
        mv.visitFieldInsn(GETSTATIC, module, "MODULE$", "L" + module + ";");
        mv.visitVarInsn(ILOAD, 0);
        mv.visitMethodInsn(INVOKEVIRTUAL, module, "sum", "(I)J", false);
        end(mv, LRETURN);
        mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "body", "()L" + P + "Job;", null, null);
        mv.visitCode();
        mv.visitFieldInsn(GETSTATIC, module, "MODULE$", "L" + module + ";");
        mv.visitMethodInsn(INVOKEVIRTUAL, module, "body", "()L" + P + "Job;", false);
        end(mv, ARETURN);
        return close(cw);
    }

    /** {@code trait Stepper { var count = 100; @Suspendable def step(n: Int): Int = { count += here(n); count } }}. */
    private static byte[] trait() {
        String name = P + "Stepper";
        ClassWriter cw = open(name, OBJ, ACC_PUBLIC | ACC_INTERFACE | ACC_ABSTRACT);
        cw.visitMethod(ACC_PUBLIC | ACC_ABSTRACT, "count", "()I", null, null).visitEnd();
        cw.visitMethod(ACC_PUBLIC | ACC_ABSTRACT, "count_$eq", "(I)V", null, null).visitEnd();
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC | ACC_SYNTHETIC, "step$", "(L" + name + ";I)I", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ILOAD, 1);
        mv.visitMethodInsn(INVOKESPECIAL, name, "step", "(I)I", true);
        end(mv, IRETURN);
        mv = suspendable(cw.visitMethod(ACC_PUBLIC, "step", "(I)I", null, null));
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKEINTERFACE, name, "count", "()I", true);
        mv.visitVarInsn(ILOAD, 1);
        boxInt(mv);
        here(mv);
        unboxInt(mv);
        mv.visitInsn(IADD);
        mv.visitMethodInsn(INVOKEINTERFACE, name, "count_$eq", "(I)V", true);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKEINTERFACE, name, "count", "()I", true);
        end(mv, IRETURN);
        mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC, "$init$", "(L" + name + ";)V", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitIntInsn(org.objectweb.asm.Opcodes.BIPUSH, 100);
        mv.visitMethodInsn(INVOKEINTERFACE, name, "count_$eq", "(I)V", true);
        end(mv, RETURN);
        return close(cw);
    }

    /** {@code class Walker extends Stepper}: the field, its accessors, and the mixin forwarder to {@code step$}. */
    private static byte[] walker() {
        String name = P + "Walker";
        String trait = P + "Stepper";
        ClassWriter cw = open(name, OBJ, ACC_PUBLIC | ACC_SUPER, trait);
        cw.visitField(ACC_PRIVATE, "count", "I", null, null).visitEnd();
        MethodVisitor mv = suspendable(cw.visitMethod(ACC_PUBLIC, "step", "(I)I", null, null));
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ILOAD, 1);
        mv.visitMethodInsn(INVOKESTATIC, trait, "step$", "(L" + trait + ";I)I", true);
        end(mv, IRETURN);
        mv = cw.visitMethod(ACC_PUBLIC, "count", "()I", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitFieldInsn(GETFIELD, name, "count", "I");
        end(mv, IRETURN);
        mv = cw.visitMethod(ACC_PUBLIC, "count_$eq", "(I)V", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ILOAD, 1);
        mv.visitFieldInsn(PUTFIELD, name, "count", "I");
        end(mv, RETURN);
        mv = cw.visitMethod(ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESPECIAL, OBJ, "<init>", "()V", false);
        mv.visitVarInsn(ALOAD, 0);
        mv.visitMethodInsn(INVOKESTATIC, trait, "$init$", "(L" + trait + ";)V", true);
        end(mv, RETURN);
        return close(cw);
    }

    /** {@code abstract class Box[T] { @Suspendable def get(x: T): T }}. */
    private static byte[] box() {
        ClassWriter cw = open(P + "Box", OBJ, ACC_PUBLIC | ACC_ABSTRACT | ACC_SUPER);
        ShapeRun.constructor(cw, OBJ);
        suspendable(cw.visitMethod(ACC_PUBLIC | ACC_ABSTRACT, "get", HERE, null, null)).visitEnd();
        return close(cw);
    }

    /** {@code class IntBox extends Box[Int] { def get(x: Int): Int = here(x) + 1 }}, with the unboxing bridge. */
    private static byte[] intBox() {
        String name = P + "IntBox";
        ClassWriter cw = open(name, P + "Box", ACC_PUBLIC | ACC_SUPER);
        ShapeRun.constructor(cw, P + "Box");
        MethodVisitor mv = suspendable(cw.visitMethod(ACC_PUBLIC, "get", "(I)I", null, null));
        mv.visitCode();
        mv.visitVarInsn(ILOAD, 1);
        boxInt(mv);
        here(mv);
        unboxInt(mv);
        mv.visitInsn(ICONST_1);
        mv.visitInsn(IADD);
        end(mv, IRETURN);
        boxingBridge(cw, name, "get");
        return close(cw);
    }

    /** {@code trait Fn[@specialized(Int) T] { @Suspendable def apply(x: T): T }}. */
    private static byte[] specializedTrait() {
        String name = P + "Fn";
        ClassWriter cw = open(name, OBJ, ACC_PUBLIC | ACC_INTERFACE | ACC_ABSTRACT);
        suspendable(cw.visitMethod(ACC_PUBLIC | ACC_ABSTRACT, "apply", HERE, null, null)).visitEnd();
        MethodVisitor mv = cw.visitMethod(ACC_PUBLIC | ACC_STATIC | ACC_SYNTHETIC, "apply$mcI$sp$", "(L" + name + ";I)I",
                null, null);
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ILOAD, 1);
        mv.visitMethodInsn(INVOKESPECIAL, name, "apply$mcI$sp", "(I)I", true);
        end(mv, IRETURN);
        mv = suspendable(cw.visitMethod(ACC_PUBLIC, "apply$mcI$sp", "(I)I", null, null));
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ILOAD, 1);
        mv.visitMethodInsn(INVOKESTATIC, BOXES, "boxToInteger", "(I)Ljava/lang/Integer;", false);
        mv.visitMethodInsn(INVOKEINTERFACE, name, "apply", HERE, true);
        mv.visitMethodInsn(INVOKESTATIC, BOXES, "unboxToInt", "(Ljava/lang/Object;)I", false);
        end(mv, IRETURN);
        return close(cw);
    }

    /** {@code class Inc extends Fn[Int] { def apply(x: Int) = { here("inc"); x + 1 } }}: specialized. */
    private static byte[] inc() {
        String name = P + "Inc";
        ClassWriter cw = open(name, OBJ, ACC_PUBLIC | ACC_SUPER, P + "Fn");
        ShapeRun.constructor(cw, OBJ);
        MethodVisitor mv = suspendable(cw.visitMethod(ACC_PUBLIC, "apply", "(I)I", null, null));
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ILOAD, 1);
        mv.visitMethodInsn(INVOKEVIRTUAL, name, "apply$mcI$sp", "(I)I", false);
        end(mv, IRETURN);
        mv = suspendable(cw.visitMethod(ACC_PUBLIC, "apply$mcI$sp", "(I)I", null, null));
        mv.visitCode();
        mv.visitLdcInsn("inc");
        here(mv);
        mv.visitInsn(POP);
        mv.visitVarInsn(ILOAD, 1);
        mv.visitInsn(ICONST_1);
        mv.visitInsn(IADD);
        end(mv, IRETURN);
        boxingBridge(cw, name, "apply");
        return close(cw);
    }

    /**
     * A class implementing only the generic {@code apply} ({@code here(x) * 2}) and reaching the
     * specialized variant through the trait's static accessor {@code apply$mcI$sp$}.
     */
    private static byte[] twice() {
        String name = P + "Twice";
        String trait = P + "Fn";
        ClassWriter cw = open(name, OBJ, ACC_PUBLIC | ACC_SUPER, trait);
        ShapeRun.constructor(cw, OBJ);
        MethodVisitor mv = suspendable(cw.visitMethod(ACC_PUBLIC, "apply", HERE, null, null));
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 1);
        here(mv);
        mv.visitMethodInsn(INVOKESTATIC, BOXES, "unboxToInt", "(Ljava/lang/Object;)I", false);
        mv.visitInsn(ICONST_2);
        mv.visitInsn(IMUL);
        mv.visitMethodInsn(INVOKESTATIC, BOXES, "boxToInteger", "(I)Ljava/lang/Integer;", false);
        end(mv, ARETURN);
        mv = suspendable(cw.visitMethod(ACC_PUBLIC, "apply$mcI$sp", "(I)I", null, null));
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ILOAD, 1);
        mv.visitMethodInsn(INVOKESTATIC, trait, "apply$mcI$sp$", "(L" + trait + ";I)I", true);
        end(mv, IRETURN);
        return close(cw);
    }

    /** The body: calls every shape from Java-like code and records each result. */
    private static byte[] main() {
        String name = P + "Main";
        ClassWriter cw = open(name, OBJ, ACC_PUBLIC | ACC_SUPER, "dev/weft/SuspendableRunnable");
        ShapeRun.constructor(cw, OBJ);
        MethodVisitor mv = suspendable(cw.visitMethod(ACC_PUBLIC, "run", "()V", null, new String[] {"java/lang/Exception"}));
        mv.visitCode();
        mv.visitInsn(org.objectweb.asm.Opcodes.ICONST_4);
        mv.visitMethodInsn(INVOKESTATIC, P + "Sums", "sum", "(I)J", false);
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Long", "valueOf", "(J)Ljava/lang/Long;", false);
        ShapeRun.emitRecord(mv);

        newInstance(mv, P + "Walker");
        mv.visitVarInsn(ASTORE, 1);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitInsn(ICONST_2);
        mv.visitMethodInsn(INVOKEVIRTUAL, P + "Walker", "step", "(I)I", false);
        boxInt(mv);
        ShapeRun.emitRecord(mv);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitInsn(org.objectweb.asm.Opcodes.ICONST_3);
        mv.visitMethodInsn(INVOKEINTERFACE, P + "Stepper", "step", "(I)I", true);
        boxInt(mv);
        ShapeRun.emitRecord(mv);

        newInstance(mv, P + "IntBox");
        mv.visitIntInsn(org.objectweb.asm.Opcodes.BIPUSH, 41);
        boxInt(mv);
        mv.visitMethodInsn(INVOKEVIRTUAL, P + "Box", "get", HERE, false);
        ShapeRun.emitRecord(mv);

        newInstance(mv, P + "Inc");
        mv.visitVarInsn(ASTORE, 2);
        mv.visitVarInsn(ALOAD, 2);
        mv.visitInsn(ICONST_1);
        boxInt(mv);
        mv.visitMethodInsn(INVOKEINTERFACE, P + "Fn", "apply", HERE, true);
        ShapeRun.emitRecord(mv);
        mv.visitVarInsn(ALOAD, 2);
        mv.visitIntInsn(org.objectweb.asm.Opcodes.BIPUSH, 7);
        mv.visitMethodInsn(INVOKEINTERFACE, P + "Fn", "apply$mcI$sp", "(I)I", true);
        boxInt(mv);
        ShapeRun.emitRecord(mv);

        newInstance(mv, P + "Twice");
        mv.visitInsn(org.objectweb.asm.Opcodes.ICONST_5);
        mv.visitMethodInsn(INVOKEINTERFACE, P + "Fn", "apply$mcI$sp", "(I)I", true);
        boxInt(mv);
        ShapeRun.emitRecord(mv);

        mv.visitMethodInsn(INVOKESTATIC, P + "Sums", "body", "()L" + P + "Job;", false);
        mv.visitVarInsn(ASTORE, 3);
        mv.visitVarInsn(ALOAD, 3);
        mv.visitLdcInsn("x");
        mv.visitMethodInsn(INVOKEINTERFACE, P + "Job", "work", HERE, true);
        ShapeRun.emitRecord(mv);
        mv.visitVarInsn(ALOAD, 3);
        mv.visitTypeInsn(INSTANCEOF, "java/io/Serializable");
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Boolean", "valueOf", "(Z)Ljava/lang/Boolean;", false);
        ShapeRun.emitRecord(mv);
        end(mv, RETURN);
        return close(cw);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static ClassWriter open(String name, String superName, int access, String... interfaces) {
        ClassWriter cw = ShapeRun.writer();
        cw.visit(V1_8, access, name, null, superName, interfaces.length == 0 ? null : interfaces);
        return cw;
    }

    private static byte[] close(ClassWriter cw) {
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static MethodVisitor suspendable(MethodVisitor mv) {
        mv.visitAnnotation(ClassFiles.SUSPENDABLE, true).visitEnd();
        return mv;
    }

    private static void end(MethodVisitor mv, int returnOpcode) {
        mv.visitInsn(returnOpcode);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    private static void here(MethodVisitor mv) {
        mv.visitMethodInsn(INVOKESTATIC, PROBE, "here", HERE, false);
    }

    private static void boxInt(MethodVisitor mv) {
        mv.visitMethodInsn(INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
    }

    private static void unboxInt(MethodVisitor mv) {
        mv.visitTypeInsn(CHECKCAST, "java/lang/Integer");
        mv.visitMethodInsn(INVOKEVIRTUAL, "java/lang/Integer", "intValue", "()I", false);
    }

    private static void newInstance(MethodVisitor mv, String type) {
        mv.visitTypeInsn(NEW, type);
        mv.visitInsn(DUP);
        mv.visitMethodInsn(INVOKESPECIAL, type, "<init>", "()V", false);
    }

    /** scalac's bridge {@code Object name(Object)} to {@code int name(int)}, unboxing and boxing, annotation copied. */
    private static void boxingBridge(ClassWriter cw, String owner, String name) {
        MethodVisitor mv = suspendable(cw.visitMethod(ACC_PUBLIC | ACC_BRIDGE | ACC_SYNTHETIC, name, HERE, null, null));
        mv.visitCode();
        mv.visitVarInsn(ALOAD, 0);
        mv.visitVarInsn(ALOAD, 1);
        mv.visitMethodInsn(INVOKESTATIC, BOXES, "unboxToInt", "(Ljava/lang/Object;)I", false);
        mv.visitMethodInsn(INVOKEVIRTUAL, owner, name, "(I)I", false);
        mv.visitMethodInsn(INVOKESTATIC, BOXES, "boxToInteger", "(I)Ljava/lang/Integer;", false);
        end(mv, ARETURN);
    }
}
