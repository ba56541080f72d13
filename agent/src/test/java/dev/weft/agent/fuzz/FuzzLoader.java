package dev.weft.agent.fuzz;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The class loader of one run of one program: defines the classes it is given (child first) and
 * serves their original bytes as resources, so that {@code ClassHierarchy.of(loader)} finds them as
 * it would find any class; everything else, the Weft runtime included, comes from the parent.
 */
final class FuzzLoader extends ClassLoader {
    private final Map<String, byte[]> classes = new HashMap<>();
    private final Map<String, byte[]> resources = new HashMap<>();

    FuzzLoader(ClassLoader parent) {
        super(parent);
    }

    /** Defines {@code internalName} from {@code bytes} when first loaded, and serves {@code original} as its resource. */
    void add(String internalName, byte[] bytes, byte[] original) {
        classes.put(internalName.replace('/', '.'), bytes);
        resources.put(internalName + ".class", original);
    }

    /** Replaces the bytes a class not yet loaded will be defined from. */
    void redefine(String internalName, byte[] bytes) {
        classes.put(internalName.replace('/', '.'), bytes);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = defineClass(name, bytes, 0, bytes.length);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public InputStream getResourceAsStream(String name) {
        byte[] bytes = resources.get(name);
        return bytes != null ? new ByteArrayInputStream(bytes) : super.getResourceAsStream(name);
    }
}
