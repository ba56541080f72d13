package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Already-woven classes are never woven twice (trap 23), with the real agent: retransforming a woven
 * class hands the transformer the original bytes again, which it weaves once, and the class suspends
 * exactly as before.
 */
class RetransformTest {
    private static final String FIXTURE = ReflectionFixtures.class.getName().replace('.', '/');

    @Test
    void retransformedClassIsWovenOnceAndSuspendsAsBefore() throws Exception {
        Instrumentation inst = instrumentation();
        assumeTrue(inst.isRetransformClassesSupported(), "this JVM cannot retransform classes");
        Differential.Run before = Differential.check(ReflectionFixtures::all);

        Map<String, byte[]> seen = new ConcurrentHashMap<>();
        ClassFileTransformer recorder = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                    byte[] bytes) {
                if (redefined == ReflectionFixtures.class) {
                    seen.put("round " + seen.size(), bytes.clone());
                }
                return null;
            }
        };
        // Added after the agent's transformer, so it sees what the agent made of the class.
        inst.addTransformer(recorder, true);
        try {
            inst.retransformClasses(ReflectionFixtures.class, Probe.class);
            inst.retransformClasses(ReflectionFixtures.class);
        } finally {
            inst.removeTransformer(recorder);
        }
        byte[] first = seen.get("round 0");
        assertNotNull(first, "the class was retransformed");
        assertArrayEquals(first, seen.get("round 1"), "every retransformation weaves the original bytes alike");

        Map<String, Integer> lookups = stackLookups(first);
        for (String woven : Set.of("all", "mix", "twoBelow", "oneBelow", "greet", "fails", "nested", "count", "manyTimes")) {
            assertEquals(1, lookups.get(woven), woven + " is woven exactly once: " + lookups);
        }
        assertEquals(0, lookups.get("plain"), "a method with nothing to weave is unchanged: " + lookups);
        lookups.forEach((m, n) -> assertTrue(n <= 1, m + " woven twice: " + lookups));

        Differential.Run after = Differential.check(ReflectionFixtures::all);
        assertEquals(before.outcome, after.outcome);
        assertEquals(before.events, after.events);
        assertEquals(before.points, after.points, "suspends at the same points");
    }

    /** The agent's instrumentation, reached through the system class loader, which loaded the agent. */
    static Instrumentation instrumentation() throws ReflectiveOperationException {
        Class<?> agent = Class.forName("dev.weft.agent.WeftAgent", true, ClassLoader.getSystemClassLoader());
        Instrumentation inst = (Instrumentation) agent.getMethod("instrumentation").invoke(null);
        assertNotNull(inst, "the agent is installed");
        return inst;
    }

    /** How often each method of a class file looks up the current frame stack: once per woven method. */
    private static Map<String, Integer> stackLookups(byte[] classFile) {
        Map<String, Integer> counts = new TreeMap<>();
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                counts.merge(name, 0, Integer::sum);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                        if (owner.equals("dev/weft/internal/Stack") && method.equals("current")) {
                            counts.merge(name, 1, Integer::sum);
                        }
                    }
                };
            }
        }, 0);
        assertTrue(counts.containsKey("all"), FIXTURE + " read: " + counts);
        return counts;
    }
}
