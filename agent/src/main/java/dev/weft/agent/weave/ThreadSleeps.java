package dev.weft.agent.weave;

import dev.weft.agent.analysis.ClassHierarchy;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * Cooperative {@code Thread.sleep} (gevent patches {@code time.sleep} the same way): in a method being
 * made resumable, each call to {@code Thread.sleep(long)}, {@code Thread.sleep(long, int)} or
 * {@code Thread.sleep(Duration)} (named through {@code Thread} or a subclass of it, as javac names a
 * static method called unqualified in one) is sent to the same method of the runtime's
 * {@code dev.weft.internal.Sleeps}, and each {@code unit.sleep(long)} on a {@code TimeUnit} to its
 * static {@code sleep(TimeUnit, long)}, which takes the receiver as first argument, so the operand
 * stack is the same. {@code Sleeps} suspends the greenlet when it runs in a hub's greenlet and sleeps
 * as the JDK does anywhere else. The new call is a suspension point like any other. Parking
 * ({@code LockSupport.parkNanos}) is no sleep and stays as it is.
 *
 * <p>A sleep made while holding a monitor stays {@code Thread.sleep}: the monitor belongs to the
 * thread, so the method could not suspend there.
 */
final class ThreadSleeps {
    static final String TARGET = "dev/weft/internal/Sleeps";
    private static final String THREAD = "java/lang/Thread";
    private static final String TIME_UNIT = "java/util/concurrent/TimeUnit";
    /** {@code Sleeps.sleep(TimeUnit, long)}: the receiver of {@code TimeUnit.sleep(long)} made an argument. */
    private static final String TIME_UNIT_DESC = "(Ljava/util/concurrent/TimeUnit;J)V";

    private ThreadSleeps() {
    }

    /**
     * Redirects the method's calls to {@code Thread.sleep} made without holding a monitor.
     *
     * @return whether any call was redirected
     */
    static boolean redirect(MethodNode m, ClassHierarchy hierarchy) {
        if ((m.access & Opcodes.ACC_SYNCHRONIZED) != 0) {
            return false;
        }
        int[] depths = null;
        boolean changed = false;
        for (AbstractInsnNode insn : m.instructions) {
            if (!(insn instanceof MethodInsnNode)) {
                continue;
            }
            MethodInsnNode call = (MethodInsnNode) insn;
            boolean threadSleep = isThreadSleep(call, hierarchy);
            if (threadSleep || isTimeUnitSleep(call)) {
                if (depths == null) {
                    depths = MonitorScanner.depths(m);
                }
                if (depths[m.instructions.indexOf(insn)] == 0) {
                    if (!threadSleep) {
                        call.setOpcode(Opcodes.INVOKESTATIC);
                        call.desc = TIME_UNIT_DESC;
                        call.itf = false;
                    }
                    call.owner = TARGET;
                    changed = true;
                }
            }
        }
        return changed;
    }

    /** True for a call to one of the {@code Thread.sleep} methods, named through {@code Thread} or a subclass. */
    static boolean isThreadSleep(MethodInsnNode call, ClassHierarchy hierarchy) {
        return call.getOpcode() == Opcodes.INVOKESTATIC && "sleep".equals(call.name) && isSleepDescriptor(call.desc)
                && (THREAD.equals(call.owner) || !call.owner.startsWith("[") && hierarchy.isAssignable(THREAD, call.owner));
    }

    /** True for a call to {@code TimeUnit.sleep(long)}. */
    static boolean isTimeUnitSleep(MethodInsnNode call) {
        return call.getOpcode() == Opcodes.INVOKEVIRTUAL && TIME_UNIT.equals(call.owner) && "sleep".equals(call.name)
                && "(J)V".equals(call.desc);
    }

    /** True for a redirected call: always a suspension point. */
    static boolean isRedirected(MethodInsnNode call) {
        return call.getOpcode() == Opcodes.INVOKESTATIC && TARGET.equals(call.owner) && "sleep".equals(call.name)
                && isRedirectedDescriptor(call.desc);
    }

    private static boolean isSleepDescriptor(String desc) {
        return desc.equals("(J)V") || desc.equals("(JI)V") || desc.equals("(Ljava/time/Duration;)V");
    }

    private static boolean isRedirectedDescriptor(String desc) {
        return isSleepDescriptor(desc) || desc.equals(TIME_UNIT_DESC);
    }
}
