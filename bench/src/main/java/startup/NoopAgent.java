package startup;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * An agent whose transformer returns at once: the floor of {@code bench/startup.sh}, what any agent
 * that registers a retransformation-capable transformer costs before it does anything.
 *
 * <p>The JVM then hands every class's bytes to Java and keeps a copy of each for retransformation.
 * Weft's agent registers its transformer the same way (another agent's retransformation would
 * otherwise drop the weaving), so its start-up cost can be no lower than this. {@code bench/startup.sh}
 * packs this class into a jar of its own when asked for the floor ({@code FLOOR=1}).
 */
public final class NoopAgent {
    private NoopAgent() {
    }

    /**
     * Registers the transformer that changes nothing.
     *
     * @param args ignored
     * @param inst the instrumentation the JVM hands over
     */
    public static void premain(String args, Instrumentation inst) {
        inst.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                    byte[] bytes) {
                return null;
            }
        }, true);
    }
}
