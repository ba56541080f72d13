package dev.weft.agent.weave;

import dev.weft.agent.analysis.ClassHierarchy;
import java.util.Arrays;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Links every method reference to a suspendable functional interface through
 * {@code dev.weft.internal.MethodReferences} instead of {@code LambdaMetafactory}, passing the
 * identity of the referenced method as one more static argument.
 *
 * <p>A caller of {@code SuspendableCallable.call()} checks that the frame saved above it is the
 * callee it named; a method reference ({@code Other::compute}) saves its frame under its own name,
 * reached through a class the metafactory spins. The runtime bootstrap records that alias when the
 * site is linked, then delegates to the metafactory with the original arguments. Lambda bodies need
 * no alias: they are woven with the interface method's identity.
 */
final class MethodReferenceLinker {
    private static final String BOOTSTRAPS = "dev/weft/internal/MethodReferences";
    private static final String LOOKUP_PREFIX =
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;";
    private static final Handle METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, BOOTSTRAPS, "metafactory",
            LOOKUP_PREFIX + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;I)"
                    + "Ljava/lang/invoke/CallSite;", false);
    private static final Handle ALT_METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, BOOTSTRAPS, "altMetafactory",
            LOOKUP_PREFIX + "[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;", false);

    private MethodReferenceLinker() {
    }

    /**
     * Rewrites the bootstrap of each such site in place.
     *
     * @return true when a site was rewritten
     */
    static boolean link(ClassNode cls, ClassHierarchy hierarchy) {
        boolean changed = false;
        for (MethodNode m : cls.methods) {
            if (m.instructions == null) {
                continue;
            }
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof InvokeDynamicInsnNode && link(cls, (InvokeDynamicInsnNode) insn, hierarchy)) {
                    changed = true;
                }
            }
        }
        return changed;
    }

    private static boolean link(ClassNode cls, InvokeDynamicInsnNode indy, ClassHierarchy hierarchy) {
        if (!LambdaTargets.isSuspendableSite(indy, hierarchy)) {
            return false;
        }
        Handle impl = (Handle) indy.bsmArgs[1];
        if (LambdaTargets.isLambdaBody(cls, impl) || impl.getName().startsWith("<")) {
            return false;
        }
        boolean alt = indy.bsm.getName().equals("altMetafactory");
        if (!alt && !indy.bsm.getName().equals("metafactory")) {
            return false;
        }
        Object[] args = Arrays.copyOf(indy.bsmArgs, indy.bsmArgs.length + 1);
        args[args.length - 1] = Code.idOf(impl.getName() + impl.getDesc());
        indy.bsm = alt ? ALT_METAFACTORY : METAFACTORY;
        indy.bsmArgs = args;
        return true;
    }
}
