package dev.weft.agent.weave;

import java.util.Map;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.InsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * The suspension primitives of the runtime. A woven method already holds the coroutine's stack, so
 * its calls to a primitive go straight to {@code Task.suspend(value, id, what, stack)} instead of the
 * public method, which would look the stack up again.
 */
final class Primitives {
    private static final String TASK = "dev/weft/internal/Task";
    private static final String SUSPEND_DESC = "(Ljava/lang/Object;ILjava/lang/String;" + MethodWeaver.STACK_DESC + ")Ljava/lang/Object;";

    /** name+descriptor of each public primitive to the name its errors use. */
    private static final Map<String, String> NAMES = Map.of(
            "dev/weft/Coroutine.yield(Ljava/lang/Object;)Ljava/lang/Object;", "Coroutine.yield(value)",
            "dev/weft/Coroutine.yield()Ljava/lang/Object;", "Coroutine.yield()",
            "dev/weft/Generator.yield(Ljava/lang/Object;)V", "Generator.yield(value)");

    private Primitives() {
    }

    static boolean isPrimitive(MethodInsnNode call) {
        return call.getOpcode() == Opcodes.INVOKESTATIC && NAMES.containsKey(call.owner + "." + call.name + call.desc);
    }

    /**
     * Replaces a call to a public primitive by the call to the internal one, in place; the code before
     * and after keeps the public method's stack effect.
     */
    static void redirect(InsnList code, MethodInsnNode call, int stackVar) {
        String what = NAMES.get(call.owner + "." + call.name + call.desc);
        InsnList before = new InsnList();
        if (call.desc.startsWith("()")) {
            before.add(new InsnNode(Opcodes.ACONST_NULL));
        }
        before.add(Code.intConst(Code.idOf(call.name + call.desc)));
        before.add(new LdcInsnNode(what));
        before.add(new VarInsnNode(Opcodes.ALOAD, stackVar));
        code.insertBefore(call, before);
        if (call.desc.endsWith(")V")) {
            code.insert(call, new InsnNode(Opcodes.POP));
        }
        call.owner = TASK;
        call.name = "suspend";
        call.desc = SUSPEND_DESC;
        call.itf = false;
    }
}
