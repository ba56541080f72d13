package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Overrides reached through bridge methods (trap 21), one {@link BridgeFixtures} fixture per shape, each
 * run plain and suspended at every point by {@link Differential}; and the same fixtures with verification
 * on, in a JVM of its own ({@link VerifyBridgesProgram}), where no bridge may look like a lost suspension
 * while a real loss through a bridge is still named.
 */
class BridgeMethodsTest {
    private static final Map<String, String> OUTCOMES = Map.of(
            "generic interface", "returned 5",
            "generic superclass", "returned AB",
            "override of a bridge target", "returned x!!y!!",
            "covariant return", "returned made2made2",
            "default method bridge", "returned 6",
            "abstract generic class", "returned 304",
            "re-declared generic interface", "returned aabb",
            "array of a generic type", "returned head");

    @Test
    void everyBridgeShapeSuspendsLikePlainCode() {
        assertEquals(OUTCOMES.keySet(), BridgeFixtures.all().keySet());
        BridgeFixtures.all().forEach((shape, fixture) ->
                assertEquals(OUTCOMES.get(shape), Differential.check(fixture).outcome, shape));
    }

    @Test
    void verificationPassesEveryBridgeAndNamesRealLosses() throws Exception {
        List<String> out = VerificationTest.runWithVerification(VerifyBridgesProgram.class.getName());
        assertEquals("verify=true", out.get(0), "the agent option turns verification on: " + out);
        int line = 1;
        for (String shape : BridgeFixtures.all().keySet()) {
            assertEquals(shape + ": " + OUTCOMES.get(shape), out.get(line++), "with verification on: " + out);
        }

        // Function is not suspendable: PlainLen.apply(String), the bridge's target, is not woven.
        String plain = out.get(line++);
        assertTrue(plain.startsWith("not suspendable target: java.lang.IllegalStateException: Weft verify:"), plain);
        assertTrue(plain.contains("BridgeFixtures$PlainLen.apply(Ljava/lang/String;)Ljava/lang/Integer;"), plain);

        // Both.get()String is woven; the bridge get()Object, which implements Supplier.get, is not.
        String bridge = out.get(line++);
        assertTrue(bridge.startsWith("not suspendable bridge: java.lang.IllegalStateException: Weft verify:"), bridge);
        assertTrue(bridge.contains("BridgeFixtures$Both.get()Ljava/lang/Object;"), bridge);
        assertEquals("done", out.get(line), "output: " + out);
    }
}
