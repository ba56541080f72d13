package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.select.ClassSelector;
import dev.weft.agent.weave.ClassWeaver;
import dev.weft.agent.weave.SiteTable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build's index of woven runtime classes: complete, identical to what weaving at load produces,
 * used by the transformer for exactly those bytes and for nothing else.
 */
class PrewovenTest {
    @Test
    void theIndexHasEveryRuntimeClassAndEachIsWhatWeavingAtLoadWouldGive() throws Exception {
        List<String> sites = new ArrayList<>();
        Map<String, Prewoven.Entry> index = index(sites);
        Map<String, byte[]> runtime = runtimeClasses();
        assertEquals(runtime.keySet(), new java.util.TreeSet<>(index.keySet()));
        // loaded for a package's annotations: without an entry, the first one would load ASM to weave nothing
        assertTrue(index.containsKey("dev/weft/sync/package-info"), "package-info classes are in the index");
        int woven = 0;
        List<String> freshSites;
        // numbered as the build numbers them (the same classes in the same order), so the bytes compare equal
        SiteTable.startBuilding();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {runtimeRoot().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            ClassHierarchy hierarchy = ClassHierarchy.of(loader);
            for (Map.Entry<String, byte[]> c : runtime.entrySet()) {
                Prewoven.Entry entry = index.get(c.getKey());
                assertTrue(entry.matches(c.getValue()), c.getKey());
                byte[] fresh = ClassSelector.isCandidate(c.getValue(), hierarchy)
                        ? ClassWeaver.weave(c.getValue(), hierarchy).bytes
                        : null;
                if (fresh == null) {
                    assertNull(entry.woven, c.getKey() + " is woven in the index but not at load");
                } else {
                    assertNotNull(entry.woven, c.getKey() + " is woven at load but not in the index");
                    assertArrayEquals(fresh, entry.woven, c.getKey());
                    woven++;
                }
            }
        } finally {
            freshSites = SiteTable.finishBuilding();
        }
        assertEquals(freshSites, sites, "the names shipped for the prewoven suspension points");
        assertTrue(sites.stream().anyMatch(n -> n.startsWith("dev.weft.sync.Event.await(Event.java:")), sites.toString());
        assertTrue(woven >= 5, "only " + woven + " runtime classes are woven: Hub, Greenlet and others should be");
    }

    @Test
    void theTransformerHandsOutTheIndexedBytesForTheExactOriginal() throws IOException {
        byte[] hub = runtimeClasses().get("dev/weft/Hub");
        WeftTransformer transformer = new WeftTransformer(AgentOptions.parse(""));
        byte[] woven = transformer.transform(getClass().getClassLoader(), "dev/weft/Hub", null, null, hub);
        assertSame(Prewoven.lookup("dev/weft/Hub").woven, woven);
    }

    @Test
    void otherBytesUnderARuntimeNameAreWovenAtLoadInstead() throws IOException {
        byte[] hub = runtimeClasses().get("dev/weft/Hub");
        byte[] changed = hub.clone();
        changed[changed.length - 1] ^= 1; // the last byte of the last attribute: still a class file, not the indexed one
        Prewoven.Entry entry = Prewoven.lookup("dev/weft/Hub");
        assertFalse(entry.matches(changed));
        assertFalse(entry.matches(java.util.Arrays.copyOf(hub, hub.length + 1)));
    }

    @Test
    void theIndexIsReadFromTheAgentJarItselfAndElseThroughTheLoader(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        byte[] inJar = {1, 2, 3, 4};
        Path jar = dir.resolve("agent.jar");
        try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.zip.ZipEntry(Prewoven.RESOURCE));
            out.write(inJar);
            out.closeEntry();
        }
        // the loader has an index of its own, which must not be the one read when the jar has one
        byte[] viaLoader = {9, 8, 7};
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes.resolve(Prewoven.RESOURCE).getParent());
        Files.write(classes.resolve(Prewoven.RESOURCE), viaLoader);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null)) {
            try (InputStream in = Prewoven.open(jar.toUri().toURL(), loader)) {
                assertArrayEquals(inJar, in.readAllBytes(), "straight from the jar");
            }
            try (InputStream in = Prewoven.open(classes.toUri().toURL(), loader)) {
                assertArrayEquals(viaLoader, in.readAllBytes(), "a directory: through the loader");
            }
            try (InputStream in = Prewoven.open(dir.resolve("missing.jar").toUri().toURL(), loader)) {
                assertArrayEquals(viaLoader, in.readAllBytes(), "no such jar: through the loader");
            }
            Path empty = dir.resolve("empty.jar");
            try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(empty))) {
                out.putNextEntry(new java.util.zip.ZipEntry("other.txt"));
                out.closeEntry();
            }
            try (InputStream in = Prewoven.open(empty.toUri().toURL(), loader)) {
                assertArrayEquals(viaLoader, in.readAllBytes(), "a jar without an index: through the loader");
            }
            try (InputStream in = Prewoven.open(null, loader)) {
                assertArrayEquals(viaLoader, in.readAllBytes(), "no location: through the loader");
            }
        }
    }

    private static Map<String, Prewoven.Entry> index(List<String> sites) throws IOException {
        try (InputStream in = PrewovenTest.class.getClassLoader().getResourceAsStream(Prewoven.RESOURCE)) {
            assertNotNull(in, Prewoven.RESOURCE + " is missing: the build's prewoven-runtime step did not run");
            return Prewoven.read(new DataInputStream(in), sites);
        }
    }

    private static Path runtimeRoot() {
        try {
            return Path.of(dev.weft.Suspendable.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> runtimeClasses() throws IOException {
        Path root = runtimeRoot();
        Map<String, byte[]> classes = new TreeMap<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String rel = root.relativize(f).toString().replace('\\', '/');
                    if (rel.startsWith("dev/weft/") && rel.endsWith(".class") && !rel.endsWith("module-info.class")) {
                        classes.put(rel.substring(0, rel.length() - 6), Files.readAllBytes(f));
                    }
                }
            }
        } else {
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(root.toFile())) {
                for (var e : java.util.Collections.list(zip.entries())) {
                    String n = e.getName();
                    if (n.startsWith("dev/weft/") && n.endsWith(".class") && !n.endsWith("module-info.class")) {
                        try (InputStream in = zip.getInputStream(e)) {
                            classes.put(n.substring(0, n.length() - 6), in.readAllBytes());
                        }
                    }
                }
            }
        }
        return classes;
    }
}
