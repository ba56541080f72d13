package dev.weft.agent.analysis;

import java.io.IOException;
import java.io.InputStream;
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
    /** The packages of {@link ClassHierarchy#isPlatform}, in the same order. */
    private static final byte[][] PLATFORM = {ascii("java/"), ascii("javax/"), ascii("jdk/"), ascii("sun/"),
        ascii("com/sun/")};

    static {
        int last = WEFT_BYTES.length - 1;
        java.util.Arrays.fill(SHIFT, WEFT_BYTES.length);
        for (int i = 0; i < last; i++) {
            SHIFT[WEFT_BYTES[i] & 0xFF] = last - i;
        }
    }

    private final byte[] b;
    /** How many bytes of {@link #b} are the class file's: all of it, or its beginning up to past the header. */
    private final int limit;
    private final int[] offsets;
    /** True when a UTF-8 constant mentions {@code dev/weft/} (the annotation, a primitive, an interface). */
    public final boolean mentionsWeft;
    /** True when the constant pool has an {@code invokedynamic} entry. */
    public final boolean hasIndy;
    /** The access flags of the class. */
    public final int access;
    private final int header;

    private ClassHeader(byte[] b, int limit) {
        if (limit < 10 || readInt(b, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file (bad magic number)");
        }
        this.b = b;
        this.limit = limit;
        int count = readUnsignedShort(8);
        offsets = new int[count];
        int p = 10;
        boolean indy = false;
        for (int i = 1; i < count; i++) {
            if (p >= limit) {
                throw new IllegalArgumentException("truncated constant pool");
            }
            offsets[i] = p;
            int tag = b[p];
            switch (tag) {
                case 1: {
                    int len = readUnsignedShort(p + 1);
                    if (p + 3 + len > limit) {
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
        if (p + 8 > limit) {
            throw new IllegalArgumentException("truncated class header");
        }
        // One search over the whole constant pool rather than over each string: a match that spans entries
        // or lies in numeric constants can only be a false positive, which costs a parse, never a class
        // left unwoven.
        mentionsWeft = containsWeft(b, 10, p);
        hasIndy = indy;
        header = p;
        access = readUnsignedShort(p);
        if (p + 8 + 2 * interfaceCount() > limit) {
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
        return new ClassHeader(bytes, bytes.length);
    }

    /**
     * Reads as much of a class file as the hierarchy needs, and its header: up to the end of the header
     * (constant pool, access flags, names of the class and its supertypes) when the constant pool names
     * no Weft type, else the whole file, whose methods must then be read too ({@link #bytes()}).
     *
     * <p>The hierarchy reads each supertype it has not seen yet this way. Stopping after the header
     * saves inflating the fields and methods, typically a third to a half of a class file, for nearly
     * every supertype: only one that names a Weft type needs its methods.
     *
     * @param in the class file, positioned at its start; not closed
     * @param size the class file's length when known (a jar entry's size), else -1
     * @return the header, the same one {@link #parse} gives for the whole file
     * @throws IllegalArgumentException when the bytes are not a class file
     * @throws IOException when the stream fails
     */
    public static ClassHeader read(InputStream in, long size) throws IOException {
        boolean sized = size >= 0 && size < Integer.MAX_VALUE - 8;
        byte[] b = new byte[sized ? (int) Math.max(size, 10) : 4096];
        // in steps of an eighth of the file (at least 512 bytes): the header ends a third to a half of the way in
        int step = sized ? Math.max(512, (int) size / 8) : 2048;
        // the next entry, its offset, and whether an invokedynamic entry was seen
        int[] scan = {1, 10, 0};
        int[] offsets = null;
        int filled = 0;
        int end = 0;
        boolean eof;
        while (true) {
            int ask = Math.min(b.length, filled + step) - filled;
            int n = in.readNBytes(b, filled, ask);
            filled += n;
            eof = n < ask || sized && filled == size;
            if (filled >= 10) {
                if (readInt(b, 0) != 0xCAFEBABE) {
                    throw new IllegalArgumentException("not a class file (bad magic number)");
                }
                if (offsets == null) {
                    offsets = new int[u2(b, 8)];
                }
                end = headerEnd(b, filled, scan, offsets);
            }
            if (end > 0 || eof) {
                break;
            }
            if (filled == b.length) {
                b = java.util.Arrays.copyOf(b, b.length * 2);
            }
        }
        boolean weft = end > 0 && containsWeft(b, 10, scan[1]);
        if (weft && !eof) {
            // its methods will be read: the rest of the file
            while (!eof) {
                if (filled == b.length) {
                    b = java.util.Arrays.copyOf(b, b.length * 2);
                }
                int ask = b.length - filled;
                int n = in.readNBytes(b, filled, ask);
                filled += n;
                eof = n < ask || sized && filled == size;
            }
        }
        if (eof && filled != b.length) {
            b = java.util.Arrays.copyOf(b, filled);
        }
        int limit = eof ? b.length : filled;
        // the constant pool walked and searched once: the header is complete (else the full
        // constructor says what is wrong)
        return end > 0 ? new ClassHeader(b, limit, offsets, scan[1], scan[2] != 0, weft) : new ClassHeader(b, limit);
    }

    /**
     * A header whose constant pool {@link #headerEnd} has walked: its entries' {@code offsets}, the
     * offset {@code poolEnd} where the pool ends and the header begins (complete, interfaces included,
     * within {@code limit}).
     */
    private ClassHeader(byte[] b, int limit, int[] offsets, int poolEnd, boolean indy, boolean weft) {
        this.b = b;
        this.limit = limit;
        this.offsets = offsets;
        mentionsWeft = weft;
        hasIndy = indy;
        header = poolEnd;
        access = readUnsignedShort(poolEnd);
    }

    /**
     * Where the header of a class file ends (after its table of interfaces), when the first {@code available}
     * bytes are enough to know; else 0. {@code scan} holds the next constant-pool entry and its offset,
     * from one call to the next on the same, growing, bytes ({@code {1, 10}} at first); once the pool has
     * been walked, {@code scan[1]} is its end.
     *
     * @throws IllegalArgumentException on a constant-pool tag that does not exist
     */
    static int headerEnd(byte[] b, int available, int[] scan) {
        return headerEnd(b, available, scan, null);
    }

    /**
     * As {@link #headerEnd(byte[], int, int[])}, also storing each entry's offset into {@code offsets}
     * (when not null: as long as the pool's count of entries) and, into {@code scan[2]} (when there is
     * one), 1 once an {@code invokedynamic} entry is seen.
     */
    static int headerEnd(byte[] b, int available, int[] scan, int[] offsets) {
        if (available < 10) {
            return 0;
        }
        int count = u2(b, 8);
        int i = scan[0];
        int p = scan[1];
        while (i < count) {
            if (p + 3 > available) {
                break;
            }
            int tag = b[p];
            int size;
            switch (tag) {
                case 1:
                    size = 3 + u2(b, p + 1);
                    break;
                case 7: case 8: case 16: case 19: case 20:
                    size = 3;
                    break;
                case 15:
                    size = 4;
                    break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                    size = 5;
                    break;
                case 5: case 6:
                    size = 9;
                    break;
                default:
                    throw new IllegalArgumentException("bad constant pool tag " + tag + " at entry " + i);
            }
            if (p + size > available) {
                break;
            }
            if (offsets != null) {
                offsets[i] = p;
            }
            if (tag == 18 && scan.length > 2) {
                scan[2] = 1;
            }
            p += size;
            i += tag == 5 || tag == 6 ? 2 : 1;
        }
        scan[0] = i;
        scan[1] = p;
        if (i < count || p + 8 > available) {
            return 0;
        }
        int end = p + 8 + 2 * u2(b, p + 6);
        return end <= available ? end : 0;
    }

    /**
     * {@return the whole class file} Only for a header that has it: one {@link #parse}d, or one
     * {@link #read} whose constant pool names a Weft type.
     *
     * @throws IllegalStateException when only the beginning of the file was read
     */
    public byte[] bytes() {
        if (limit != b.length) {
            throw new IllegalStateException("only the header of " + name() + " was read");
        }
        return b;
    }

    /** {@return the internal name of the class, such as {@code java/util/ArrayList}} */
    public String name() {
        return className(readUnsignedShort(header + 2));
    }

    /** {@return the internal name of the superclass, null for {@code java/lang/Object} (and module-info)} */
    public String superName() {
        int index = readUnsignedShort(header + 4);
        return index == 0 ? null : className(index);
    }

    /** {@return the number of direct superinterfaces, the bound of {@link #interfaceName}'s index} */
    public int interfaceCount() {
        return readUnsignedShort(header + 6);
    }

    /**
     * Returns the internal name of one direct superinterface, without building the whole array.
     *
     * @param i the position in the class file's {@code interfaces} table, from 0 to
     *     {@link #interfaceCount()} exclusive
     * @return the interface's internal name
     */
    public String interfaceName(int i) {
        return className(readUnsignedShort(header + 8 + 2 * i));
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
     * Tells whether weaving this class could not depend on what its supertypes declare: it declares no
     * method but constructors and static initialisers (so none overrides, or shares a name and
     * descriptor with, an inherited method), and every method it refers to is a constructor or a
     * method of a JDK class or an array (so none of its calls can be a suspension point). Whatever its
     * supertypes are, such a class is left unchanged, unless one of its {@code invokedynamic} sites
     * creates a suspendable interface, which {@link #indyReturnTypes()} tells.
     *
     * <p>The selector asks only when knowing the supertypes would mean reading their class files: about
     * one such class in ten (exceptions that only pass their constructor's arguments on, holders of
     * constants) can skip those reads.
     *
     * @return true when the supertypes need not be known to weave this class; false as well when the
     *     fields or methods tables are malformed (the weaver then reports them)
     */
    public boolean ignoresSupertypes() {
        try {
            int p = header + 8 + 2 * interfaceCount();
            int fields = readUnsignedShort(p);
            p += 2;
            for (int i = 0; i < fields; i++) {
                p = skipAttributes(p + 6);
            }
            int methods = readUnsignedShort(p);
            p += 2;
            for (int i = 0; i < methods; i++) {
                int name = entry(readUnsignedShort(p + 2), 1);
                if (readUnsignedShort(name + 1) == 0 || b[name + 3] != '<') {
                    return false;
                }
                p = skipAttributes(p + 6);
            }
            skipAttributes(p); // the class's own: a file cut short is not answered for
            for (int i = 1; i < offsets.length; i++) {
                int at = offsets[i];
                if (at != 0 && (b[at] == 10 || b[at] == 11)) {
                    int nameAndType = entry(readUnsignedShort(at + 3), 12);
                    int name = entry(readUnsignedShort(nameAndType + 1), 1);
                    if (readUnsignedShort(name + 1) > 0 && b[name + 3] == '<') {
                        continue; // a constructor
                    }
                    int owner = entry(readUnsignedShort(entry(readUnsignedShort(at + 1), 7) + 1), 1);
                    if (!isJdkOrArray(owner)) {
                        return false;
                    }
                }
            }
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Skips the attribute count at {@code p} and the attributes after it; returns the offset after them. */
    private int skipAttributes(int p) {
        int count = readUnsignedShort(p);
        p += 2;
        for (int i = 0; i < count; i++) {
            if (p + 6 > limit) {
                throw new IllegalArgumentException("truncated attribute");
            }
            long length = readInt(b, p + 2) & 0xFFFFFFFFL;
            if (p + 6 + length > limit) {
                throw new IllegalArgumentException("truncated attribute");
            }
            p += 6 + (int) length;
        }
        return p;
    }

    /** True when the UTF-8 entry at {@code p} is an array type or a name in one of {@link ClassHierarchy#isPlatform}'s packages. */
    private boolean isJdkOrArray(int p) {
        int len = readUnsignedShort(p + 1);
        int at = p + 3;
        return len > 0 && b[at] == '[' || startsWithPlatform(at, at + len);
    }

    /**
     * Returns, for each {@code invokedynamic} entry whose descriptor returns an object type outside the
     * JDK's {@link ClassHierarchy#isPlatform platform} packages, the internal name of that type (the
     * functional interface a lambda site creates); the others are skipped without decoding their
     * descriptors. A platform type is never suspendable, and most sites create one ({@code Runnable},
     * {@code java.util.function}, and the {@code String} of every string concatenation since Java 9).
     *
     * @return the types in constant-pool order, with repeats; empty when the class has no such site
     */
    public java.util.List<String> indyReturnTypes() {
        java.util.List<String> types = null;
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] != 0 && b[offsets[i]] == 18) {
                int nameAndType = entry(readUnsignedShort(offsets[i] + 3), 12);
                int desc = entry(readUnsignedShort(nameAndType + 3), 1);
                int start = desc + 3;
                int end = start + readUnsignedShort(desc + 1);
                int ret = end - 1;
                while (ret >= start && b[ret] != ')') {
                    ret--;
                }
                // an object return type: ")L" name ";", of at least one byte
                if (ret >= start && end - ret > 3 && b[ret + 1] == 'L' && b[end - 1] == ';'
                        && !startsWithPlatform(ret + 2, end - 1)) {
                    if (types == null) {
                        types = new java.util.ArrayList<>();
                    }
                    types.add(new String(b, ret + 2, end - 1 - (ret + 2), StandardCharsets.UTF_8));
                }
            }
        }
        return types == null ? java.util.List.of() : types;
    }

    /** True when {@code b[from, to)} starts with one of {@link ClassHierarchy#isPlatform}'s packages. */
    private boolean startsWithPlatform(int from, int to) {
        for (byte[] prefix : PLATFORM) {
            if (to - from >= prefix.length && java.util.Arrays.equals(b, from, from + prefix.length, prefix, 0, prefix.length)) {
                return true;
            }
        }
        return false;
    }

    private String className(int classIndex) {
        int p = entry(classIndex, 7);
        return utf8(readUnsignedShort(p + 1));
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
        int len = readUnsignedShort(p + 1);
        return new String(b, p + 3, len, StandardCharsets.UTF_8);
    }

    private int readUnsignedShort(int p) {
        if (p + 2 > limit) {
            throw new IllegalArgumentException("truncated class file: needed 2 bytes at offset " + p + " of " + limit);
        }
        return u2(b, p);
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int readInt(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }
}
