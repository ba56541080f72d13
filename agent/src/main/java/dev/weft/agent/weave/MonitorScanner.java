package dev.weft.agent.weave;

import dev.weft.agent.analysis.ControlFlow;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodNode;

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
        boolean any = false;
        for (AbstractInsnNode insn : m.instructions) {
            any |= insn.getOpcode() == Opcodes.MONITORENTER;
        }
        if (!any || n == 0) {
            return depth;
        }
        Arrays.fill(depth, -1);
        ControlFlow flow = ControlFlow.of(m);
        AbstractInsnNode[] insns = m.instructions.toArray();
        Deque<Integer> work = new ArrayDeque<>();
        depth[0] = 0;
        work.push(0);
        while (!work.isEmpty()) {
            int i = work.pop();
            int d = depth[i];
            int op = insns[i].getOpcode();
            int out = op == Opcodes.MONITORENTER ? Math.min(d + 1, LIMIT) : op == Opcodes.MONITOREXIT ? Math.max(d - 1, 0) : d;
            for (int s : flow.successors(i)) {
                // A handler is entered with the monitors held before the instruction that threw.
                int next = isHandlerEdge(insns, i, s) ? d : out;
                if (next > depth[s]) {
                    depth[s] = next;
                    work.push(s);
                }
            }
        }
        return depth;
    }

    private static boolean isHandlerEdge(AbstractInsnNode[] insns, int from, int to) {
        return to != from + 1 && !(insns[from] instanceof org.objectweb.asm.tree.JumpInsnNode)
                && !(insns[from] instanceof org.objectweb.asm.tree.TableSwitchInsnNode)
                && !(insns[from] instanceof org.objectweb.asm.tree.LookupSwitchInsnNode);
    }
}
