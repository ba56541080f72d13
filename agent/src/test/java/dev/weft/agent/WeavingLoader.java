package dev.weft.agent;

import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.weave.ClassWeaver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A child-first loader that defines every class of the fixtures package woven, as the agent would
 * weave it, and delegates everything else (the runtime included) to its parent, so that woven
 * fixtures share the parent's {@code dev.weft} runtime and {@link Trace}.
 *
 * <p>Each class it defines is checked with ASM's {@code CheckClassAdapter} first; the problems found
 * and the refusals the weaver reported are kept per class for the tests to assert on.
 */
final class WeavingLoader extends ClassLoader {
    static final String FIXTURES = "dev.weft.agent.fixtures.";

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader parent;
    private final ClassHierarchy hierarchy;
    final Map<String, String> problems = new ConcurrentHashMap<>();
    final Map<String, List<String>> refusals = new ConcurrentHashMap<>();
    final Map<String, byte[]> woven = new ConcurrentHashMap<>();

    WeavingLoader(ClassLoader parent) {
        super("weaving-fixtures", parent);
        this.parent = parent;
        this.hierarchy = ClassHierarchy.of(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(FIXTURES)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = findClass(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] original = bytesOf(parent, name);
        if (original == null) {
            throw new ClassNotFoundException(name);
        }
        ClassWeaver.Result result = ClassWeaver.weave(original, hierarchy);
        refusals.put(name, result.refusals);
        byte[] bytes = original;
        if (result.bytes != null) {
            bytes = result.bytes;
            woven.put(name, bytes);
            String found = check(bytes, parent);
            if (!found.isEmpty()) {
                problems.put(name, found);
            }
        }
        return defineClass(name, bytes, 0, bytes.length);
    }

    static String check(byte[] bytes, ClassLoader loader) {
        return ClassFiles.check(bytes, loader);
    }

    static byte[] bytesOf(ClassLoader loader, String className) {
        try {
            return ClassFiles.bytesOf(loader, className.replace('.', '/'));
        } catch (IllegalArgumentException notFound) {
            return null;
        }
    }

    /** Every problem and refusal found so far, for assertion messages. */
    List<String> report() {
        List<String> out = new ArrayList<>();
        problems.forEach((c, p) -> out.add(c + ": " + p));
        return out;
    }
}
