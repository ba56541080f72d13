package dev.weft.agent.analysis;

import java.nio.charset.StandardCharsets;

/**
 * One pass over a class file's constant pool and header, without ASM: what the selector and the
 * hierarchy need to know of most classes (their names, supertypes, whether anything in them names
 * a {@code dev/weft/} type, whether they contain {@code invokedynamic} sites).
 *
 * <p>This is the agent's hot path at start-up: every class a JVM loads passes through it, and so
 * does every supertype the hierarchy reads. It allocates the offsets array and the few strings it
 * returns, nothing else.
 */
public final class ClassHeader {
    private static final byte[] WEFT_BYTES = "dev/weft/".getBytes(StandardCharsets.ISO_8859_1);
    /** How far the search may move on when the byte under the pattern's last position is a given one. */
    private static final int[] SHIFT = new int[256];

    static {
        int last = WEFT_BYTES.length - 1;
        java.util.Arrays.fill(SHIFT, WEFT_BYTES.length);
        for (int i = 0; i < last; i++) {
            SHIFT[WEFT_BYTES[i] & 0xFF] = last - i;
        }
    }

    private final byte[] b;
    private final int[] offsets;
    /** True when a UTF-8 constant mentions {@code dev/weft/} (the annotation, a primitive, an interface). */
    public final boolean mentionsWeft;
    /** True when the constant pool has an {@code invokedynamic} entry. */
    public final boolean hasIndy;
    /** The access flags of the class. */
    public final int access;
    private final int header;

    private ClassHeader(byte[] b) {
        if (b.length < 10 || readInt(b, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file (bad magic number)");
        }
        this.b = b;
        int count = readUnsignedShort(b, 8);
        offsets = new int[count];
        int p = 10;
        boolean indy = false;
        for (int i = 1; i < count; i++) {
            if (p >= b.length) {
                throw new IllegalArgumentException("truncated constant pool");
            }
            offsets[i] = p;
            int tag = b[p];
            switch (tag) {
                case 1: {
                    int len = readUnsignedShort(b, p + 1);
                    if (p + 3 + len > b.length) {
                        throw new IllegalArgumentException("truncated constant pool");
                    }
                    p += 3 + len;
                    break;
                }
                case 7: case 8: case 16: case 19: case 20:
                    p += 3;
                    break;
                case 15:
                    p += 4;
                    break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17:
                    p += 5;
                    break;
                case 18:
                    indy = true;
                    p += 5;
                    break;
                case 5: case 6:
                    p += 9;
                    i++;
                    break;
                default:
                    throw new IllegalArgumentException("bad constant pool tag " + tag + " at entry " + i);
            }
        }
        if (p + 8 > b.length) {
            throw new IllegalArgumentException("truncated class header");
        }
        // One search over the whole constant pool rather than over each string: a match that spans entries
        // or lies in numeric constants can only be a false positive, which costs a parse, never a class
        // left unwoven.
        mentionsWeft = containsWeft(b, 10, p);
        hasIndy = indy;
        header = p;
        access = readUnsignedShort(b, p);
        if (p + 8 + 2 * interfaceCount() > b.length) {
            throw new IllegalArgumentException("truncated class header");
        }
    }

    /**
     * True when {@code b[from, to)} contains the bytes of {@code dev/weft/}. A Boyer-Moore-Horspool search:
     * it looks at about one byte in five of a constant pool and allocates nothing (this runs for every
     * class a JVM loads, much of it before the JIT has compiled the agent).
     */
    static boolean containsWeft(byte[] b, int from, int to) {
        int last = WEFT_BYTES.length - 1;
        for (int i = from + last; i < to; i += SHIFT[b[i] & 0xFF]) {
            if (b[i] == '/' && b[i - 1] == 't' && b[i - 2] == 'f' && b[i - 3] == 'e' && b[i - 4] == 'w'
                    && b[i - 5] == '/' && b[i - 6] == 'v' && b[i - 7] == 'e' && b[i - 8] == 'd') {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads the constant pool and header of a class file.
     *
     * @param bytes the class file, which the header keeps and reads its names from later
     * @return the header, with {@link #mentionsWeft}, {@link #hasIndy} and {@link #access} filled in
     * @throws IllegalArgumentException when the bytes are not a class file
     */
    public static ClassHeader parse(byte[] bytes) {
        return new ClassHeader(bytes);
    }

    /** {@return the internal name of the class, such as {@code java/util/ArrayList}} */
    public String name() {
        return className(readUnsignedShort(b, header + 2));
    }

    /** {@return the internal name of the superclass, null for {@code java/lang/Object} (and module-info)} */
    public String superName() {
        int index = readUnsignedShort(b, header + 4);
        return index == 0 ? null : className(index);
    }

    /** {@return the number of direct superinterfaces, the bound of {@link #interfaceName}'s index} */
    public int interfaceCount() {
        return readUnsignedShort(b, header + 6);
    }

    /**
     * Returns the internal name of one direct superinterface, without building the whole array.
     *
     * @param i the position in the class file's {@code interfaces} table, from 0 to
     *     {@link #interfaceCount()} exclusive
     * @return the interface's internal name
     */
    public String interfaceName(int i) {
        return className(readUnsignedShort(b, header + 8 + 2 * i));
    }

    /** {@return the internal names of the direct superinterfaces, in the class file's order} */
    public String[] interfaces() {
        String[] names = new String[interfaceCount()];
        for (int i = 0; i < names.length; i++) {
            names[i] = interfaceName(i);
        }
        return names;
    }

    /**
     * Returns, for each {@code invokedynamic} entry whose descriptor returns an object type, the
     * internal name of that type (the functional interface a lambda site creates); the others are
     * skipped.
     *
     * @return the types in constant-pool order, with repeats; empty when the class has no such site
     */
    public java.util.List<String> indyReturnTypes() {
        java.util.List<String> types = new java.util.ArrayList<>();
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] != 0 && b[offsets[i]] == 18) {
                int nameAndType = entry(readUnsignedShort(b, offsets[i] + 3), 12);
                String desc = utf8(readUnsignedShort(b, nameAndType + 3));
                int ret = desc.lastIndexOf(')');
                if (ret >= 0 && desc.startsWith("L", ret + 1) && desc.endsWith(";")) {
                    types.add(desc.substring(ret + 2, desc.length() - 1));
                }
            }
        }
        return types;
    }

    private String className(int classIndex) {
        int p = entry(classIndex, 7);
        return utf8(readUnsignedShort(b, p + 1));
    }

    /** The offset of constant-pool entry {@code index}, checked to exist and to carry {@code tag}. */
    private int entry(int index, int tag) {
        if (index <= 0 || index >= offsets.length || offsets[index] == 0 || b[offsets[index]] != tag) {
            throw new IllegalArgumentException("bad constant pool reference " + index + " (expected an entry with tag "
                    + tag + ")");
        }
        return offsets[index];
    }

    private String utf8(int index) {
        int p = entry(index, 1);
        int len = readUnsignedShort(b, p + 1);
        return new String(b, p + 3, len, StandardCharsets.UTF_8);
    }

    private static int readUnsignedShort(byte[] b, int p) {
        if (p + 2 > b.length) {
            throw new IllegalArgumentException("truncated class file: needed 2 bytes at offset " + p + " of " + b.length);
        }
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static int readInt(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
