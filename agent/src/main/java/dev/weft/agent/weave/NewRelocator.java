package dev.weft.agent.weave;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TypeInsnNode;

/**
 * Moves {@code new T; dup} past the constructor arguments when one of them suspends
 * ({@code new Foo(suspendingCall())}): an uninitialised object cannot be saved, so the arguments are
 * computed first, stored in fresh locals, and the object is allocated right before its constructor.
 *
 * <pre>
 *   before: new T; dup; [args, suspending]; invokespecial T.&lt;init&gt;
 *   after:  [args, suspending]; store args; new T; dup; load args; invokespecial T.&lt;init&gt;
 * </pre>
 */
final class NewRelocator {
    private NewRelocator() {
    }

    /**
     * Relocates every allocation that is open across a suspension point.
     *
     * @return the locals it used as scratch (dead after the constructor call)
     */
    static List<Integer> relocate(MethodNode m, Set<MethodInsnNode> points, LocalAllocator locals, String method)
            throws WeaveRefusal {
        Deque<TypeInsnNode> open = new ArrayDeque<>();
        Set<TypeInsnNode> needed = new HashSet<>();
        List<TypeInsnNode> news = new ArrayList<>();
        List<MethodInsnNode> inits = new ArrayList<>();
        for (AbstractInsnNode insn : m.instructions) {
            if (insn.getOpcode() == Opcodes.NEW) {
                open.push((TypeInsnNode) insn);
            } else if (insn instanceof MethodInsnNode) {
                MethodInsnNode call = (MethodInsnNode) insn;
                if (points.contains(call)) {
                    needed.addAll(open);
                } else if (call.getOpcode() == Opcodes.INVOKESPECIAL && call.name.equals("<init>")
                        && !open.isEmpty() && open.peek().desc.equals(call.owner)) {
                    TypeInsnNode n = open.pop();
                    if (needed.contains(n)) {
                        news.add(n);
                        inits.add(call);
                    }
                }
            }
        }
        if (needed.size() != news.size()) {
            throw new WeaveRefusal(method + ": an object allocated before a suspension point is never constructed "
                    + "in a shape the weaver knows. Fix: compute the constructor arguments into local variables first");
        }
        for (TypeInsnNode n : news) {
            AbstractInsnNode dup = n.getNext();
            if (dup == null || dup.getOpcode() != Opcodes.DUP) {
                throw new WeaveRefusal(method + " line " + Code.lineOf(n) + ": an object is allocated with an "
                        + "unusual bytecode shape (NEW not followed by DUP) around a suspension point, which the "
                        + "weaver cannot save. Fix: compute the constructor arguments into local variables first");
            }
        }
        List<Integer> scratch = new ArrayList<>();
        InsnList code = m.instructions;
        for (int i = 0; i < news.size(); i++) {
            TypeInsnNode n = news.get(i);
            MethodInsnNode init = inits.get(i);
            AbstractInsnNode dup = n.getNext();
            code.remove(n);
            code.remove(dup);
            Type[] args = Type.getArgumentTypes(init.desc);
            int[] vars = new int[args.length];
            InsnList before = new InsnList();
            for (int a = args.length - 1; a >= 0; a--) {
                vars[a] = locals.allocate(args[a].getSize());
                scratch.add(vars[a]);
                before.add(Slot.of(args[a]).storeInsn(vars[a]));
            }
            before.add(new TypeInsnNode(Opcodes.NEW, n.desc));
            before.add(new InsnNode(Opcodes.DUP));
            for (int a = 0; a < args.length; a++) {
                before.add(Slot.of(args[a]).loadInsn(vars[a]));
            }
            code.insertBefore(init, before);
        }
        return scratch;
    }
}
