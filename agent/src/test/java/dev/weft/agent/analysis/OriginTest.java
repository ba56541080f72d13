package dev.weft.agent.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.agent.ClassFiles;
import dev.weft.agent.select.ClassSelector;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supertypes are read from the jar or directory of the class being loaded: found there even when the
 * loader cannot see them yet, and looked up through the loader when they are not there.
 */
class OriginTest {
    private static final byte[] BASE = ClassFiles.withWork("near/Base", "java/lang/Object", null, true);
    private static final byte[] SUB = ClassFiles.withWork("near/Sub", "near/Base", null, false);

    @TempDir
    Path dir;

    @Test
    void readsAClassFromAJar() throws IOException {
        Origin origin = Origin.of(domain(jar("classes.jar")));
        assertNotNull(origin);
        assertArrayEquals(BASE, origin.read("near/Base"));
        assertNull(origin.read("near/Missing"));
    }

    @Test
    void readsAClassFromADirectory() throws IOException {
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve("near"));
        Files.write(classes.resolve("near/Base.class"), BASE);
        Origin origin = Origin.of(domain(classes));
        assertNotNull(origin);
        assertArrayEquals(BASE, origin.read("near/Base"));
        assertNull(origin.read("near/Missing"));
    }

    @Test
    void theSameLocationGivesTheSameOrigin() throws IOException {
        Path jar = jar("same.jar");
        assertSame(Origin.of(domain(jar)), Origin.of(domain(jar)));
    }

    @Test
    void noReadableLocationGivesNoOrigin() throws IOException {
        assertNull(Origin.of(null));
        assertNull(Origin.of(new ProtectionDomain(null, null)));
        assertNull(Origin.of(new ProtectionDomain(new CodeSource(new URL("http://example.invalid/a.jar"),
                (Certificate[]) null), null)));
        assertNull(Origin.of(domain(dir.resolve("does-not-exist.jar"))));
        Path garbage = dir.resolve("garbage.jar");
        Files.write(garbage, new byte[] {1, 2, 3, 4});
        assertNull(Origin.of(domain(garbage)));
    }

    @Test
    void aSubclassIsSelectedFromItsJarWhenItsLoaderCannotSeeTheSuperclassYet() throws IOException {
        // the loader sees neither class: only the origin knows that near/Base is suspendable
        ClassLoader blind = new ClassLoader(null) {
        };
        assertFalse(ClassSelector.isCandidate(SUB, ClassHierarchy.of(blind)));
        ClassLoader blind2 = new ClassLoader(null) {
        };
        assertTrue(ClassSelector.isCandidate(SUB, ClassHierarchy.of(blind2), Origin.of(domain(jar("sub.jar")))));
    }

    @Test
    void readsTheHeaderOfAClassFromAJarOrADirectory() throws IOException {
        byte[] plain = ClassFiles.withWork("near/Plain", "near/Base", new String[] {"near/Itf"}, false);
        Path classes = dir.resolve("headers");
        Files.createDirectories(classes.resolve("near"));
        Files.write(classes.resolve("near/Base.class"), BASE);
        Files.write(classes.resolve("near/Plain.class"), plain);
        Path jar = dir.resolve("headers.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (String name : new String[] {"near/Base", "near/Plain"}) {
                out.putNextEntry(new ZipEntry(name + ".class"));
                out.write(name.equals("near/Base") ? BASE : plain);
                out.closeEntry();
            }
        }
        for (Origin origin : new Origin[] {Origin.of(domain(jar)), Origin.of(domain(classes))}) {
            ClassHeader base = origin.readHeader("near/Base");
            assertTrue(base.mentionsWeft);
            assertArrayEquals(BASE, base.bytes(), "a class naming Weft is read whole");
            ClassHeader header = origin.readHeader("near/Plain");
            assertEquals("near/Plain", header.name());
            assertEquals("near/Base", header.superName());
            assertArrayEquals(new String[] {"near/Itf"}, header.interfaces());
            assertFalse(header.mentionsWeft);
            assertNull(origin.readHeader("near/Missing"));
        }
    }

    private Path jar(String name) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new ZipEntry("near/Base.class"));
            out.write(BASE);
            out.closeEntry();
            out.putNextEntry(new ZipEntry("near/Sub.class"));
            out.write(SUB);
            out.closeEntry();
        }
        return jar;
    }

    private static ProtectionDomain domain(Path location) throws IOException {
        return new ProtectionDomain(new CodeSource(location.toUri().toURL(), (Certificate[]) null), null);
    }
}
