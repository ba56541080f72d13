package dev.weft.it;

import static dev.weft.it.Probe.pass;
import static dev.weft.it.Probe.point;

import dev.weft.Suspendable;
import dev.weft.SuspendableCallable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Suspendable methods reached through {@code Method.invoke} (trap 15): static and instance targets,
 * arguments of several types, suspensions several frames below the invoked method, exceptions,
 * interface methods of lambdas and method references, and reflection inside reflection.
 */
final class ReflectionFixtures {
    private final String name;

    ReflectionFixtures(String name) {
        this.name = name;
    }

    @Suspendable
    static String all() throws Exception {
        Method mix = ReflectionFixtures.class.getDeclaredMethod("mix", int.class, long.class, double.class,
                boolean.class, String.class, int[].class);
        long under = 40L;
        double kept = 0.25;
        char c = 'k';
        // a long beneath the call on the operand stack; locals of several types across it
        StringBuilder out = new StringBuilder();
        out.append("static ").append(under + (Long) mix.invoke(null, 3, 4L, 1.5, true, "s", new int[] {1, 2}))
                .append(' ').append(kept).append(c);

        Method greet = ReflectionFixtures.class.getDeclaredMethod("greet", String.class, char.class);
        for (int i = 0; i < 3; i++) {
            out.append(" | ").append(greet.invoke(new ReflectionFixtures("t" + i), "hi", (char) ('a' + i)));
        }

        try {
            ReflectionFixtures.class.getDeclaredMethod("fails", int.class).invoke(null, 7);
            out.append(" | not thrown");
        } catch (InvocationTargetException e) {
            out.append(" | caught ").append(e.getCause());
        }

        out.append(" | plain ").append(ReflectionFixtures.class.getDeclaredMethod("plain", int.class).invoke(null, 9));

        Method call = SuspendableCallable.class.getMethod("call");
        SuspendableCallable<String> lambda = () -> pass("lambda", "L") + "!";
        out.append(" | lambda ").append(call.invoke(lambda));
        SuspendableCallable<Integer> reference = OtherClassFixtures::threePoints;
        out.append(" | reference ").append(call.invoke(reference));

        out.append(" | nested ").append(ReflectionFixtures.class.getDeclaredMethod("nested", int.class).invoke(null, 3));
        out.append(" | varargs ").append(ReflectionFixtures.class.getDeclaredMethod("count", Object[].class)
                .invoke(null, (Object) new Object[] {"x", null, 3}));
        return out.toString();
    }

    @Suspendable
    static long mix(int a, long b, double c, boolean flag, String s, int[] arr) {
        long deep = twoBelow(a) + point("b", b);
        return deep + (long) point("c", c) + (flag ? 1 : 0) + s.length() + Arrays.stream(arr).sum();
    }

    @Suspendable
    private static int twoBelow(int a) {
        return oneBelow(a + 1) * 2;
    }

    @Suspendable
    private static int oneBelow(int a) {
        return point("a", a);
    }

    @Suspendable
    String greet(String word, char c) {
        return word + " " + pass("name", name) + " " + point("c", c);
    }

    @Suspendable
    static int fails(int n) {
        int v = point("fails", n);
        throw new IllegalArgumentException("after resuming " + v);
    }

    static int plain(int n) {
        return n * 2;
    }

    @Suspendable
    static int nested(int n) throws Exception {
        if (n == 0) {
            return point("bottom", 100);
        }
        Method self = ReflectionFixtures.class.getDeclaredMethod("nested", int.class);
        return (Integer) self.invoke(null, n - 1) + point("level", n);
    }

    @Suspendable
    static int count(Object... values) {
        return point("count", values.length);
    }

    /**
     * Invokes one method reflectively more often than JDK 17 calls it through its native accessor
     * before generating bytecode for it (15 times), so suspensions pass through both kinds.
     */
    @Suspendable
    static int manyTimes(int times) throws Exception {
        Method oneBelow = ReflectionFixtures.class.getDeclaredMethod("oneBelow", int.class);
        int sum = 0;
        for (int i = 0; i < times; i++) {
            sum += (Integer) oneBelow.invoke(null, i);
        }
        return sum;
    }
}
