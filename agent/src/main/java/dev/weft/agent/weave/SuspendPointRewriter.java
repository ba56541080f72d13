package dev.weft.agent.weave;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.FieldInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TryCatchBlockNode;
import org.objectweb.asm.tree.TypeInsnNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

/**
 * Rewrites one suspension point: a call to a suspendable method. Three pieces of code are involved.
 *
 * <pre>
 *  call (in place)         operand stack                   what happens
 *  ---------------------   -----------------------------   ------------------------------------------
 *                          [.. beneath, recv, a1 .. an]
 *    store an .. a1        [.. beneath, recv]              the receiver is kept in a local, so that
 *    dup; astore recv'     [.. beneath, recv]              the restore can call it again
 *    load a1 .. an         [.. beneath, recv, a1 .. an]
 *  CALL:
 *    invoke                [.. beneath, result]
 *    if (s.mode != 0) goto UNWIND
 *
 *  unwind (out of line)
 *  UNWIND:
 *    pop result            [.. beneath]
 *    s.pushX(top) ...      []                              operand stack, top first
 *    s.pushX(local) ...                                    locals live after the call, ascending
 *    s.unwind(callee, id, site)                            checks the callee's record, pushes ours
 *    return dummy                                          the caller unwinds in turn
 *
 *  restore (out of line, reached from the method's entry switch)
 *  RESTORE:
 *    local = s.popX() ...                                  locals, descending
 *    s.popX() ...          [.. beneath]                    operand stack, bottom first
 *    aload recv'; dummies  [.. beneath, recv, 0 .. 0]      the callee restores its own locals
 *    goto CALL                                             the call sits in its original try blocks
 * </pre>
 *
 * <p>A call to {@code Method.invoke} is a suspension point too, whose callee is known only at run
 * time. Its arguments (the target object and the argument array) are saved like the receiver and
 * passed again on restore instead of dummies, so that reflection dispatches to the same method,
 * which then restores its own frame; the reflection frames in between only forward the dummy result.
 * The callee's identity, which {@code unwind} checks, comes from the {@code Method} object
 * ({@code ReflectiveCalls.calleeId}). A {@code WeaveError} thrown at a suspension inside the invoked
 * method is rethrown unwrapped from reflection's {@code InvocationTargetException}
 * ({@link #unwrapWeaveErrors}).
 */
final class SuspendPointRewriter {
    private static final String STACK = MethodWeaver.STACK;
    private static final String REFLECTIVE_CALLS = "dev/weft/internal/ReflectiveCalls";
    private static final String FUTURES = "dev/weft/internal/Futures";

    final MethodInsnNode call;
    private final boolean isStatic;
    private final Type[] args;
    private final int resultSize;
    private final int calleeId;
    private final String callee;
    private final LabelNode callLabel = new LabelNode();
    private final LabelNode unwindLabel = new LabelNode();
    final LabelNode restoreLabel = new LabelNode();
    int receiverVar = -1;
    /**
     * Where the arguments are kept across the call: saved and passed again on restore for
     * {@code Method.invoke} and for the reference arguments of an interface call (see {@link #keepsArgument}).
     */
    private int[] argVars = new int[0];
    private final boolean reflective;
    /** For {@code Hub.await(CompletionStage)}: where its completed-future test jumps, past the call and its check. */
    private final LabelNode awaited;

    SuspendPointRewriter(MethodInsnNode call) {
        this.call = call;
        this.isStatic = call.getOpcode() == Opcodes.INVOKESTATIC;
        this.args = Type.getArgumentTypes(call.desc);
        this.resultSize = Type.getReturnType(call.desc).getSize();
        this.calleeId = Code.idOf(call.name + call.desc);
        this.callee = call.owner.replace('/', '.') + "." + call.name + call.desc;
        this.reflective = isReflective(call);
        this.awaited = isAwait(call) ? new LabelNode() : null;
    }

    /**
     * True for {@code Hub.await(CompletionStage)}, whose completed-future test the call site makes
     * itself: a future that has completed already is read in place ({@code Futures.valueIfDone}), and
     * only one that has not is awaited through the call, the suspension point. Awaiting a completed
     * future then costs what {@code join()} costs, not a woven entry and a check after the call.
     */
    static boolean isAwait(MethodInsnNode call) {
        return call.getOpcode() == Opcodes.INVOKESTATIC && "dev/weft/Hub".equals(call.owner) && "await".equals(call.name)
                && "(Ljava/util/concurrent/CompletionStage;)Ljava/lang/Object;".equals(call.desc);
    }

    /** True for {@code Method.invoke}, a suspension point whose callee is known only at run time. */
    static boolean isReflective(MethodInsnNode call) {
        return call.getOpcode() == Opcodes.INVOKEVIRTUAL && "java/lang/reflect/Method".equals(call.owner)
                && "invoke".equals(call.name) && "(Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;".equals(call.desc);
    }

    /**
     * The test a call of {@code Hub.await(CompletionStage)} makes first: with the stage on the operand
     * stack, a completed future's value replaces it and control goes to {@code done}, placed after the
     * call (and after the check that follows it); a pending one leaves the stage for the call.
     */
    static InsnList completedFutureTest(LabelNode done) {
        InsnList test = new InsnList();
        LabelNode pending = new LabelNode();
        test.add(new InsnNode(Opcodes.DUP));
        test.add(new MethodInsnNode(Opcodes.INVOKESTATIC, FUTURES, "valueIfDone",
                "(Ljava/util/concurrent/CompletionStage;)Ljava/lang/Object;"));
        test.add(new InsnNode(Opcodes.DUP));
        test.add(new FieldInsnNode(Opcodes.GETSTATIC, FUTURES, "PENDING", "Ljava/lang/Object;"));
        test.add(new JumpInsnNode(Opcodes.IF_ACMPEQ, pending));
        test.add(new InsnNode(Opcodes.SWAP));  // [.. stage, value] -> [.. value]
        test.add(new InsnNode(Opcodes.POP));
        test.add(new JumpInsnNode(Opcodes.GOTO, done));
        test.add(pending);
        test.add(new InsnNode(Opcodes.POP)); // [.. stage, PENDING] -> [.. stage]
        return test;
    }

    /** Keeps the receiver in a local and marks the call, so that the restore can jump back to it. */
    void spill(InsnList code, LocalAllocator locals, Set<Integer> scratch) {
        InsnList pre = new InsnList();
        if (!isStatic) {
            int[] vars = new int[args.length];
            for (int a = args.length - 1; a >= 0; a--) {
                vars[a] = locals.allocate(args[a].getSize());
                scratch.add(vars[a]);
                pre.add(Slot.of(args[a]).storeInsn(vars[a]));
            }
            pre.add(new InsnNode(Opcodes.DUP));
            receiverVar = locals.allocate(1);
            pre.add(new VarInsnNode(Opcodes.ASTORE, receiverVar));
            for (int a = 0; a < args.length; a++) {
                pre.add(Slot.of(args[a]).loadInsn(vars[a]));
            }
            argVars = vars;
        }
        if (awaited != null) {
            // the restore jumps to the call itself, so a resumed await never takes this test
            pre.add(completedFutureTest(awaited));
        }
        pre.add(callLabel);
        code.insertBefore(call, pre);
        if (awaited != null) {
            // the check after the call goes in between (rewrite inserts it right after the call)
            code.insert(call, awaited);
        }
    }

    /**
     * For {@code Method.invoke}: rethrows a {@code WeaveError} wrapped by reflection as itself. The handler
     * covers the call alone and sits just after it, inside the same try blocks, so that every other
     * exception reaches the method's own handlers exactly as before.
     */
    void unwrapWeaveErrors(MethodNode m) {
        if (!reflective) {
            return;
        }
        LabelNode end = new LabelNode();
        LabelNode handler = new LabelNode();
        LabelNode resume = new LabelNode();
        InsnList after = new InsnList();
        after.add(end);
        after.add(new JumpInsnNode(Opcodes.GOTO, resume));
        after.add(handler);
        after.add(new MethodInsnNode(Opcodes.INVOKESTATIC, REFLECTIVE_CALLS, "unwrap",
                "(Ljava/lang/reflect/InvocationTargetException;)Ljava/lang/Throwable;"));
        after.add(new InsnNode(Opcodes.ATHROW));
        after.add(resume);
        m.instructions.insert(call, after);
        // First in the table: it must win over the method's own handlers around the same call.
        m.tryCatchBlocks.add(0, new TryCatchBlockNode(callLabel, end, handler, "java/lang/reflect/InvocationTargetException"));
    }

    /**
     * Adds the flag check after the call, and appends the unwind and restore code to {@code tail}.
     *
     * @param frame the analysed frame just before the call
     * @param live the locals that may be read after the call (the others are not saved)
     * @param excluded locals that are never saved (the stack local, scratch, other sites' receivers)
     * @param site this suspension point's number in the JVM ({@link SiteTable}), saved as the frame's state
     */
    void rewrite(InsnList code, InsnList tail, Frame<BasicValue> frame, java.util.BitSet live, Set<Integer> excluded,
            int stackVar, MethodWeaver method, int site) throws WeaveRefusal {
        int consumed = args.length + (isStatic ? 0 : 1);
        int beneath = frame.getStackSize() - consumed;
        List<Slot> stackSlots = new ArrayList<>();
        List<Type> stackTypes = new ArrayList<>();
        for (int j = 0; j < beneath; j++) {
            Type t = frame.getStack(j).getType();
            Slot slot = Slot.of(t);
            if (slot == null) {
                throw new WeaveRefusal(method.name + " line " + Code.lineOf(call) + ": a value on the operand "
                        + "stack at the call to " + call.owner.replace('/', '.') + "." + call.name
                        + " cannot be saved (" + frame.getStack(j) + "). Fix: store it in a local variable first");
            }
            stackSlots.add(slot);
            stackTypes.add(t);
        }
        List<Integer> localVars = new ArrayList<>();
        List<Slot> localSlots = new ArrayList<>();
        List<Type> localTypes = new ArrayList<>();
        for (int i = 0; i < frame.getLocals(); i++) {
            if (!isKept(i) && (excluded.contains(i) || !live.get(i))) {
                continue;
            }
            Type t = frame.getLocal(i).getType();
            Slot slot = Slot.of(t);
            if (slot != null) {
                localVars.add(i);
                localSlots.add(slot);
                localTypes.add(t);
            }
        }

        InsnList check = new InsnList();
        check.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        check.add(new FieldInsnNode(Opcodes.GETFIELD, STACK, "mode", "I"));
        check.add(new JumpInsnNode(Opcodes.IFNE, unwindLabel));
        code.insert(call, check);
        if (Primitives.isPrimitive(call)) {
            Primitives.redirect(code, call, stackVar);
        } else if (ForwardedCalls.isForwarded(call)) {
            ForwardedCalls.redirect(code, call, stackVar);
        }

        // unwind
        tail.add(unwindLabel);
        if (resultSize == 1) {
            tail.add(new InsnNode(Opcodes.POP));
        } else if (resultSize == 2) {
            tail.add(new InsnNode(Opcodes.POP2));
        }
        for (int j = beneath - 1; j >= 0; j--) {
            Slot slot = stackSlots.get(j);
            if (slot == Slot.NULL) {
                tail.add(new InsnNode(Opcodes.POP));
                continue;
            }
            tail.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
            if (slot.isWide()) {
                tail.add(new InsnNode(Opcodes.DUP_X2));
                tail.add(new InsnNode(Opcodes.POP));
            } else {
                tail.add(new InsnNode(Opcodes.SWAP));
            }
            tail.add(push(slot));
        }
        for (int i = 0; i < localVars.size(); i++) {
            Slot slot = localSlots.get(i);
            if (slot == Slot.NULL) {
                continue;
            }
            tail.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
            tail.add(slot.loadInsn(localVars.get(i)));
            tail.add(push(slot));
        }
        tail.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        if (reflective) {
            tail.add(new VarInsnNode(Opcodes.ALOAD, receiverVar));
            tail.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
            tail.add(new LdcInsnNode(method.name));
            tail.add(new MethodInsnNode(Opcodes.INVOKESTATIC, REFLECTIVE_CALLS, "calleeId",
                    "(Ljava/lang/reflect/Method;" + MethodWeaver.STACK_DESC + "Ljava/lang/String;)I"));
        } else {
            tail.add(Code.intConst(calleeId));
        }
        tail.add(new LdcInsnNode(callee));
        tail.add(Code.intConst(method.id));
        // the state: this suspension point's number in the JVM, which also names it for Hub.dump
        tail.add(Code.intConst(site));
        tail.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, STACK, "unwind", "(ILjava/lang/String;II)V"));
        method.addDummyReturn(tail);

        // restore
        tail.add(restoreLabel);
        int line = Code.lineOf(call);
        if (line >= 0) {
            tail.add(new LineNumberNode(line, restoreLabel));
        }
        for (int i = localVars.size() - 1; i >= 0; i--) {
            Slot slot = localSlots.get(i);
            pop(tail, slot, localTypes.get(i), stackVar);
            tail.add(slot.storeInsn(localVars.get(i)));
        }
        for (int j = 0; j < beneath; j++) {
            pop(tail, stackSlots.get(j), stackTypes.get(j), stackVar);
        }
        if (!isStatic) {
            tail.add(new VarInsnNode(Opcodes.ALOAD, receiverVar));
        }
        for (int a = 0; a < args.length; a++) {
            tail.add(keepsArgument(a) ? Slot.of(args[a]).loadInsn(argVars[a]) : Slot.of(args[a]).zeroInsn());
        }
        tail.add(new JumpInsnNode(Opcodes.GOTO, callLabel));
    }

    /** True for the locals this site saves whether or not they are read after the call. */
    private boolean isKept(int var) {
        if (var == receiverVar) {
            return true;
        }
        for (int a = 0; a < argVars.length; a++) {
            if (argVars[a] == var && keepsArgument(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * True for an argument passed again on restore instead of a dummy: {@code Method.invoke}'s, and the
     * references passed to an interface method. A method reference that implements the interface
     * (say {@code SuspendableFunction<Integer, Integer> f = Maths::square}, with {@code square(int)})
     * is reached through a class the JDK spins, which unboxes the argument before the referenced
     * method's own entry can restore its frame: a null dummy would throw there.
     */
    private boolean keepsArgument(int a) {
        if (reflective) {
            return true;
        }
        int sort = args[a].getSort();
        return call.getOpcode() == Opcodes.INVOKEINTERFACE && (sort == Type.OBJECT || sort == Type.ARRAY);
    }

    private static AbstractInsnNode push(Slot slot) {
        return new MethodInsnNode(Opcodes.INVOKEVIRTUAL, STACK, "push" + slot.suffix, "(" + slot.descriptor() + ")V");
    }

    private static void pop(InsnList tail, Slot slot, Type type, int stackVar) {
        if (slot == Slot.NULL) {
            tail.add(new InsnNode(Opcodes.ACONST_NULL));
            return;
        }
        tail.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        tail.add(new MethodInsnNode(Opcodes.INVOKEVIRTUAL, STACK, "pop" + slot.suffix, "()" + slot.descriptor()));
        if (slot == Slot.REF && !"java/lang/Object".equals(type.getInternalName())) {
            tail.add(new TypeInsnNode(Opcodes.CHECKCAST, type.getInternalName()));
        }
    }
}
