package dev.weft.agent.weave;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Cooperative {@code Thread.sleep} (gevent patches {@code time.sleep} the same way): in a method being
 * made resumable, each call to {@code Thread.sleep(long)}, {@code Thread.sleep(long, int)} or
 * {@code Thread.sleep(Duration)} is sent to the same method of the runtime's
 * {@code dev.weft.internal.Sleeps}, which suspends the greenlet when it runs in a hub's greenlet and
 * calls {@code Thread.sleep} anywhere else. The new call is a suspension point like any other.
 *
 * <p>A sleep made while holding a monitor stays {@code Thread.sleep}: the monitor belongs to the
 * thread, so the method could not suspend there.
 */
final class ThreadSleeps {
    static final String TARGET = "dev/weft/internal/Sleeps";

    private ThreadSleeps() {
    }

    /**
     * Redirects the method's calls to {@code Thread.sleep} made without holding a monitor.
     *
     * @return whether any call was redirected
     */
    static boolean redirect(MethodNode m) {
        if ((m.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
            return false;
        }
        int[] depths = null;
        boolean changed = false;
        for (AbstractInsnNode insn : m.instructions) {
            if (insn instanceof MethodInsnNode && isThreadSleep((MethodInsnNode) insn)) {
                if (depths == null) {
                    depths = MonitorScanner.depths(m);
                }
                if (depths[m.instructions.indexOf(insn)] == 0) {
                    ((MethodInsnNode) insn).owner = TARGET;
                    changed = true;
                }
            }
        }
        return changed;
    }

    /** True for a call to one of the {@code Thread.sleep} methods. */
    static boolean isThreadSleep(MethodInsnNode call) {
        return call.getOpcode() == Opcodes.INVOKESTATIC && "java/lang/Thread".equals(call.owner)
                && "sleep".equals(call.name) && isSleepDescriptor(call.desc);
    }

    /** True for a redirected call: always a suspension point. */
    static boolean isRedirected(MethodInsnNode call) {
        return call.getOpcode() == Opcodes.INVOKESTATIC && TARGET.equals(call.owner) && "sleep".equals(call.name)
                && isSleepDescriptor(call.desc);
    }

    private static boolean isSleepDescriptor(String desc) {
        return desc.equals("(J)V") || desc.equals("(JI)V") || desc.equals("(Ljava/time/Duration;)V");
    }
}
