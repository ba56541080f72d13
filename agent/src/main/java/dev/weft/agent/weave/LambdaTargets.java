package dev.weft.agent.weave;

import dev.weft.agent.analysis.ClassHierarchy;
import java.util.HashMap;
import java.util.Map;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Finds the methods of a class that lambdas and method references turn into implementations of a
 * suspendable functional interface: those bodies are woven even though nothing annotates them.
 */
final class LambdaTargets {
    static final String METAFACTORY = "java/lang/invoke/LambdaMetafactory";

    private LambdaTargets() {
    }

    /**
     * Maps name+descriptor of each such method to the identity its frames carry: the functional
     * interface method's for a lambda body, its own for a method reference (it may also be called
     * directly, under its own name; {@link MethodReferenceLinker} makes that identity an alias of the
     * interface method's).
     */
    static Map<String, Integer> find(ClassNode cls, ClassHierarchy hierarchy) {
        Map<String, Integer> targets = new HashMap<>();
        for (MethodNode m : cls.methods) {
            if (m.instructions == null) {
                continue;
            }
            for (AbstractInsnNode insn : m.instructions) {
                if (!(insn instanceof InvokeDynamicInsnNode)) {
                    continue;
                }
                InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) insn;
                if (!isSuspendableSite(indy, hierarchy)) {
                    continue;
                }
                Handle impl = (Handle) indy.bsmArgs[1];
                if (!impl.getOwner().equals(cls.name) || impl.getName().startsWith("<")) {
                    continue;
                }
                String key = impl.getName() + impl.getDesc();
                int id = isLambdaBody(cls, impl) ? Code.idOf(indy.name + ((Type) indy.bsmArgs[0]).getDescriptor())
                        : Code.idOf(key);
                Integer previous = targets.put(key, id);
                if (previous != null && previous != id) {
                    targets.put(key, 0);
                }
            }
        }
        return targets;
    }

    /** True for an {@code invokedynamic} that makes a lambda or method reference of a suspendable interface. */
    static boolean isSuspendableSite(InvokeDynamicInsnNode indy, ClassHierarchy hierarchy) {
        if (!METAFACTORY.equals(indy.bsm.getOwner()) || indy.bsmArgs.length < 3
                || !(indy.bsmArgs[0] instanceof Type) || !(indy.bsmArgs[1] instanceof Handle)) {
            return false;
        }
        Type fi = Type.getReturnType(indy.desc);
        String samDesc = ((Type) indy.bsmArgs[0]).getDescriptor();
        return fi.getSort() == Type.OBJECT && hierarchy.isSuspendable(fi.getInternalName(), indy.name, samDesc);
    }

    /**
     * The functional interface that a lambda body of {@code cls} implements, from the {@code invokedynamic}
     * that creates it, as a Java name ({@code java.util.function.Consumer}); null when no site in the class
     * names it.
     */
    static String interfaceOf(ClassNode cls, MethodNode body) {
        for (MethodNode m : cls.methods) {
            if (m.instructions == null) {
                continue;
            }
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof InvokeDynamicInsnNode) {
                    InvokeDynamicInsnNode indy = (InvokeDynamicInsnNode) insn;
                    if (indy.bsmArgs.length >= 2 && indy.bsmArgs[1] instanceof Handle) {
                        Handle impl = (Handle) indy.bsmArgs[1];
                        if (impl.getOwner().equals(cls.name) && impl.getName().equals(body.name)
                                && impl.getDesc().equals(body.desc)) {
                            return Type.getReturnType(indy.desc).getClassName();
                        }
                    }
                }
            }
        }
        return null;
    }

    /** True when the implementation is a lambda body javac wrote into this class, not a method reference. */
    static boolean isLambdaBody(ClassNode cls, Handle impl) {
        return impl.getOwner().equals(cls.name) && impl.getName().startsWith("lambda$");
    }
}
