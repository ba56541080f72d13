package dev.weft.agent;

import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.analysis.Origin;
import dev.weft.agent.select.ClassSelector;
import dev.weft.agent.weave.ClassWeaver;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's transformer: select, then weave. It never throws and never loads classes: a class it
 * cannot read or weave is left unchanged and named once in the log.
 */
final class WeftTransformer implements ClassFileTransformer {
    private final AgentOptions options;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    WeftTransformer(AgentOptions options) {
        this.options = options;
        if (Timing.ON) {
            Timing.cpu(); // the clock is set up now, not while the first class loads
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
            byte[] bytes) {
        if (!Timing.ON) {
            return select(loader, className, domain, bytes);
        }
        long start = Timing.cpu();
        try {
            return select(loader, className, domain, bytes);
        } finally {
            Timing.add(start);
        }
    }

    /** Selects and weaves a class; null when it is left unchanged. */
    private byte[] select(ClassLoader loader, String className, ProtectionDomain domain, byte[] bytes) {
        if (className == null || bytes == null || loader == null || ClassHierarchy.isPlatform(className)
                || className.startsWith("dev/weft/agent/") || !options.accepts(className)) {
            return null;
        }
        try {
            // prewoven with the default options: sleep=thread weaves the runtime at load instead
            if (options.cooperativeSleep && className.startsWith("dev/weft/")) {
                Prewoven.Entry prewoven = Prewoven.lookup(className);
                if (prewoven != null && prewoven.matches(bytes)) {
                    return done(className, prewoven.woven, prewoven.refusals);
                }
            }
            ClassHierarchy hierarchy = ClassHierarchy.of(loader);
            if (!ClassSelector.isCandidate(className, bytes, hierarchy, Origin.of(domain))) {
                return null;
            }
            ClassWeaver.Result result = ClassWeaver.weave(bytes, hierarchy, options.cooperativeSleep);
            return done(className, result.bytes, result.refusals);
        } catch (Throwable t) {
            log(className, "left " + className.replace('/', '.') + " unchanged: " + t);
            return null;
        }
    }

    /** Logs the refusals, reports and dumps a woven class, and returns its bytes (null: unchanged). */
    private byte[] done(String className, byte[] woven, List<String> refusals) {
        for (String refusal : refusals) {
            log(className + "#" + refusal, "refused: " + refusal);
        }
        if (woven == null) {
            return null;
        }
        if (options.verbose) {
            System.err.println("[weft] woven " + className.replace('/', '.'));
        }
        if (options.dump != null) {
            dump(className, woven);
        }
        return woven;
    }

    private void dump(String className, byte[] bytes) {
        try {
            Path file = options.dump.resolve(className + ".class");
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException | RuntimeException e) {
            log("dump:" + className, "could not dump " + className + ": " + e);
        }
    }

    /**
     * With {@code -Dweft.timing=true}, the CPU time the transformer spends, summed over every class and
     * printed when the JVM exits ({@code [weft] timing: transformer cpu=... ms classes=...}): the agent's
     * own share of a start-up, which {@code bench/startup.sh} reports with {@code TIMING=1}. It costs a
     * CPU clock reading of the calling thread before and after each class.
     */
    static final class Timing {
        static final boolean ON = Boolean.getBoolean("weft.timing");
        private static final java.lang.management.ThreadMXBean THREADS;
        private static final java.util.concurrent.atomic.AtomicLong NANOS = new java.util.concurrent.atomic.AtomicLong();
        private static final java.util.concurrent.atomic.AtomicInteger CLASSES = new java.util.concurrent.atomic.AtomicInteger();

        static {
            THREADS = ON ? java.lang.management.ManagementFactory.getThreadMXBean() : null;
            if (ON) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.err.println("[weft] timing: transformer cpu="
                        + String.format("%.1f", NANOS.get() / 1e6) + " ms classes=" + CLASSES.get()), "weft-timing"));
            }
        }

        private Timing() {
        }

        static long cpu() {
            return THREADS.getCurrentThreadCpuTime();
        }

        static void add(long start) {
            NANOS.addAndGet(THREADS.getCurrentThreadCpuTime() - start);
            CLASSES.incrementAndGet();
        }
    }

    private void log(String key, String message) {
        if (logged.add(key)) {
            System.err.println("[weft] " + message);
        }
    }
}
