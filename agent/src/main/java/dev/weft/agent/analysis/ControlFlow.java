package dev.weft.agent.analysis;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;

/**
 * The successors of every instruction of a method, by index: the next instruction, jump and switch
 * targets, and the handlers of the try blocks that cover it.
 */
public final class ControlFlow {
    private final int[][] successors;

    private ControlFlow(int[][] successors) {
        this.successors = successors;
    }

    /**
     * Builds the control-flow graph of a method.
     *
     * @param m the method, with JSR and RET already inlined (a RET's targets are not known here)
     * @return the graph, indexed like {@code m.instructions}
     */
    public static ControlFlow of(MethodNode m) {
        InsnList code = m.instructions;
        int n = code.size();
        List<List<Integer>> handlers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            handlers.add(new ArrayList<>(0));
        }
        for (TryCatchBlockNode t : m.tryCatchBlocks) {
            int start = code.indexOf(t.start);
            int end = code.indexOf(t.end);
            int handler = code.indexOf(t.handler);
            for (int i = start; i < end; i++) {
                handlers.get(i).add(handler);
            }
        }
        int[][] successors = new int[n][];
        for (int i = 0; i < n; i++) {
            AbstractInsnNode insn = code.get(i);
            List<Integer> out = new ArrayList<>(handlers.get(i));
            int op = insn.getOpcode();
            boolean fallsThrough = true;
            if (insn instanceof JumpInsnNode) {
                out.add(code.indexOf(((JumpInsnNode) insn).label));
                fallsThrough = op != Opcodes.GOTO;
            } else if (insn instanceof TableSwitchInsnNode) {
                addTargets(out, code, ((TableSwitchInsnNode) insn).dflt, ((TableSwitchInsnNode) insn).labels);
                fallsThrough = false;
            } else if (insn instanceof LookupSwitchInsnNode) {
                addTargets(out, code, ((LookupSwitchInsnNode) insn).dflt, ((LookupSwitchInsnNode) insn).labels);
                fallsThrough = false;
            } else if ((op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW) {
                fallsThrough = false;
            }
            if (fallsThrough && i + 1 < n) {
                out.add(i + 1);
            }
            successors[i] = out.stream().mapToInt(Integer::intValue).distinct().toArray();
        }
        return new ControlFlow(successors);
    }

    private static void addTargets(List<Integer> out, InsnList code, LabelNode dflt, List<LabelNode> labels) {
        out.add(code.indexOf(dflt));
        for (LabelNode l : labels) {
            out.add(code.indexOf(l));
        }
    }

    /** {@return the number of instructions, labels and line numbers included} */
    public int size() {
        return successors.length;
    }

    /**
     * Returns where control may go from one instruction.
     *
     * @param i the index of an instruction in the method's instruction list
     * @return the indices of the instructions that may run right after it, handlers of the try blocks
     *     that cover it included, without repeats; the caller must not change the array
     */
    public int[] successors(int i) {
        return successors[i];
    }
}
