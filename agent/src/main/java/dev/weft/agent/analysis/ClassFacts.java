package dev.weft.agent.analysis;

import java.util.List;

/**
 * What the selector and the hierarchy need of a class file's header: its names, its supertypes, its
 * access flags, whether it names a Weft type, and (known once asked) the types its
 * {@code invokedynamic} sites create and whether its weaving can depend on its supertypes.
 *
 * <p>Made either from a {@link ClassHeader} just parsed, which answers what is not known yet, or from a
 * jar's {@link JarIndex} kept from an earlier run, which holds the answers that run needed. Both give
 * the same answers for the same class file: the index records only what a header gave.
 */
public final class ClassFacts {
    /** {@link #ignoresSupertypes} not known yet (only for facts from an index: the header is not kept). */
    static final byte UNKNOWN = 0;
    static final byte NO = 1;
    static final byte YES = 2;
    private static final String[] NONE = new String[0];

    /** The internal name of the class; decoded from the header when first asked (most rejected classes never are). */
    private volatile String name;
    /** The internal name of the superclass, null for {@code java/lang/Object} (and module-info). */
    public final String superName;
    /** The internal names of the direct superinterfaces, in the class file's order. */
    public final String[] interfaces;
    /** The class's access flags. */
    public final int access;
    /** True when the constant pool mentions {@code dev/weft/} ({@link ClassHeader#mentionsWeft}). */
    public final boolean mentionsWeft;
    /** True when the constant pool has an {@code invokedynamic} entry. */
    public final boolean hasIndy;
    /** The header these facts were read from; null when they come from an index. */
    final ClassHeader header;
    /** {@link ClassHeader#indyReturnTypes()}, distinct; null until known. */
    private volatile String[] indyTypes;
    /** {@link ClassHeader#ignoresSupertypes()}: {@link #UNKNOWN}, {@link #NO} or {@link #YES}. */
    private volatile byte ignores;

    ClassFacts(String name, String superName, String[] interfaces, int access, boolean mentionsWeft, boolean hasIndy,
            String[] indyTypes, byte ignores, ClassHeader header) {
        this.name = name;
        this.superName = superName;
        this.interfaces = interfaces;
        this.access = access;
        this.mentionsWeft = mentionsWeft;
        this.hasIndy = hasIndy;
        this.indyTypes = hasIndy ? indyTypes : NONE;
        this.ignores = ignores;
        this.header = header;
    }

    /**
     * Reads the facts of a class file from its header; the others ({@link #indyReturnTypes()},
     * {@link #ignoresSupertypes()}) are read from the header when first asked.
     *
     * @param header the parsed header
     * @return its facts
     * @throws IllegalArgumentException when the header's names are malformed
     */
    public static ClassFacts of(ClassHeader header) {
        String[] interfaces = header.interfaces();
        return new ClassFacts(null, header.superName(), interfaces.length == 0 ? NONE : interfaces,
                header.access, header.mentionsWeft, header.hasIndy, null, UNKNOWN, header);
    }

    /**
     * Returns the types the class's {@code invokedynamic} sites create (the functional interfaces of
     * its lambdas), each once.
     *
     * @return the internal names; empty when the class has no such site
     * @throws IllegalStateException when they are not known (facts from an index that never needed them)
     */
    public String[] indyReturnTypes() {
        String[] types = indyTypes;
        if (types == null) {
            if (header == null) {
                throw new IllegalStateException("the invokedynamic types of " + name() + " are not known");
            }
            List<String> all = header.indyReturnTypes();
            List<String> distinct = new java.util.ArrayList<>(all.size());
            for (String type : all) {
                if (!distinct.contains(type)) {
                    distinct.add(type);
                }
            }
            types = distinct.toArray(NONE);
            indyTypes = types;
        }
        return types;
    }

    /**
     * Returns the internal name of the class.
     *
     * @return the name, such as {@code java/util/ArrayList}
     * @throws IllegalArgumentException when the header's entry for it is malformed
     */
    public String name() {
        String n = name;
        if (n == null) {
            n = header.name();
            name = n;
        }
        return n;
    }

    /** {@return the header these facts were read from, null when they come from an index} */
    public ClassHeader header() {
        return header;
    }

    /** {@return true when {@link #indyReturnTypes()} answers without parsing the class file again} */
    public boolean knowsIndyTypes() {
        return indyTypes != null || header != null;
    }

    /**
     * Tells what {@link ClassHeader#ignoresSupertypes()} tells of this class.
     *
     * @return true when weaving the class cannot depend on its supertypes
     * @throws IllegalStateException when it is not known (facts from an index that never needed it)
     */
    public boolean ignoresSupertypes() {
        byte known = ignores;
        if (known == UNKNOWN) {
            if (header == null) {
                throw new IllegalStateException("whether " + name() + " ignores its supertypes is not known");
            }
            known = header.ignoresSupertypes() ? YES : NO;
            ignores = known;
        }
        return known == YES;
    }

    /** {@return true when {@link #ignoresSupertypes()} answers without parsing the class file again} */
    public boolean knowsIgnoresSupertypes() {
        return ignores != UNKNOWN || header != null;
    }

    /**
     * Returns the same facts read again from the class file's header, which answers what these do not know;
     * what these know already is kept.
     *
     * @param parsed the header of the class file these facts are of
     * @return facts that answer everything
     */
    public ClassFacts with(ClassHeader parsed) {
        ClassFacts again = of(parsed);
        String[] types = indyTypes;
        if (types != null) {
            again.indyTypes = types;
        }
        if (ignores != UNKNOWN) {
            again.ignores = ignores;
        }
        return again;
    }

    /** The indy types when known (null when not asked yet), for an index to record. */
    String[] indyTypesIfKnown() {
        return hasIndy ? indyTypes : NONE;
    }

    /** {@link #ignores} as known now, for an index to record. */
    byte ignoresIfKnown() {
        return ignores;
    }
}
