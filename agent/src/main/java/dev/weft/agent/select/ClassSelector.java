package dev.weft.agent.select;

import dev.weft.agent.analysis.ClassFacts;
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
 *
 * <p>With the agent option {@code cache=DIR}, what the header gave is kept per jar between runs
 * ({@link dev.weft.agent.analysis.JarIndex}): a class whose bytes are those recorded is decided from the
 * record, without parsing, by the same rules.
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
        return isCandidate(null, b, hierarchy, origin);
    }

    /**
     * As {@link #isCandidate(byte[], ClassHierarchy, Origin)}, answering from the facts an earlier run
     * kept in the origin's index ({@code cache=DIR}) when the class file is the one they were kept for,
     * and else recording them there for the next run. The answer is the same either way.
     *
     * @param className the class's internal name as the JVM gives it, or null (then no index is asked)
     * @param b the class file
     * @param hierarchy the hierarchy of the class's loader
     * @param origin the jar or directory the class comes from; null to read supertypes through the
     *     loader only
     * @return true when the class must be parsed and handed to the weaver; false when it has nothing to weave
     * @throws IllegalArgumentException when the bytes are not a class file
     */
    public static boolean isCandidate(String className, byte[] b, ClassHierarchy hierarchy, Origin origin) {
        ClassFacts facts = className == null || origin == null ? null : origin.cachedFacts(className, b);
        ClassHeader header = null;
        if (facts == null) {
            header = ClassHeader.parse(b);
            if (header.mentionsWeft) {
                return true;
            }
            facts = ClassFacts.of(header);
            if (origin != null && className != null) {
                origin.learn(className, facts, b);
            }
        }
        String superName = facts.superName;
        String[] interfaces = facts.interfaces;
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
        if (unknown) {
            if (header == null && !facts.knowsIgnoresSupertypes()) {
                facts = reparse(className, facts, b, origin);
                header = facts.header();
            }
            if (!facts.ignoresSupertypes()) {
                for (int i = -1; i < interfaces.length; i++) {
                    String type = i < 0 ? superName : interfaces[i];
                    if (isSuspendableType(type, hierarchy, origin)) {
                        return true;
                    }
                }
            }
        }
        if (facts.hasIndy) {
            if (header == null && !facts.knowsIndyTypes()) {
                facts = reparse(className, facts, b, origin);
            }
            for (String fi : facts.indyReturnTypes()) {
                if (isSuspendableType(fi, hierarchy, origin)) {
                    return true;
                }
            }
        }
        hierarchy.remember(facts);
        return false;
    }

    /** The facts from the index, completed from the class file's header and recorded again. */
    private static ClassFacts reparse(String className, ClassFacts cached, byte[] b, Origin origin) {
        ClassFacts facts = cached.with(ClassHeader.parse(b));
        origin.learn(className, facts, b);
        return facts;
    }

    private static boolean isSuspendableType(String name, ClassHierarchy hierarchy, Origin origin) {
        return name != null && !ClassHierarchy.isPlatform(name) && hierarchy.hasSuspendableMethods(name, origin);
    }
}
