package dev.weft.it;

import dev.weft.Coroutine;
import java.util.Map;

/**
 * The program {@link BridgeMethodsTest} runs in a JVM of its own with the agent's {@code verify} option:
 * each {@link BridgeFixtures} shape through the {@link Differential} harness (one line each, its outcome
 * or what failed), then the two losses through bridges, each with the error it ends with.
 */
public final class VerifyBridgesProgram {
    private VerifyBridgesProgram() {
    }

    /**
     * Runs the fixtures and the losses.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.println("verify=" + System.getProperty("weft.verify"));
        for (Map.Entry<String, dev.weft.SuspendableCallable<?>> shape : BridgeFixtures.all().entrySet()) {
            String line;
            try {
                line = Differential.check(shape.getValue()).outcome;
            } catch (Throwable t) {
                line = "failed: " + t;
            }
            System.out.println(shape.getKey() + ": " + line.replace('\n', ' '));
        }
        Probe.install(true);
        lose("not suspendable target", Coroutine.of(() -> new BridgeFixtures.PlainLen().apply("abc")));
        lose("not suspendable bridge", Coroutine.of(() -> {
            BridgeFixtures.Supplier<String> s = new BridgeFixtures.Both();
            s.get();
        }));
        System.out.println("done");
    }

    private static void lose(String what, Coroutine<Object, Object> co) {
        try {
            Object y = co.next();
            System.out.println(what + ": not detected, yielded " + y);
        } catch (RuntimeException e) {
            System.out.println(what + ": " + e.getClass().getName() + ": " + e.getMessage());
        }
    }
}
