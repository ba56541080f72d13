package dev.weft.agent.select;

import dev.weft.agent.analysis.ClassHeader;
import dev.weft.agent.analysis.ClassHierarchy;

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
 *
 * <p>A rejected class's header is handed to the hierarchy, so that its subclasses, when they load,
 * find its supertypes there instead of reading its bytes again through the loader.
 */
public final class ClassSelector {
    private ClassSelector() {
    }

    /**
     * True when the class may contain methods to weave.
     *
     * @throws IllegalArgumentException when the bytes are not a class file
     */
    public static boolean isCandidate(byte[] b, ClassHierarchy hierarchy) {
        ClassHeader header = ClassHeader.parse(b);
        if (header.mentionsWeft) {
            return true;
        }
        if (isSuspendableType(header.superName(), hierarchy)) {
            return true;
        }
        for (int i = 0, n = header.interfaceCount(); i < n; i++) {
            if (isSuspendableType(header.interfaceName(i), hierarchy)) {
                return true;
            }
        }
        if (header.hasIndy) {
            for (String fi : header.indyReturnTypes()) {
                if (isSuspendableType(fi, hierarchy)) {
                    return true;
                }
            }
        }
        hierarchy.remember(header);
        return false;
    }

    private static boolean isSuspendableType(String name, ClassHierarchy hierarchy) {
        return name != null && !ClassHierarchy.isPlatform(name) && hierarchy.hasSuspendableMethods(name);
    }
}
