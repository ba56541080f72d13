package dev.weft.agent.weave;

import dev.weft.agent.analysis.ClassHierarchy;
import org.objectweb.asm.ClassWriter;

/** A {@link ClassWriter} that computes frames from the class hierarchy's bytes instead of loading classes. */
final class HierarchyClassWriter extends ClassWriter {
    private final ClassHierarchy hierarchy;

    HierarchyClassWriter(ClassHierarchy hierarchy, int flags) {
        super(flags);
        this.hierarchy = hierarchy;
    }

    @Override
    protected String getCommonSuperClass(String a, String b) {
        return hierarchy.commonSuperClass(a, b);
    }
}
