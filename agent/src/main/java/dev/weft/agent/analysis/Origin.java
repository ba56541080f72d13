package dev.weft.agent.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
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
 * <p>A name not in this jar is looked up through the loader as before. The shortcut differs from what
 * the loader would find only when the same class name sits in two places of a class path, and the
 * copies disagree on Weft's annotations: then the runtime's check of frame identities still reports
 * the unwoven method when it first suspends, rather than anything running on wrongly.
 */
public final class Origin {
    private static final ConcurrentHashMap<String, Origin> BY_LOCATION = new ConcurrentHashMap<>();
    /** Stands for locations that cannot be read directly (not a local jar or directory). */
    private static final Origin NONE = new Origin(null, null);

    private final ZipFile jar;
    private final Path directory;

    private Origin(ZipFile jar, Path directory) {
        this.jar = jar;
        this.directory = directory;
    }

    /**
     * Returns the readable code source of a class being loaded, or null when it has none that can be
     * read directly (no code source, a remote URL, a jar that cannot be opened).
     */
    public static Origin of(ProtectionDomain domain) {
        if (domain == null) {
            return null;
        }
        java.security.CodeSource source = domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol())) {
            return null;
        }
        // URL.toString is cached by no one; the string form is still cheaper than URL.equals/hashCode
        Origin found = BY_LOCATION.computeIfAbsent(location.toString(), Origin::open);
        return found == NONE ? null : found;
    }

    private static Origin open(String location) {
        try {
            Path path = Path.of(URI.create(location));
            if (Files.isDirectory(path)) {
                return new Origin(null, path);
            }
            if (Files.isRegularFile(path)) {
                // A multi-release jar is read versioned, as the loader's own JarFile reads it. A plain
                // ZipFile skips what JarFile adds to every read (signature checks, version lookups).
                JarFile jar = new JarFile(path.toFile(), false, ZipFile.OPEN_READ, JarFile.runtimeVersion());
                if (jar.isMultiRelease()) {
                    return new Origin(jar, null);
                }
                jar.close();
                return new Origin(new ZipFile(path.toFile()), null);
            }
        } catch (IOException | RuntimeException e) {
            // fall through: the loader's resources are used instead
        }
        return NONE;
    }

    /** The bytes of class {@code name} (internal name) in this jar or directory, or null when it is not there. */
    byte[] read(String name) {
        String file = name + ".class";
        try {
            if (jar != null) {
                ZipEntry entry = jar.getEntry(file);
                if (entry == null) {
                    return null;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    long size = entry.getSize();
                    return size >= 0 && size < Integer.MAX_VALUE ? in.readNBytes((int) size) : in.readAllBytes();
                }
            }
            Path path = directory.resolve(file);
            return Files.isRegularFile(path) ? Files.readAllBytes(path) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
