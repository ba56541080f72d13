package dev.weft.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry points: {@code premain} for {@code -javaagent}, {@code agentmain} for attaching
 * to a running JVM. Installing twice is harmless.
 */
public final class WeftAgent {
    private static Instrumentation installed;

    private WeftAgent() {
    }

    /**
     * Installs the transformer before {@code main}.
     *
     * @param args the agent options
     * @param inst the instrumentation the JVM hands over
     */
    public static void premain(String args, Instrumentation inst) {
        install(args, inst);
    }

    /**
     * Installs the transformer in a running JVM.
     *
     * @param args the agent options
     * @param inst the instrumentation the JVM hands over
     */
    public static void agentmain(String args, Instrumentation inst) {
        install(args, inst);
    }

    private static synchronized void install(String args, Instrumentation inst) {
        if (installed != null) {
            return;
        }
        AgentOptions options = AgentOptions.parse(args);
        if (options.verify) {
            System.setProperty("weft.verify", "true");
        }
        if (options.cache != null) {
            dev.weft.agent.analysis.JarIndex.enable(options.cache);
        }
        // Tells the runtime, which cannot see this class, that woven code can be expected.
        System.setProperty("weft.agent", "installed");
        inst.addTransformer(new WeftTransformer(options), true);
        installed = inst;
    }

    /**
     * Returns the instrumentation the agent was installed with. Installing again keeps the first one,
     * so this is the instrumentation whose transformer weaves.
     *
     * @return the instrumentation, or null while the agent is not installed
     */
    public static synchronized Instrumentation instrumentation() {
        return installed;
    }
}
