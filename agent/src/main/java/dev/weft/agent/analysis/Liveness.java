package dev.weft.agent.analysis;

import java.util.BitSet;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.IincInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * Which local variables may still be read after each instruction: only those are saved at a
 * suspension point (a dead local costs a save and a restore for nothing, and keeps garbage alive).
 */
public final class Liveness {
    private final BitSet[] liveIn;

    private Liveness(BitSet[] liveIn) {
        this.liveIn = liveIn;
    }

    /**
     * Computes liveness by the usual backward fixed point over the control-flow graph.
     *
     * @param m the method, with JSR/RET inlined
     * @return the live locals before each instruction
     */
    public static Liveness of(MethodNode m) {
        ControlFlow flow = ControlFlow.of(m);
        int n = flow.size();
        BitSet[] in = new BitSet[n];
        for (int i = 0; i < n; i++) {
            in[i] = new BitSet();
        }
        AbstractInsnNode[] insns = m.instructions.toArray();
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                BitSet live = new BitSet();
                for (int s : flow.successors(i)) {
                    live.or(in[s]);
                }
                AbstractInsnNode insn = insns[i];
                if (insn instanceof VarInsnNode) {
                    int var = ((VarInsnNode) insn).var;
                    int op = insn.getOpcode();
                    if (op >= Opcodes.ISTORE && op <= Opcodes.ASTORE) {
                        live.clear(var);
                    } else {
                        live.set(var);
                    }
                } else if (insn instanceof IincInsnNode) {
                    live.set(((IincInsnNode) insn).var);
                }
                if (!live.equals(in[i])) {
                    in[i] = live;
                    changed = true;
                }
            }
        }
        return new Liveness(in);
    }

    /**
     * Returns the locals that may be read from one instruction on.
     *
     * @param i the index of an instruction in the method's instruction list
     * @return the live local slots before the instruction executes; the caller must not change the set
     */
    public BitSet liveBefore(int i) {
        return liveIn[i];
    }
}
