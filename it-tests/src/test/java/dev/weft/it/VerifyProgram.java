package dev.weft.it;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import elsewhere.Untouched;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * The program {@link VerificationTest} runs in a JVM of its own, with the agent's {@code verify}
 * option: one line of output per finding, for the test to assert on.
 */
public final class VerifyProgram {
    private VerifyProgram() {
    }

    @Suspendable
    static int reflected(int n) {
        return (Integer) Coroutine.yield(n) + 1;
    }

    /**
     * Runs the two cases.
     *
     * @param args unused
     */
    public static void main(String[] args) throws Exception {
        System.out.println("verify=" + System.getProperty("weft.verify"));

        // Reflection's frames only forward: suspensions through Method.invoke pass verification, through
        // JDK 17's native and generated accessors (20 calls) and JDK 18+'s method handles alike.
        Method m = VerifyProgram.class.getDeclaredMethod("reflected", int.class);
        Coroutine<Integer, Object> ok = Coroutine.of(() -> {
            int sum = 0;
            for (int i = 0; i < 20; i++) {
                sum += (Integer) m.invoke(null, i);
            }
            Coroutine.yield("sum " + sum);
        });
        Object y = ok.next();
        while (y instanceof Integer) {
            y = ok.send((Integer) y * 2);
        }
        System.out.println("reflective: " + y);

        // An unannotated method of a class the agent never selects sits between the body and the yield.
        List<String> events = new ArrayList<>();
        Coroutine<Object, Object> bad = Coroutine.of(() -> Untouched.middle(events));
        try {
            Object out = bad.next();
            System.out.println("not detected: yielded " + out);
        } catch (RuntimeException e) {
            System.out.println("error: " + e.getClass().getName() + ": " + e.getMessage());
        }
        System.out.println("events: " + events);
        System.out.println("done: " + bad.isDone());
    }
}
