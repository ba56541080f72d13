package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.Coroutine;
import dev.weft.Hub;
import dev.weft.Suspendable;
import dev.weft.Timeout;
import dev.weft.WeaveError;
import java.util.List;

/**
 * The program {@link FixAdviceTest} runs in a JVM with the agent, with and without its {@code verify}
 * option: a suspension through a library method that runs the user's lambda (JUnit's
 * {@code assertThrows}, the JDK's {@code forEach}). Prints {@code verify=...}, then one message per
 * case, then {@code done}.
 */
public final class AdviceProgram {
    private AdviceProgram() {
    }

    /** A greenlet's body that sleeps inside {@code assertThrows}: the lambda runs in JUnit's code. */
    @Suspendable
    static String sleepInAssertThrows() {
        assertThrows(Timeout.class, () -> Hub.sleep(1));
        return "no error";
    }

    /** A coroutine's body that yields in a {@code forEach} lambda. */
    @Suspendable
    static void yieldInForEach() {
        List.of(1, 2).forEach(i -> Coroutine.yield(i));
    }

    /**
     * Runs the cases: one line each, the message of the Weft error found in the chain of what was thrown.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.println("verify=" + System.getProperty("weft.verify"));
        try {
            System.out.println("assertThrows: " + Hub.spawn(AdviceProgram::sleepInAssertThrows).get());
        } catch (Throwable e) {
            System.out.println("assertThrows: " + weftMessage(e));
        }
        Coroutine<Object, Object> c = Coroutine.of(AdviceProgram::yieldInForEach);
        try {
            System.out.println("forEach: yielded " + c.next());
        } catch (Throwable e) {
            System.out.println("forEach: " + weftMessage(e));
        }
        System.out.println("-");
        System.out.println("done");
    }

    /** The message of the first {@code WeaveError} or "Weft verify" error in the chain, on one line. */
    private static String weftMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof WeaveError || m.startsWith("Weft verify:")) {
                return m.replace('\n', ' ');
            }
        }
        return "no Weft error in " + e;
    }
}
