package dev.weft.agent.select;

import dev.weft.agent.analysis.ClassHeader;
import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.analysis.Origin;
import java.util.Set;

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
 * <p>A supertype not seen yet must be read from its class file, which costs far more than the pass
 * over the constant pool. It is not read for a class whose weaving cannot depend on it: one that
 * declares no method but constructors and static initialisers and calls no method but constructors
 * and the JDK's ({@link ClassHeader#ignoresSupertypes()}).
 *
 * <p>A rejected class's header is handed to the hierarchy, so that its subclasses, when they load,
 * find its supertypes there instead of reading its bytes again through the loader.
 */
public final class ClassSelector {
    private ClassSelector() {
    }

    /**
     * Tells whether a class may contain methods to weave; a rejected class's header is remembered by
     * {@code hierarchy}.
     *
     * @param b the class file
     * @param hierarchy the hierarchy of the class's loader, which reads its supertypes through the loader
     * @return true when the class must be parsed and handed to the weaver; false when it has nothing to weave
     * @throws IllegalArgumentException when the bytes are not a class file
     */
    public static boolean isCandidate(byte[] b, ClassHierarchy hierarchy) {
        return isCandidate(b, hierarchy, null);
    }

    /**
     * Tells whether a class may contain methods to weave, reading its supertypes not known yet first
     * from where the class comes from; a rejected class's header is remembered by {@code hierarchy}.
     *
     * @param b the class file
     * @param hierarchy the hierarchy of the class's loader
     * @param origin the jar or directory the class comes from; null to read supertypes through the
     *     loader only
     * @return true when the class must be parsed and handed to the weaver; false when it has nothing to weave
     * @throws IllegalArgumentException when the bytes are not a class file
     */
    public static boolean isCandidate(byte[] b, ClassHierarchy hierarchy, Origin origin) {
        ClassHeader header = ClassHeader.parse(b);
        if (header.mentionsWeft) {
            return true;
        }
        String superName = header.superName();
        String[] interfaces = header.interfaces();
        // First what the hierarchy knows already (one map lookup each); the others are read only when
        // the class's weaving could depend on them.
        boolean unknown = false;
        for (int i = -1; i < interfaces.length; i++) {
            Set<String> known = hierarchy.knownSuspendableMethods(i < 0 ? superName : interfaces[i]);
            if (known == null) {
                unknown = true;
            } else if (!known.isEmpty()) {
                return true;
            }
        }
        if (unknown && !header.ignoresSupertypes()) {
            for (int i = -1; i < interfaces.length; i++) {
                String type = i < 0 ? superName : interfaces[i];
                if (isSuspendableType(type, hierarchy, origin)) {
                    return true;
                }
            }
        }
        if (header.hasIndy) {
            for (String fi : header.indyReturnTypes()) {
                if (isSuspendableType(fi, hierarchy, origin)) {
                    return true;
                }
            }
        }
        hierarchy.remember(header, superName, interfaces);
        return false;
    }

    private static boolean isSuspendableType(String name, ClassHierarchy hierarchy, Origin origin) {
        return name != null && !ClassHierarchy.isPlatform(name) && hierarchy.hasSuspendableMethods(name, origin);
    }
}
