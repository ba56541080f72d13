package dev.weft.agent.weave;

import java.util.ArrayDeque;
import java.util.Deque;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.JumpInsnNode;
import org.objectweb.asm.tree.LabelNode;
import org.objectweb.asm.tree.LookupSwitchInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.TableSwitchInsnNode;
import org.objectweb.asm.tree.TryCatchBlockNode;

/**
 * Finds how many monitors ({@code synchronized} blocks) may be held at each instruction: a suspension
 * point inside one cannot be resumed, because a monitor belongs to a thread, not to a coroutine.
 */
final class MonitorScanner {
    private static final int LIMIT = 64;

    private MonitorScanner() {
    }

    /** The greatest number of monitors held on entry to each instruction (0 when none, -1 when unreachable). */
    static int[] depths(MethodNode m) {
        int n = m.instructions.size();
        int[] depth = new int[n];
        java.util.Arrays.fill(depth, -1);
        boolean any = false;
        for (AbstractInsnNode insn : m.instructions) {
            if (insn.getOpcode() == Opcodes.MONITORENTER) {
                any = true;
                break;
            }
        }
        if (!any || n == 0) {
            java.util.Arrays.fill(depth, 0);
            return depth;
        }
        Deque<Integer> work = new ArrayDeque<>();
        depth[0] = 0;
        work.push(0);
        while (!work.isEmpty()) {
            int i = work.pop();
            AbstractInsnNode insn = m.instructions.get(i);
            int d = depth[i];
            for (TryCatchBlockNode t : m.tryCatchBlocks) {
                int start = m.instructions.indexOf(t.start);
                int end = m.instructions.indexOf(t.end);
                if (i >= start && i < end) {
                    flow(m.instructions.indexOf(t.handler), d, depth, work);
                }
            }
            int op = insn.getOpcode();
            int out = op == Opcodes.MONITORENTER ? Math.min(d + 1, LIMIT) : op == Opcodes.MONITOREXIT ? Math.max(d - 1, 0) : d;
            if (insn instanceof JumpInsnNode) {
                flow(m.instructions.indexOf(((JumpInsnNode) insn).label), out, depth, work);
                if (op == Opcodes.GOTO || op == Opcodes.JSR) {
                    continue;
                }
            } else if (insn instanceof TableSwitchInsnNode) {
                TableSwitchInsnNode s = (TableSwitchInsnNode) insn;
                flow(m.instructions.indexOf(s.dflt), out, depth, work);
                for (LabelNode l : s.labels) {
                    flow(m.instructions.indexOf(l), out, depth, work);
                }
                continue;
            } else if (insn instanceof LookupSwitchInsnNode) {
                LookupSwitchInsnNode s = (LookupSwitchInsnNode) insn;
                flow(m.instructions.indexOf(s.dflt), out, depth, work);
                for (LabelNode l : s.labels) {
                    flow(m.instructions.indexOf(l), out, depth, work);
                }
                continue;
            } else if ((op >= Opcodes.IRETURN && op <= Opcodes.RETURN) || op == Opcodes.ATHROW || op == Opcodes.RET) {
                continue;
            }
            if (i + 1 < n) {
                flow(i + 1, out, depth, work);
            }
        }
        return depth;
    }

    private static void flow(int target, int d, int[] depth, Deque<Integer> work) {
        if (d > depth[target]) {
            depth[target] = d;
            work.push(target);
        }
    }
}
