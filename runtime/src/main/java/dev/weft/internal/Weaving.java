package dev.weft.internal;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import dev.weft.SuspendableRunnable;

/**
 * Whether woven code runs in this JVM, found out once, before the first coroutine starts: a task
 * whose body, this class's {@link #run}, yields. Woven, the body suspends and its driver gets the
 * yield; not woven (no agent, and no weaving at build time), the body returns while its suspension
 * unwinds. Asking the code itself, not only the agent's system property, is what tells a runtime woven
 * at build time from one nobody wove. With the agent installed ({@code weft.agent} set) nothing is
 * asked: woven code can be expected even where the runtime's own classes are not woven (a weaver's
 * tests weave their fixtures only), and a method left unwoven is reported where its suspension is lost.
 *
 * <p>Only a positive answer is kept: the JUnit extension attaches the agent after classes have loaded
 * and weaves them again, so a JVM may run woven code after a first "no".
 */
final class Weaving implements SuspendableRunnable {
    /**
     * True once woven code is known to run here (the probe suspended, or the agent is installed). Racy on
     * purpose: the probe is idempotent.
     */
    static boolean woven;

    private Weaving() {
    }

    /**
     * Called as a task starts (by {@link Task}) until woven code has been seen: throws when nothing is
     * woven, before the task's body runs.
     *
     * @param owner the starting task's owner: the probe's own task is let through
     * @throws NotWovenError when this JVM runs no woven code
     */
    static void require(Object owner) {
        if (owner instanceof Weaving) {
            return;
        }
        if (System.getProperty("weft.agent") == null && !probe()) {
            throw new NotWovenError(installAdvice());
        }
        woven = true;
    }

    /** {@return true when the probe's body suspends, as only a woven body can} */
    private static boolean probe() {
        Weaving body = new Weaving();
        // the task's owner is the probe itself: a stack suspends only with an owner, and require lets it through
        Task probe = new Task(body, body);
        try {
            probe.resume(null, null);
        } catch (RuntimeException | Error notWoven) {
            // the body returned, or threw, while its suspension unwound: nothing is woven
            return false;
        }
        if (probe.isDone()) {
            return false;
        }
        probe.close();
        return true;
    }

    /**
     * The body: one yield.
     */
    @Override
    @Suspendable
    public void run() {
        Coroutine.yield();
    }

    /** {@return how to install the agent: the whole message of the error a JVM without woven code gets} */
    static String installAdvice() {
        return "Weft: this code is not woven, so it cannot switch, yield or wait: the Weft agent is not installed. "
                + "Start the JVM with -javaagent:path/to/weft-agent.jar (dev.weft:weft-agent); in JUnit 5 tests, "
                + "put @WeftTest (dev.weft:weft-junit) on the test class, which attaches the agent by itself";
    }
}
