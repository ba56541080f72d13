package dev.weft.agent.analysis;

import java.util.List;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.SimpleVerifier;

/**
 * Computes the precise type of every local and stack slot, answering subtyping questions from a
 * {@link ClassHierarchy} instead of loading classes.
 *
 * <p>The weaver analyses code that the JVM has verified already (or will): the checks that
 * {@link SimpleVerifier} inherits are relaxed, so that a class the hierarchy cannot find makes a
 * type less precise rather than the analysis fail.
 */
final class TypeInterpreter extends SimpleVerifier {
    private static final Type OBJECT = Type.getObjectType("java/lang/Object");
    private final ClassHierarchy hierarchy;

    TypeInterpreter(ClassHierarchy hierarchy, Type current, Type superType, List<Type> interfaces, boolean isInterface) {
        super(Opcodes.ASM9, current, superType, interfaces, isInterface);
        this.hierarchy = hierarchy;
    }

    @Override
    protected boolean isInterface(Type type) {
        return hierarchy.isInterface(type.getInternalName());
    }

    @Override
    protected Type getSuperClass(Type type) {
        String name = hierarchy.superName(type.getInternalName());
        return name == null ? null : Type.getObjectType(name);
    }

    @Override
    protected boolean isAssignableFrom(Type to, Type from) {
        return hierarchy.isAssignable(to.getInternalName(), from.getInternalName());
    }

    @Override
    protected boolean isSubTypeOf(BasicValue value, BasicValue expected) {
        Type type = value.getType();
        Type expectedType = expected.getType();
        if (type == null || expectedType == null) {
            return type == null && expectedType == null;
        }
        if (isReference(type) && isReference(expectedType)) {
            return true;
        }
        return super.isSubTypeOf(value, expected);
    }

    @Override
    protected boolean isArrayValue(BasicValue value) {
        return value.getType() != null && isReference(value.getType());
    }

    @Override
    protected BasicValue getElementValue(BasicValue array) throws org.objectweb.asm.tree.analysis.AnalyzerException {
        Type type = array.getType();
        if (type != null && (type.getSort() == Type.ARRAY || "null".equals(type.getInternalName()))) {
            return super.getElementValue(array);
        }
        return newValue(OBJECT);
    }

    @Override
    protected Class<?> getClass(Type type) {
        throw new IllegalStateException("the weaver never loads classes (asked for " + type + ")");
    }

    private static boolean isReference(Type t) {
        return t.getSort() == Type.OBJECT || t.getSort() == Type.ARRAY;
    }
}
