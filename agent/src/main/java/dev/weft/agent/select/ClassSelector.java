package dev.weft.agent.select;

import dev.weft.agent.analysis.ClassHierarchy;
import java.nio.charset.StandardCharsets;

/**
 * Decides from a class file's constant pool, without parsing the class, whether it may have anything
 * to weave.
 *
 * <p>A class is a candidate when its constant pool mentions a {@code dev/weft/} name (the annotation,
 * a primitive, a suspendable interface of Weft's), when its superclass or an interface declares
 * suspendable methods (overrides carry no annotation of their own), or when one of its
 * {@code invokedynamic} sites creates an instance of a functional interface that does (lambdas).
 * Everything else, which is nearly every class a JVM loads, is rejected after one pass over the
 * constant pool.
 */
public final class ClassSelector {
    private static final byte[] WEFT = "dev/weft/".getBytes(StandardCharsets.US_ASCII);

    private ClassSelector() {
    }

    /**
     * True when the class may contain methods to weave.
     *
     * @throws IllegalArgumentException when the bytes are not a class file
     */
    public static boolean isCandidate(byte[] b, ClassHierarchy hierarchy) {
        if (b.length < 10 || readInt(b, 0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file (bad magic number)");
        }
        int count = readUnsignedShort(b, 8);
        int[] offsets = new int[count];
        int p = 10;
        boolean hasIndy = false;
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
                    if (contains(b, p + 3, len, WEFT)) {
                        return true;
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
                    hasIndy = true;
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
        int header = p + 2;
        if (header + 6 > b.length) {
            throw new IllegalArgumentException("truncated class header");
        }
        if (isSuspendableType(b, offsets, readUnsignedShort(b, header + 2), hierarchy)) {
            return true;
        }
        int interfaces = readUnsignedShort(b, header + 4);
        for (int i = 0; i < interfaces; i++) {
            if (isSuspendableType(b, offsets, readUnsignedShort(b, header + 6 + 2 * i), hierarchy)) {
                return true;
            }
        }
        if (hasIndy) {
            for (int i = 1; i < count; i++) {
                if (offsets[i] != 0 && b[offsets[i]] == 18) {
                    int nameAndType = entry(b, offsets, readUnsignedShort(b, offsets[i] + 3), 12);
                    String desc = utf8(b, offsets, readUnsignedShort(b, nameAndType + 3));
                    int ret = desc.lastIndexOf(')');
                    if (ret >= 0 && desc.startsWith("L", ret + 1) && desc.endsWith(";")) {
                        String fi = desc.substring(ret + 2, desc.length() - 1);
                        if (!ClassHierarchy.isPlatform(fi) && hierarchy.hasSuspendableMethods(fi)) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    private static boolean isSuspendableType(byte[] b, int[] offsets, int classIndex, ClassHierarchy hierarchy) {
        if (classIndex == 0) {
            return false;
        }
        int p = entry(b, offsets, classIndex, 7);
        String name = utf8(b, offsets, readUnsignedShort(b, p + 1));
        return !ClassHierarchy.isPlatform(name) && hierarchy.hasSuspendableMethods(name);
    }

    /** The offset of constant-pool entry {@code index}, checked to exist and to carry {@code tag}. */
    private static int entry(byte[] b, int[] offsets, int index, int tag) {
        if (index <= 0 || index >= offsets.length || offsets[index] == 0 || b[offsets[index]] != tag) {
            throw new IllegalArgumentException("bad constant pool reference " + index + " (expected an entry with tag "
                    + tag + ")");
        }
        return offsets[index];
    }

    private static String utf8(byte[] b, int[] offsets, int index) {
        int p = entry(b, offsets, index, 1);
        int len = readUnsignedShort(b, p + 1);
        return new String(b, p + 3, len, StandardCharsets.UTF_8);
    }

    private static boolean contains(byte[] b, int from, int len, byte[] needle) {
        int last = from + len - needle.length;
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
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
