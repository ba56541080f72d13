package dev.weft.agent.weave;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.InsnList;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.VarInsnNode;

/**
 * The calls through which woven code drives a generator or a coroutine: {@code Iterator.hasNext()},
 * {@code Iterator.next()} (an enhanced {@code for} over a {@code Generator} compiles to them),
 * {@code Coroutine.send(value)} and {@code Coroutine.next()}. In a resumable method each is a
 * suspension point, sent to {@code dev.weft.internal.Forward} with the method's stack: a generator's
 * or coroutine's body that waits in a greenlet then suspends the greenlet through this frame, its own
 * frames kept. Calls on other iterators go on through {@code Forward} to the iterator unchanged, at
 * the cost of a type test and the check after the call. A call made while holding a monitor is left
 * as it is (the method is not refused for it): a body that waits behind it is refused at run time.
 *
 * <p>The call keeps its place as a suspension point of the original method (its identity, which the
 * driver suspends under, is {@code hasNext()Z}, {@code next()Ljava/lang/Object;} or
 * {@code send(Ljava/lang/Object;)Ljava/lang/Object;}), so the receiver is saved and passed again on
 * restore as for any virtual call; only the instruction changes, after the analysis, as for the
 * yield primitives ({@link Primitives}).
 */
final class ForwardedCalls {
    private static final String FORWARD = "dev/weft/internal/Forward";
    private static final String ITERATOR = "java/util/Iterator";
    private static final String COROUTINE = "dev/weft/Coroutine";

    private ForwardedCalls() {
    }

    /** True for a call that woven code makes through {@code Forward}. */
    static boolean isForwarded(MethodInsnNode call) {
        if (call.getOpcode() == Opcodes.INVOKEINTERFACE && ITERATOR.equals(call.owner)) {
            return "hasNext".equals(call.name) && "()Z".equals(call.desc)
                    || "next".equals(call.name) && "()Ljava/lang/Object;".equals(call.desc);
        }
        if (call.getOpcode() == Opcodes.INVOKEVIRTUAL && COROUTINE.equals(call.owner)) {
            return "send".equals(call.name) && "(Ljava/lang/Object;)Ljava/lang/Object;".equals(call.desc)
                    || "next".equals(call.name) && "()Ljava/lang/Object;".equals(call.desc);
        }
        return false;
    }

    /**
     * Replaces the call by its {@code Forward} counterpart, in place: the receiver becomes the first
     * argument and the method's stack the last.
     */
    static void redirect(InsnList code, MethodInsnNode call, int stackVar) {
        code.insertBefore(call, new VarInsnNode(Opcodes.ALOAD, stackVar));
        String stack = MethodWeaver.STACK_DESC;
        if (ITERATOR.equals(call.owner)) {
            call.desc = "(Ljava/util/Iterator;" + stack + ")" + (call.name.equals("hasNext") ? "Z" : "Ljava/lang/Object;");
        } else if (call.name.equals("send")) {
            call.name = "coroutineSend";
            call.desc = "(Ljava/lang/Object;Ljava/lang/Object;" + stack + ")Ljava/lang/Object;";
        } else {
            call.name = "coroutineNext";
            call.desc = "(Ljava/lang/Object;" + stack + ")Ljava/lang/Object;";
        }
        call.setOpcode(Opcodes.INVOKESTATIC);
        call.owner = FORWARD;
        call.itf = false;
    }
}
