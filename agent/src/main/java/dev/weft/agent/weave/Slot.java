package dev.weft.agent.weave;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * How one value is stored in the frame stack: which {@code Stack} method saves and restores it, and
 * which opcodes load, store and fake it.
 */
enum Slot {
    INT("I", Opcodes.ILOAD, Opcodes.ISTORE, Opcodes.ICONST_0),
    FLOAT("F", Opcodes.FLOAD, Opcodes.FSTORE, Opcodes.FCONST_0),
    LONG("L", Opcodes.LLOAD, Opcodes.LSTORE, Opcodes.LCONST_0),
    DOUBLE("D", Opcodes.DLOAD, Opcodes.DSTORE, Opcodes.DCONST_0),
    REF("A", Opcodes.ALOAD, Opcodes.ASTORE, Opcodes.ACONST_NULL),
    /** The {@code null} literal's type: nothing to save, restored as {@code aconst_null}. */
    NULL("A", Opcodes.ALOAD, Opcodes.ASTORE, Opcodes.ACONST_NULL);

    final String suffix;
    final int load;
    final int store;
    final int zero;

    Slot(String suffix, int load, int store, int zero) {
        this.suffix = suffix;
        this.load = load;
        this.store = store;
        this.zero = zero;
    }

    /** The slot for a value of the given type, or null for an unusable (TOP) value. */
    static Slot of(Type type) {
        if (type == null) {
            return null;
        }
        switch (type.getSort()) {
            case Type.BOOLEAN: case Type.BYTE: case Type.CHAR: case Type.SHORT: case Type.INT:
                return INT;
            case Type.FLOAT:
                return FLOAT;
            case Type.LONG:
                return LONG;
            case Type.DOUBLE:
                return DOUBLE;
            case Type.ARRAY:
                return REF;
            case Type.OBJECT:
                return "null".equals(type.getInternalName()) ? NULL : REF;
            default:
                return null;
        }
    }

    boolean isWide() {
        return this == LONG || this == DOUBLE;
    }

    /** The descriptor of the {@code Stack.pushX} parameter and {@code popX} result. */
    String descriptor() {
        return this == REF || this == NULL ? "Ljava/lang/Object;" : suffix.equals("L") ? "J" : suffix;
    }

    AbstractInsnNode loadInsn(int var) {
        return new VarInsnNode(load, var);
    }

    AbstractInsnNode storeInsn(int var) {
        return new VarInsnNode(store, var);
    }

    AbstractInsnNode zeroInsn() {
        return new InsnNode(zero);
    }
}
