package dev.weft.agent.weave;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.IntInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodNode;

/** Small helpers for building instruction lists. */
final class Code {
    private Code() {
    }

    /** The shortest instruction that pushes an int constant. */
    static AbstractInsnNode intConst(int v) {
        if (v >= -1 && v <= 5) {
            return new InsnNode(Opcodes.ICONST_0 + v);
        }
        if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
            return new IntInsnNode(Opcodes.BIPUSH, v);
        }
        if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
            return new IntInsnNode(Opcodes.SIPUSH, v);
        }
        return new LdcInsnNode(v);
    }

    /** The source line of an instruction, or -1 when the class has no line numbers. */
    static int lineOf(AbstractInsnNode insn) {
        for (AbstractInsnNode p = insn; p != null; p = p.getPrevious()) {
            if (p instanceof LineNumberNode) {
                return ((LineNumberNode) p).line;
            }
        }
        return -1;
    }

    /** {@code Owner.name(descriptor)} with dots in the owner, as messages name methods. */
    static String methodName(String owner, MethodNode m) {
        return owner.replace('/', '.') + "." + m.name + m.desc;
    }

    /** The identity that {@code dev.weft.internal.Stack.idOf} gives the same name and descriptor. */
    static int idOf(String nameAndDescriptor) {
        int h = nameAndDescriptor.hashCode();
        return h == 0 ? 1 : h;
    }
}
