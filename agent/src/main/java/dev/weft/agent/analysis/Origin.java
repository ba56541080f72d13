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
 *
 * <p>With {@code cache=DIR}, a jar's {@link JarIndex} answers first: the jar itself is opened only when
 * a class file must be read (one the index lists without facts), and a name the index does not list
 * is known not to be in the jar without a lookup.
 */
public final class Origin {
    /** Origins by the absolute path of their jar or directory. */
    private static final ConcurrentHashMap<String, Origin> BY_PATH = new ConcurrentHashMap<>();
    /** Origins by protection domain: a loader keeps one domain per jar, and domains compare by identity. */
    private static final ConcurrentHashMap<ProtectionDomain, Origin> BY_DOMAIN = new ConcurrentHashMap<>();
    /** Stands for locations that cannot be read directly (not a local jar or directory). */
    private static final Origin NONE = new Origin(null, null, null);

    /** The domain asked for last and its origin (a benign race: a stale pair only costs a map lookup). */
    private static volatile Last lastUsed;

    /** The open jar; null for a directory, or until first read when the jar has a complete index. */
    private volatile ZipFile jar;
    /** The jar to open when first read; null once opened (or for a directory). */
    private volatile Path unopened;
    private final Path directory;
    /** The jar's facts kept between runs ({@link JarIndex}); null for a directory or while caching is off. */
    private final JarIndex index;

    private Origin(ZipFile jar, Path directory, JarIndex index) {
        this.jar = jar;
        this.directory = directory;
        this.index = index;
    }

    /** An origin whose jar is opened only when a class file must be read from it: its index answers the rest. */
    private Origin(Path unopened, JarIndex index) {
        this(null, null, index);
        this.unopened = unopened;
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
                return new Origin(null, path, null);
            }
            if (Files.isRegularFile(path)) {
                JarIndex index = JarIndex.open(path);
                if (index != null && index.complete()) {
                    return new Origin(path, index);
                }
                return new Origin(openJar(path), null, index);
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the loader's resources are used instead
        }
        return NONE;
    }

    private static ZipFile openJar(Path path) throws IOException {
        // A multi-release jar is read versioned, as the loader's own JarFile reads it. A plain ZipFile skips
        // what JarFile adds to every read (signature checks, version lookups). It is opened before the
        // JarFile is closed, so that both share the central directory the JarFile has read: closing first
        // would drop it and make the ZipFile read it again.
        JarFile jar = new JarFile(path.toFile(), false, ZipFile.OPEN_READ, JarFile.runtimeVersion());
        if (jar.isMultiRelease()) {
            return jar;
        }
        try (jar) {
            return new ZipFile(path.toFile());
        }
    }

    /** The open jar, opened now when it was left for later; null for a directory or a jar that cannot be opened. */
    private ZipFile jar() {
        ZipFile open = jar;
        if (open == null && unopened != null) {
            synchronized (this) {
                open = jar;
                if (open == null && unopened != null) {
                    try {
                        open = openJar(unopened);
                        jar = open;
                    } catch (IOException | RuntimeException e) {
                        open = null;
                    }
                    unopened = null;
                }
            }
        }
        return open;
    }

    /** Forgets every origin, so that the next ones open their jars and indexes again (for tests: a new run). */
    static void forgetAll() {
        for (Origin o : BY_PATH.values()) {
            ZipFile open = o.jar;
            if (open != null) {
                try {
                    open.close();
                } catch (IOException e) {
                    // forgotten anyway
                }
            }
        }
        BY_PATH.clear();
        BY_DOMAIN.clear();
        lastUsed = null;
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

    /**
     * Returns the facts of class {@code name} (internal name) in this jar or directory: from the jar's
     * index when it has them, else read from the class file's header as {@link #readHeader} does (and
     * then recorded in the index for the next run).
     *
     * @return the facts, or null when the class is not there or cannot be read
     * @throws IllegalArgumentException when the file there is not a class file
     */
    ClassFacts readFacts(String name) {
        JarIndex.Entry known = null;
        if (index != null && index.complete()) {
            known = index.entry(name);
            if (known == null) {
                return null; // the jar has no such class file
            }
            if (known.facts != null) {
                return known.facts;
            }
        }
        try (Opened file = openClass(name)) {
            if (file == null) {
                return null;
            }
            ClassFacts facts = ClassFacts.of(ClassHeader.read(file.in, file.size));
            if (index != null && file.crc != -1) {
                index.learn(name, facts, (int) file.crc, (int) file.size);
            }
            return facts;
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw (IllegalArgumentException) e;
            }
            return null;
        }
    }

    /**
     * Returns the facts of a class being loaded from this jar as an earlier run recorded them, when its
     * bytes are the ones recorded.
     *
     * @param name the class's internal name
     * @param bytes its class file as handed to the transformer
     * @return the facts, or null when they are not known (then the header must be parsed)
     */
    public ClassFacts cachedFacts(String name, byte[] bytes) {
        return index == null ? null : index.factsOf(name, bytes);
    }

    /**
     * Records the facts of a class being loaded from this jar, parsed from its bytes, for the next run;
     * nothing while caching is off.
     *
     * @param name the class's internal name as the JVM gives it
     * @param facts the facts, from {@link ClassFacts#of(ClassHeader)}
     * @param bytes the class file they were read from
     */
    public void learn(String name, ClassFacts facts, byte[] bytes) {
        if (index != null) {
            index.learn(name, facts, bytes);
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

    /** A class file opened for reading, with its size and CRC-32 (-1 when unknown). */
    private static final class Opened implements AutoCloseable {
        final InputStream in;
        final long size;
        final long crc;

        Opened(InputStream in, long size, long crc) {
            this.in = in;
            this.size = size;
            this.crc = crc;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Opens class {@code name} (internal name) in this jar or directory, or returns null when it is not there. */
    private Opened openClass(String name) throws IOException {
        String file = name.concat(".class"); // not +: its invokedynamic bootstrap costs at start-up
        if (directory == null) {
            ZipFile zip = jar();
            if (zip == null) {
                return null;
            }
            ZipEntry entry = zip.getEntry(file);
            return entry == null ? null : new Opened(zip.getInputStream(entry), entry.getSize(), entry.getCrc());
        }
        Path path = directory.resolve(file);
        return Files.isRegularFile(path) ? new Opened(Files.newInputStream(path), Files.size(path), -1) : null;
    }
}
