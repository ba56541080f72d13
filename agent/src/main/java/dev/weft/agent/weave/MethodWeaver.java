package dev.weft.agent.weave;

import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.analysis.FrameAnalysis;
import dev.weft.agent.analysis.Liveness;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

/**
 * Turns one method with suspension points into a resumable state machine.
 *
 * <p>On entry the method fetches the current {@code Stack}; when it is resuming, a switch on the
 * saved suspension-point index jumps to that point's restore code. Each suspension point is rewritten
 * by a {@link SuspendPointRewriter}. Calls that do not suspend pay one field read after the call.
 */
final class MethodWeaver {
    static final String STACK = "dev/weft/internal/Stack";
    static final String STACK_DESC = "L" + STACK + ";";

    private final ClassNode owner;
    private final MethodNode m;
    private final ClassHierarchy hierarchy;
    final int id;
    final String name;

    MethodWeaver(ClassNode owner, MethodNode m, ClassHierarchy hierarchy, int id) {
        this.owner = owner;
        this.m = m;
        this.hierarchy = hierarchy;
        this.id = id;
        this.name = Code.methodName(owner.name, m);
    }

    /**
     * The calls in a method that may suspend: calls to suspendable methods, and, made without holding a
     * monitor, calls to {@code Method.invoke} (the method they reach is known only at run time; see
     * {@link #reflectiveUnderMonitor}) and the calls that drive a generator or a coroutine
     * ({@link ForwardedCalls}).
     */
    static List<MethodInsnNode> suspensionPoints(MethodNode m, ClassHierarchy hierarchy) {
        List<MethodInsnNode> points = new ArrayList<>();
        int[] depths = null;
        for (AbstractInsnNode insn : m.instructions) {
            if (insn instanceof MethodInsnNode) {
                MethodInsnNode call = (MethodInsnNode) insn;
                if (SuspendPointRewriter.isReflective(call) || ForwardedCalls.isForwarded(call)) {
                    if (depths == null) {
                        depths = MonitorScanner.depths(m);
                    }
                    if (!holdsMonitor(m, depths, call)) {
                        points.add(call);
                    }
                } else if (ThreadSleeps.isRedirected(call) || !call.name.startsWith("<") && !call.owner.startsWith("[")
                        && hierarchy.isSuspendable(call.owner, call.name, call.desc)) {
                    points.add(call);
                }
            }
        }
        return points;
    }

    /**
     * The calls to {@code Method.invoke} made while holding a monitor. They are not suspension points:
     * most reflective calls never suspend, so the method is not refused for them; instead a suspension
     * through one fails at once (see {@link #refuse}).
     */
    static List<MethodInsnNode> reflectiveUnderMonitor(MethodNode m) {
        List<MethodInsnNode> calls = new ArrayList<>();
        int[] depths = null;
        for (AbstractInsnNode insn : m.instructions) {
            if (insn instanceof MethodInsnNode && SuspendPointRewriter.isReflective((MethodInsnNode) insn)) {
                if (depths == null) {
                    depths = MonitorScanner.depths(m);
                }
                if (holdsMonitor(m, depths, (MethodInsnNode) insn)) {
                    calls.add((MethodInsnNode) insn);
                }
            }
        }
        return calls;
    }

    private static boolean holdsMonitor(MethodNode m, int[] depths, MethodInsnNode call) {
        return (m.access & Opcodes.ACC_SYNCHRONIZED) != 0 || depths[m.instructions.indexOf(call)] > 0;
    }

    /** Checks the method can be made resumable: no constructors, initialisers or monitors held across a suspension. */
    void checkResumable(List<MethodInsnNode> points) throws WeaveRefusal {
        MethodInsnNode first = points.get(0);
        if (m.name.equals("<init>")) {
            throw new WeaveRefusal(name + " line " + Code.lineOf(first) + ": a constructor cannot suspend (it calls "
                    + describe(first) + "). Fix: make the call from a factory method annotated @Suspendable, "
                    + "after the object is constructed");
        }
        if (m.name.equals("<clinit>")) {
            throw new WeaveRefusal(name + " line " + Code.lineOf(first) + ": a static initialiser cannot suspend "
                    + "(it calls " + describe(first) + "). Fix: move the call out of the static initialiser");
        }
        if ((m.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
            throw new WeaveRefusal(name + " line " + Code.lineOf(first) + ": a synchronized method cannot suspend "
                    + "(it calls " + describe(first) + ") because a monitor belongs to a thread, not to a "
                    + "coroutine. Fix: use dev.weft.sync.Lock instead of synchronized");
        }
        int[] depths = MonitorScanner.depths(m);
        for (MethodInsnNode call : points) {
            if (depths[m.instructions.indexOf(call)] > 0) {
                throw new WeaveRefusal(name + " line " + Code.lineOf(call) + ": cannot suspend inside a synchronized "
                        + "block (it calls " + describe(call) + ") because a monitor belongs to a thread, not to a "
                        + "coroutine. Fix: use dev.weft.sync.Lock instead of synchronized, or move the call out "
                        + "of the synchronized block");
            }
        }
    }

    /** Rewrites the method in place. */
    void weave(List<MethodInsnNode> points) throws WeaveRefusal, AnalyzerException {
        checkResumable(points);
        LocalAllocator locals = new LocalAllocator(m.maxLocals);
        int stackVar = locals.allocate(1);
        Set<Integer> excluded = new HashSet<>(NewRelocator.relocate(m, new HashSet<>(points), locals, name));
        excluded.add(stackVar);
        List<SuspendPointRewriter> sites = new ArrayList<>();
        for (MethodInsnNode point : points) {
            SuspendPointRewriter site = new SuspendPointRewriter(point);
            site.spill(m.instructions, locals, excluded);
            site.unwrapWeaveErrors(m);
            if (site.receiverVar >= 0) {
                excluded.add(site.receiverVar);
            }
            sites.add(site);
        }
        m.maxLocals = locals.maxLocals();
        m.maxStack += 4;

        Frame<BasicValue>[] frames = FrameAnalysis.analyze(hierarchy, owner, m);
        Liveness liveness = Liveness.of(m);
        List<Frame<BasicValue>> siteFrames = new ArrayList<>();
        List<java.util.BitSet> siteLive = new ArrayList<>();
        for (SuspendPointRewriter site : sites) {
            int index = m.instructions.indexOf(site.call);
            Frame<BasicValue> f = frames[index];
            if (f == null) {
                throw new WeaveRefusal(name + ": unreachable suspension point at line " + Code.lineOf(site.call));
            }
            siteFrames.add(f);
            siteLive.add(liveness.liveBefore(index));
        }

        String[] siteNames = new String[sites.size()];
        for (int k = 0; k < siteNames.length; k++) {
            siteNames[k] = siteName(Code.lineOf(sites.get(k).call));
        }
        int firstSite = SiteTable.register(owner.name + '.' + m.name + m.desc, siteNames);

        InsnList tail = new InsnList();
        LabelNode dispatch = new LabelNode();
        tail.add(dispatch);
        tail.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        tail.add(Code.intConst(id));
        tail.add(new LdcInsnNode(name));
        tail.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, STACK, "enter", "(ILjava/lang/String;)I"));
        LabelNode[] restores = new LabelNode[sites.size()];
        for (int k = 0; k < restores.length; k++) {
            restores[k] = sites.get(k).restoreLabel;
        }
        // a frame saves its suspension point's number in the JVM (see SiteTable) as its state
        LabelNode unknown = new LabelNode();
        tail.add(new TableSwitchInsnNode(firstSite, firstSite + restores.length - 1, unknown, restores));
        // a number not of this method: the class was redefined with other suspension points meanwhile
        tail.add(unknown);
        tail.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        tail.add(new LdcInsnNode(name));
        tail.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, STACK, "unknownState", "(Ljava/lang/String;)Ljava/lang/RuntimeException;"));
        tail.add(new InsnNode(Opcodes.ATHROW));
        for (int k = 0; k < sites.size(); k++) {
            sites.get(k).rewrite(m.instructions, tail, siteFrames.get(k), siteLive.get(k), excluded, stackVar, this,
                    firstSite + k);
        }

        InsnList entry = new InsnList();
        entry.add(new MethodInsnNode(Opcodes.INVOKESTATIC, STACK, "current", "()" + STACK_DESC));
        entry.add(new VarInsnNode(Opcodes.ASTORE, stackVar));
        entry.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        entry.add(new FieldInsnNode(Opcodes.GETFIELD, STACK, "mode", "I"));
        entry.add(new JumpInsnNode(Opcodes.IFNE, dispatch));
        m.instructions.insert(entry);
        m.instructions.add(tail);
    }

    /**
     * A suspension point of this method as {@code StackTraceElement.toString()} writes a frame:
     * {@code pkg.Owner.name(Owner.java:line)}, with {@code Unknown Source} or no line when the class
     * file lacks them.
     */
    String siteName(int line) {
        String where = owner.sourceFile == null ? "Unknown Source" : line >= 0 ? owner.sourceFile + ":" + line : owner.sourceFile;
        return owner.name.replace('/', '.') + "." + m.name + "(" + where + ")";
    }

    /** Appends a return of a dummy value of the method's return type. */
    void addDummyReturn(InsnList code) {
        Type ret = Type.getReturnType(m.desc);
        Slot slot = Slot.of(ret);
        if (slot == null) {
            code.add(new InsnNode(Opcodes.RETURN));
            return;
        }
        code.add(slot.zeroInsn());
        code.add(new InsnNode(ret.getOpcode(Opcodes.IRETURN)));
    }

    /**
     * Makes a method that cannot be resumed fail clearly instead: after each suspension point, a
     * suspension in progress throws {@code dev.weft.WeaveError} with the refusal's message. Plain calls
     * (outside a coroutine, or that do not suspend) keep working. A call of {@code Hub.await} tests for a
     * completed future first, as in a resumable method.
     */
    static void refuse(MethodNode m, List<MethodInsnNode> points, String message) {
        for (MethodInsnNode call : points) {
            if (SuspendPointRewriter.isAwait(call)) {
                // a completed future needs neither the call nor the check (inserted in between below)
                LabelNode done = new LabelNode();
                m.instructions.insertBefore(call, SuspendPointRewriter.completedFutureTest(done));
                m.instructions.insert(call, done);
            }
            InsnList check = new InsnList();
            LabelNode ok = new LabelNode();
            check.add(new MethodInsnNode(Opcodes.INVOKESTATIC, STACK, "current", "()" + STACK_DESC));
            check.add(new FieldInsnNode(Opcodes.GETFIELD, STACK, "mode", "I"));
            check.add(new JumpInsnNode(Opcodes.IFEQ, ok));
            check.add(new LdcInsnNode(message));
            check.add(new MethodInsnNode(Opcodes.INVOKESTATIC, STACK, "refuse", "(Ljava/lang/String;)Ljava/lang/Error;"));
            check.add(new InsnNode(Opcodes.ATHROW));
            check.add(ok);
            m.instructions.insert(call, check);
        }
        m.maxStack += 2;
    }

    private static String describe(MethodInsnNode call) {
        return call.owner.replace('/', '.') + "." + call.name + call.desc;
    }
}
