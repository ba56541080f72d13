package dev.weft.agent.fuzz;

import org.objectweb.asm.Opcodes;

/**
 * The value types a generated program computes with. Strings are never null; {@code OBJECT} holds a
 * string, an {@code Integer} or null, so that every value has a deterministic hash and text.
 */
enum VType {
    INT("I"), BOOL("Z"), BYTE("B"), CHAR("C"), SHORT("S"), LONG("J"), FLOAT("F"), DOUBLE("D"),
    STRING("Ljava/lang/String;"), OBJECT("Ljava/lang/Object;"), INTS("[I"), LONGS("[J"), DOUBLES("[D"),
    INTS2("[[I"), STRINGS("[Ljava/lang/String;"), SELF("L" + ProgramGenerator.CLASS + ";");

    static final VType[] ALL = values();

    final String desc;

    VType(String desc) {
        this.desc = desc;
    }

    boolean intLike() {
        return ordinal() <= SHORT.ordinal();
    }

    boolean wide() {
        return this == LONG || this == DOUBLE;
    }

    boolean ref() {
        return ordinal() >= STRING.ordinal();
    }

    boolean array() {
        return desc.startsWith("[");
    }

    int size() {
        return wide() ? 2 : 1;
    }

    /** The internal name for CHECKCAST (refs only). */
    String internalName() {
        return array() ? desc : desc.substring(1, desc.length() - 1);
    }

    /** The element type of an array type, or null. */
    VType element() {
        switch (this) {
            case INTS: return INT;
            case LONGS: return LONG;
            case DOUBLES: return DOUBLE;
            case INTS2: return INTS;
            case STRINGS: return STRING;
            default: return null;
        }
    }

    int load() {
        return opcode(Opcodes.ILOAD);
    }

    int store() {
        return opcode(Opcodes.ISTORE);
    }

    int returnOp() {
        return opcode(Opcodes.IRETURN);
    }

    /** ILOAD, ISTORE or IRETURN adjusted to this type, as {@code Type.getOpcode} does. */
    private int opcode(int intOpcode) {
        if (intLike()) {
            return intOpcode;
        }
        switch (this) {
            case LONG: return intOpcode + 1;
            case FLOAT: return intOpcode + 2;
            case DOUBLE: return intOpcode + 3;
            default: return intOpcode + 4;
        }
    }

    /** The array load opcode for arrays of this element type. */
    int arrayLoad() {
        switch (this) {
            case INT: return Opcodes.IALOAD;
            case LONG: return Opcodes.LALOAD;
            case DOUBLE: return Opcodes.DALOAD;
            default: return Opcodes.AALOAD;
        }
    }

    int arrayStore() {
        return arrayLoad() - Opcodes.IALOAD + Opcodes.IASTORE;
    }
}
