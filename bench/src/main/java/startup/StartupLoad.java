package startup;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads every class of some jars, as a large application does while it starts, and prints how long it
 * took: {@code bench/startup.sh} runs it in fresh JVMs with and without the agent.
 *
 * <p>The classes are loaded (not initialised) with {@code Class.forName(name, false, loader)} through
 * one {@link URLClassLoader} over all the jars, whose parent is the platform loader, so that every
 * class goes through the agent's transformer as an application class would. A class that cannot be
 * loaded (a missing optional dependency, say) is counted as failed and the run goes on.
 *
 * <p>Prints one line: {@code loaded=N failed=F ms=T cpu=C}: the wall-clock time of the loading loop and
 * the CPU time the loading thread spent in it (the agent's transformer runs on that thread). On a shared
 * machine the CPU time is the steadier of the two: it leaves out the time other processes take the core.
 *
 * <p>It lives outside the {@code dev.weft} packages on purpose: a class of those packages names a Weft
 * type (its own name), so the agent would weave-check it, and this harness would measure the weaver's
 * warm-up on itself instead of the cost to classes that have nothing to weave.
 */
public final class StartupLoad {
    private StartupLoad() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: StartupLoad JAR...");
            System.exit(2);
        }
        List<String> names = new ArrayList<>();
        URL[] urls = new URL[args.length];
        for (int i = 0; i < args.length; i++) {
            File jar = new File(args[i]);
            urls[i] = jar.toURI().toURL();
            try (JarFile file = new JarFile(jar)) {
                for (Enumeration<JarEntry> e = file.entries(); e.hasMoreElements();) {
                    String entry = e.nextElement().getName();
                    if (entry.endsWith(".class") && !entry.startsWith("META-INF/") && !entry.endsWith("module-info.class")) {
                        names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
                    }
                }
            }
        }
        int loaded = 0;
        int failed = 0;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            for (String name : names) {
                try {
                    Class.forName(name, false, loader);
                    loaded++;
                } catch (ClassNotFoundException | LinkageError e) {
                    failed++;
                }
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        long cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        System.out.println("loaded=" + loaded + " failed=" + failed + " ms=" + ms + " cpu=" + cpu);
    }
}
