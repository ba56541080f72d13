package dev.weft.agent.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The jar or directory a class being loaded came from, read directly: where the hierarchy looks first
 * for the class files of that class's supertypes.
 *
 * <p>Most supertypes of a class sit in the same jar, and most of them are not loaded yet when the
 * class is transformed (the JVM loads supertypes after the transformer has run). Reading them through
 * the loader ({@code ClassLoader.getResourceAsStream}) walks parent delegation, which probes every
 * module of the boot and platform loaders, then opens a {@code jar:} URL connection: at start-up,
 * while all of that still runs interpreted, a few hundred microseconds per read. Reading the entry
 * from the jar directly costs a hash lookup and an inflate. The JDK shares an open jar's central
 * directory between every {@code ZipFile} on the same file, so this opens no second copy of it.
 *
 * <p>A name not in this jar is looked up next in the other jars and directories that the same loader
 * has loaded classes from (a supertype in another library, say), and only then through the loader.
 * These shortcuts differ from what the loader would find only when the same class name sits in two
 * places of a class path and the copies disagree on Weft's annotations: then the runtime's check of
 * frame identities still reports the unwoven method when it first suspends, rather than anything
 * running on wrongly.
 */
public final class Origin {
    /** Origins by the absolute path of their jar or directory. */
    private static final ConcurrentHashMap<String, Origin> BY_PATH = new ConcurrentHashMap<>();
    /** Origins by protection domain: a loader keeps one domain per jar, and domains compare by identity. */
    private static final ConcurrentHashMap<ProtectionDomain, Origin> BY_DOMAIN = new ConcurrentHashMap<>();
    /** Stands for locations that cannot be read directly (not a local jar or directory). */
    private static final Origin NONE = new Origin(null, null);

    /** The domain asked for last and its origin (a benign race: a stale pair only costs a map lookup). */
    private static volatile Last lastUsed;

    private final ZipFile jar;
    private final Path directory;

    private Origin(ZipFile jar, Path directory) {
        this.jar = jar;
        this.directory = directory;
    }

    /**
     * Returns the readable code source of a class being loaded: the jar or directory its supertypes
     * are most likely in too.
     *
     * @param domain the protection domain the JVM hands the transformer, may be null
     * @return the origin, the same one for every class of the domain; null when the class has none that
     *     can be read directly (no code source, a remote URL, a jar that cannot be opened)
     */
    public static Origin of(ProtectionDomain domain) {
        if (domain == null) {
            return null;
        }
        // Classes load in runs from one jar, and a loader keeps one domain per jar: try the last one first.
        Last last = lastUsed;
        if (last != null && last.domain == domain) {
            return last.origin;
        }
        Origin origin = lookUp(domain);
        lastUsed = new Last(domain, origin);
        return origin;
    }

    private static Origin lookUp(ProtectionDomain domain) {
        Origin found = BY_DOMAIN.get(domain);
        if (found == null) {
            java.security.CodeSource source = domain.getCodeSource();
            found = source == null ? NONE : at(source.getLocation());
            BY_DOMAIN.putIfAbsent(domain, found);
        }
        return found == NONE ? null : found;
    }

    /** The origin at a location, or {@link #NONE} when it is not a local jar or directory that can be read. */
    private static Origin at(URL location) {
        if (location == null || !"file".equals(location.getProtocol())) {
            return NONE;
        }
        try {
            return at(Path.of(location.toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            return NONE;
        }
    }

    private static Origin at(Path path) {
        return BY_PATH.computeIfAbsent(path.toAbsolutePath().normalize().toString(), Origin::open);
    }

    /**
     * The jars and directories a loader finds classes in, in its order, when it says (a
     * {@link URLClassLoader}, or the application class loader with {@code java.class.path}); else empty.
     */
    static List<Origin> classPath(ClassLoader loader) {
        List<Origin> path = new ArrayList<>();
        try {
            if (loader instanceof URLClassLoader) {
                for (URL url : ((URLClassLoader) loader).getURLs()) {
                    add(path, at(url));
                }
            } else if (loader == ClassLoader.getSystemClassLoader()) {
                String classPath = System.getProperty("java.class.path", "");
                for (String entry : classPath.split(java.io.File.pathSeparator)) {
                    if (!entry.isEmpty()) {
                        add(path, at(Path.of(entry)));
                    }
                }
            }
        } catch (RuntimeException e) {
            // a loader that will not tell: its resources are used instead
        }
        return path;
    }

    private static void add(List<Origin> path, Origin o) {
        if (o != NONE && !path.contains(o)) {
            path.add(o);
        }
    }

    private static Origin open(String location) {
        try {
            Path path = Path.of(location);
            if (Files.isDirectory(path)) {
                return new Origin(null, path);
            }
            if (Files.isRegularFile(path)) {
                // A multi-release jar is read versioned, as the loader's own JarFile reads it. A plain
                // ZipFile skips what JarFile adds to every read (signature checks, version lookups). It is
                // opened before the JarFile is closed, so that both share the central directory the JarFile
                // has read: closing first would drop it and make the ZipFile read it again.
                JarFile jar = new JarFile(path.toFile(), false, ZipFile.OPEN_READ, JarFile.runtimeVersion());
                if (jar.isMultiRelease()) {
                    return new Origin(jar, null);
                }
                try (jar) {
                    return new Origin(new ZipFile(path.toFile()), null);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the loader's resources are used instead
        }
        return NONE;
    }

    private static final class Last {
        final ProtectionDomain domain;
        final Origin origin;

        Last(ProtectionDomain domain, Origin origin) {
            this.domain = domain;
            this.origin = origin;
        }
    }

    /**
     * Reads the header of class {@code name} (internal name) in this jar or directory, and only as much
     * of its file as {@link ClassHeader#read} needs.
     *
     * @return the header, or null when the class is not there or cannot be read
     * @throws IllegalArgumentException when the file there is not a class file
     */
    ClassHeader readHeader(String name) {
        try (Opened file = openClass(name)) {
            return file == null ? null : ClassHeader.read(file.in, file.size);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw (IllegalArgumentException) e;
            }
            return null;
        }
    }

    /** The bytes of class {@code name} (internal name) in this jar or directory, or null when it is not there. */
    byte[] read(String name) {
        try (Opened file = openClass(name)) {
            if (file == null) {
                return null;
            }
            return file.size >= 0 && file.size < Integer.MAX_VALUE ? file.in.readNBytes((int) file.size) : file.in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A class file opened for reading, with its size (-1 when unknown). */
    private static final class Opened implements AutoCloseable {
        final InputStream in;
        final long size;

        Opened(InputStream in, long size) {
            this.in = in;
            this.size = size;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Opens class {@code name} (internal name) in this jar or directory, or returns null when it is not there. */
    private Opened openClass(String name) throws IOException {
        String file = name.concat(".class"); // not +: its invokedynamic bootstrap costs at start-up
        if (jar != null) {
            ZipEntry entry = jar.getEntry(file);
            return entry == null ? null : new Opened(jar.getInputStream(entry), entry.getSize());
        }
        Path path = directory.resolve(file);
        return Files.isRegularFile(path) ? new Opened(Files.newInputStream(path), Files.size(path)) : null;
    }
}
