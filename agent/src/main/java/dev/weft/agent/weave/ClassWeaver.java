package dev.weft.agent.weave;

import dev.weft.agent.analysis.ClassHierarchy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodTooLargeException;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.commons.JSRInlinerAdapter;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;

/**
 * Weaves one class: finds the methods to make resumable (annotated, overriding an annotated method,
 * or implementing a suspendable functional interface as a lambda), rewrites each with a
 * {@link MethodWeaver}, links its method references to suspendable interfaces through the runtime
 * ({@link MethodReferenceLinker}), and writes the class with frames computed from the hierarchy.
 *
 * <p>Methods that call suspendable code but cannot be made resumable (constructors, static
 * initialisers, monitors held across the call), and plain methods that call suspendable code without
 * being suspendable themselves, get a check after each such call instead: a suspension passing
 * through them fails at once with an error naming the method, the line and the fix.
 */
public final class ClassWeaver {
    private static final int MAX_RETRIES = 8;

    /** The outcome of weaving a class. */
    public static final class Result {
        /** The woven class file, or null when the class is unchanged. */
        public final byte[] bytes;
        /** One message per method that was refused (to be logged once). */
        public final List<String> refusals;

        Result(byte[] bytes, List<String> refusals) {
            this.bytes = bytes;
            this.refusals = refusals;
        }
    }

    private ClassWeaver() {
    }

    /**
     * Weaves a class file, with cooperative {@code Thread.sleep} (see {@link ThreadSleeps}).
     *
     * @param original the class file as the JVM would load it
     * @param hierarchy the hierarchy of the class's loader
     * @return the result; its bytes are null when nothing needed weaving
     */
    public static Result weave(byte[] original, ClassHierarchy hierarchy) {
        return weave(original, hierarchy, true);
    }

    /**
     * Weaves a class file.
     *
     * @param original the class file as the JVM would load it
     * @param hierarchy the hierarchy of the class's loader
     * @param cooperativeSleep whether resumable methods' calls to {@code Thread.sleep} become
     *     cooperative sleeps ({@link ThreadSleeps})
     * @return the result; its bytes are null when nothing needed weaving
     */
    public static Result weave(byte[] original, ClassHierarchy hierarchy, boolean cooperativeSleep) {
        List<String> refusals = new ArrayList<>();
        List<String> tooLarge = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            ClassNode cls = read(original);
            if (isWoven(cls)) {
                return new Result(null, List.of());
            }
            hierarchy.define(cls);
            refusals.clear();
            boolean changed = weaveMethods(cls, hierarchy, refusals, tooLarge, cooperativeSleep);
            changed |= MethodReferenceLinker.link(cls, hierarchy);
            if (!changed) {
                return new Result(null, List.of());
            }
            ClassWriter writer = new HierarchyClassWriter(hierarchy, ClassWriter.COMPUTE_FRAMES);
            try {
                cls.accept(writer);
                return new Result(writer.toByteArray(), List.copyOf(refusals));
            } catch (MethodTooLargeException e) {
                if (attempt >= MAX_RETRIES) {
                    throw e;
                }
                tooLarge.add(e.getMethodName() + e.getDescriptor());
            }
        }
    }

    private static ClassNode read(byte[] bytes) {
        ClassNode cls = new ClassNode();
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, cls) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                return new JSRInlinerAdapter(mv, access, name, descriptor, signature, exceptions);
            }
        }, ClassReader.SKIP_FRAMES);
        return cls;
    }

    /**
     * True when the class was woven already: it is never woven twice. Only woven code calls
     * {@code Stack.enter} (every resumable method does, on entry) or {@code Stack.refuse} (every
     * refusal check does); runtime classes may use the rest of {@code Stack} and still be woven.
     */
    private static boolean isWoven(ClassNode cls) {
        for (MethodNode m : cls.methods) {
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode) {
                    MethodInsnNode call = (MethodInsnNode) insn;
                    if (MethodWeaver.STACK.equals(call.owner) && (call.name.equals("enter") || call.name.equals("refuse"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean weaveMethods(ClassNode cls, ClassHierarchy hierarchy, List<String> refusals,
            List<String> tooLarge, boolean cooperativeSleep) {
        Set<String> suspendable = hierarchy.suspendableMethods(cls.name);
        Map<String, Integer> lambdas = LambdaTargets.find(cls, hierarchy);
        boolean runtime = isRuntimeClass(cls.name);
        boolean changed = false;
        for (int i = 0; i < cls.methods.size(); i++) {
            MethodNode m = cls.methods.get(i);
            if ((m.access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) != 0) {
                continue;
            }
            String key = m.name + m.desc;
            Integer lambdaId = lambdas.get(key);
            boolean resumable = !m.name.startsWith("<") && (suspendable.contains(key) || lambdaId != null);
            String name = Code.methodName(cls.name, m);
            if (resumable) {
                changed |= guardReflectiveCallsUnderMonitor(m, name);
                if (cooperativeSleep && !runtime) {
                    // the runtime's own Thread.sleep calls (Sleeps itself) stay what they are
                    changed |= ThreadSleeps.redirect(m, hierarchy);
                }
            }
            List<MethodInsnNode> points = MethodWeaver.suspensionPoints(m, hierarchy);
            if (!resumable) {
                // Plain code calls Method.invoke all the time, nearly always on methods that cannot
                // suspend: a check after each call would cost everyone for a rare mistake, which the
                // chain of saved frames reports anyway. Its iterators and coroutines are driven as they
                // are: a body that waits behind them is refused at run time (see ForwardedCalls).
                points.removeIf(call -> SuspendPointRewriter.isReflective(call) || ForwardedCalls.isForwarded(call));
            }
            if (points.isEmpty()) {
                continue;
            }
            if (!resumable) {
                if (runtime) {
                    continue;
                }
                String message;
                if (m.name.startsWith("<")) {
                    try {
                        new MethodWeaver(cls, m, hierarchy, 0).checkResumable(points);
                        message = name + " cannot suspend";
                    } catch (WeaveRefusal r) {
                        message = r.getMessage();
                        refusals.add(message);
                    }
                } else {
                    MethodInsnNode first = points.get(0);
                    String callee = first.owner.replace('/', '.') + "." + first.name + first.desc;
                    message = isLambdaBody(m)
                            ? lambdaMessage(cls, m, name, Code.lineOf(first), callee)
                            : name + " line " + Code.lineOf(first) + " calls suspendable method " + callee
                                    + " but is not suspendable itself, so a suspension cannot pass through it. "
                                    + "Fix: annotate " + cls.name.replace('/', '.') + "." + m.name + " with @Suspendable";
                }
                MethodWeaver.refuse(m, points, message);
                changed = true;
                continue;
            }
            int id = lambdaId != null ? lambdaId : Code.idOf(key);
            // A method that cannot be made resumable gets checks after its real suspension points only: its
            // generators and coroutines are driven as in plain code, which refuses a body's wait at run time.
            // One with no other suspension point is then left as it is, with nothing to report.
            List<MethodInsnNode> checked = new ArrayList<>(points);
            checked.removeIf(ForwardedCalls::isForwarded);
            if (tooLarge.contains(key)) {
                if (!checked.isEmpty()) {
                    String message = name + ": the method is too large to be made resumable (the JVM's 64 KiB "
                            + "limit on a method's code). Fix: split it into smaller @Suspendable methods";
                    refusals.add(message);
                    MethodWeaver.refuse(m, checked, message);
                    changed = true;
                }
                continue;
            }
            MethodNode copy = copyOf(m);
            try {
                new MethodWeaver(cls, copy, hierarchy, id).weave(MethodWeaver.suspensionPoints(copy, hierarchy));
                cls.methods.set(i, copy);
                changed = true;
            } catch (WeaveRefusal r) {
                if (!checked.isEmpty()) {
                    refusals.add(r.getMessage());
                    MethodWeaver.refuse(m, checked, r.getMessage());
                    changed = true;
                }
            } catch (AnalyzerException | RuntimeException e) {
                String message = name + ": the weaver could not analyse this method (" + e + "). "
                        + "Please report this as a bug in Weft, with the class file";
                refusals.add(message);
                if (!checked.isEmpty()) {
                    MethodWeaver.refuse(m, checked, message);
                }
                changed = true;
            }
        }
        return changed;
    }

    /**
     * A suspendable method that calls {@code Method.invoke} while holding a monitor cannot suspend
     * there; it is not refused for it (the invoked method rarely suspends), but a suspension through
     * such a call fails at once instead of running on.
     */
    private static boolean guardReflectiveCallsUnderMonitor(MethodNode m, String name) {
        List<MethodInsnNode> held = MethodWeaver.reflectiveUnderMonitor(m);
        if (held.isEmpty()) {
            return false;
        }
        MethodWeaver.refuse(m, held, name + " line " + Code.lineOf(held.get(0)) + ": the method invoked through "
                + "java.lang.reflect.Method.invoke suspended while " + name + " holds a monitor (synchronized), "
                + "which belongs to a thread, not to a coroutine. Fix: use dev.weft.sync.Lock instead of "
                + "synchronized, or make the reflective call outside the synchronized block");
        return true;
    }

    /** True for the method javac makes of a lambda's body ({@code lambda$main$0}), which no one can annotate. */
    private static boolean isLambdaBody(MethodNode m) {
        return m.name.startsWith("lambda$") && (m.access & Opcodes.ACC_SYNTHETIC) != 0;
    }

    /**
     * The refusal of a lambda body that calls suspendable code: a lambda cannot be annotated, so the fix
     * is the interface it is passed as, or not to suspend inside the code that runs it.
     */
    private static String lambdaMessage(ClassNode cls, MethodNode m, String name, int line, String callee) {
        String iface = LambdaTargets.interfaceOf(cls, m);
        String enclosing = m.name.substring("lambda$".length());
        int end = enclosing.indexOf('$');
        enclosing = end < 0 ? enclosing : enclosing.substring(0, end);
        String owner = cls.name.replace('/', '.');
        enclosing = enclosing.equals("new") ? "a constructor of " + owner
                : enclosing.equals("static") ? "the static initialiser of " + owner : owner + "." + enclosing;
        return name + " line " + line + ", the body of a lambda in " + enclosing
                + (iface == null ? "" : " that implements " + iface) + ", calls suspendable method " + callee
                + " but is not suspendable itself, so a suspension cannot pass through it. "
                + "Fix: a lambda cannot be annotated. Where you pass it, have a SuspendableRunnable, "
                + "SuspendableCallable or SuspendableFunction (or an interface of yours whose method is @Suspendable) "
                + "taken instead; when a library or JDK method runs it (forEach, a stream, assertThrows), the "
                + "suspension cannot pass through that method either, which is not woven: make the suspending call "
                + "outside it, in a @Suspendable method (a for loop instead of forEach, a try/catch instead of "
                + "assertThrows)";
    }

    /** The runtime's own drivers call suspendable bodies from plain code on purpose. */
    private static boolean isRuntimeClass(String name) {
        int slash = name.lastIndexOf('/');
        String pkg = slash < 0 ? "" : name.substring(0, slash);
        return pkg.equals("dev/weft") || pkg.equals("dev/weft/internal");
    }

    private static MethodNode copyOf(MethodNode m) {
        MethodNode copy = new MethodNode(Opcodes.ASM9, m.access, m.name, m.desc, m.signature,
                m.exceptions == null ? null : m.exceptions.toArray(new String[0]));
        m.accept(copy);
        return copy;
    }
}
