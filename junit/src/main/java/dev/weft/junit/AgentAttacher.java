package dev.weft.junit;

import dev.weft.agent.WeftAgent;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.ByteBuddyAgent;

/**
 * Attaches the Weft agent to the running JVM once, and weaves the classes loaded before it.
 *
 * <p>byte-buddy-agent obtains an {@link Instrumentation} (attaching to the JVM itself, or through a
 * helper JVM where self-attach is forbidden); the agent is then installed with it by a direct call to
 * {@link WeftAgent#agentmain}, from the class path, so no agent jar has to be found on disk.
 */
final class AgentAttacher {
    private static final byte[] WEFT_PACKAGE = "dev/weft/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static boolean tried;
    private static String failure;

    private AgentAttacher() {
    }

    /**
     * Makes sure the agent is installed, with verification on.
     *
     * @return null when it is, or why it could not be
     */
    static synchronized String ensureInstalled() {
        if (tried) {
            return failure;
        }
        tried = true;
        // Read by the runtime when the first suspension happens; set before any can.
        System.setProperty("weft.verify", "true");
        if ("installed".equals(System.getProperty("weft.agent"))) {
            return null; // -javaagent: every class was woven as it was loaded
        }
        try {
            Instrumentation inst = ByteBuddyAgent.install();
            WeftAgent.agentmain("verify", inst);
            retransformLoaded(inst);
        } catch (Throwable e) {
            failure = "Weft could not attach its agent to this JVM (" + e
                    + "), so @WeftTest tests are skipped. Fix: allow attaching (no -XX:+DisableAttachMechanism or "
                    + "-XX:-EnableDynamicAgentLoading), or start the test JVM with -javaagent:weft-agent.jar";
        }
        return failure;
    }

    /** Weaves again the loaded classes that may need it: those mentioning Weft, or whose supertypes do. */
    private static void retransformLoaded(Instrumentation inst) {
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        Map<Class<?>, Boolean> mentions = new HashMap<>();
        List<Class<?>> candidates = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            ClassLoader loader = c.getClassLoader();
            if (loader == null || loader == platform || c.isArray() || c.isPrimitive() || c.isHidden()
                    || c.getName().startsWith("dev.weft.agent.") || !inst.isModifiableClass(c)) {
                continue;
            }
            if (mayNeedWeaving(c, mentions)) {
                candidates.add(c);
            }
        }
        if (candidates.isEmpty()) {
            return;
        }
        try {
            inst.retransformClasses(candidates.toArray(new Class<?>[0]));
        } catch (Throwable all) {
            // one class that cannot be retransformed must not keep the others from being woven
            for (Class<?> c : candidates) {
                try {
                    inst.retransformClasses(c);
                } catch (Throwable e) {
                    System.err.println("[weft] could not weave " + c.getName() + ", loaded before the agent: " + e);
                }
            }
        }
    }

    private static boolean mayNeedWeaving(Class<?> c, Map<Class<?>, Boolean> memo) {
        if (c == null || c.getClassLoader() == null) {
            return false;
        }
        Boolean known = memo.get(c);
        if (known != null) {
            return known;
        }
        memo.put(c, false); // cuts cycles, which class hierarchies do not have but broken loaders might
        boolean result = mentionsWeft(c) || mayNeedWeaving(c.getSuperclass(), memo);
        for (Class<?> i : c.getInterfaces()) {
            result = result || mayNeedWeaving(i, memo);
        }
        memo.put(c, result);
        return result;
    }

    /** True when the class file's bytes contain {@code dev/weft/}: a constant naming a Weft type. */
    private static boolean mentionsWeft(Class<?> c) {
        String resource = c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return true; // bytes unknown (a generated class): let the transformer decide
            }
            return contains(in.readAllBytes(), WEFT_PACKAGE);
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
