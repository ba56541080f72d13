package dev.weft.agent.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.agent.ClassFiles;
import dev.weft.agent.select.ClassSelector;
import dev.weft.agent.weave.ClassWeaver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The index of a jar kept between runs ({@code cache=DIR}): a run answered from it selects and weaves
 * exactly as one that reads the class files, and an index that is stale, damaged or made for other bytes
 * is never believed.
 */
class JarIndexTest {
    @TempDir
    Path dir;

    @AfterEach
    void cachingOff() {
        JarIndex.disable();
        Origin.forgetAll();
    }

    /** The classes of the library jar, in the order a run "loads" them: subclasses before their supertypes, as the JVM transforms them. */
    private static Map<String, byte[]> library() {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        classes.put("acme/Override", caller("acme/Override", "acme/Base", null));
        classes.put("acme/Deep", caller("acme/Deep", "acme/Override", null));
        classes.put("acme/PlainSub", caller("acme/PlainSub", "acme/Plain", null));
        classes.put("acme/Impl", caller("acme/Impl", "java/lang/Object", new String[] {"acme/Job"}));
        classes.put("acme/ChoreImpl", ClassFiles.withWork("acme/ChoreImpl", "acme/Plain", new String[] {"acme/Chore"}, false));
        classes.put("acme/JobLambda", ClassFiles.lambdaUser("acme/JobLambda", "acme/Job"));
        classes.put("acme/ChoreLambda", ClassFiles.lambdaUser("acme/ChoreLambda", "acme/Chore"));
        classes.put("acme/RunnableLambda", ClassFiles.lambdaUser("acme/RunnableLambda", "java/lang/Runnable"));
        classes.put("acme/Bare", constructorOnly("acme/Bare", "acme/Base", new String[] {"acme/Job"}));
        classes.put("acme/BarePlain", constructorOnly("acme/BarePlain", "acme/Plain", null));
        classes.put("acme/Base", ClassFiles.withWork("acme/Base", "java/lang/Object", null, true));
        classes.put("acme/Plain", ClassFiles.withWork("acme/Plain", "java/lang/Object", null, false));
        classes.put("acme/Job", ClassFiles.functionalInterface("acme/Job", true));
        classes.put("acme/Chore", ClassFiles.functionalInterface("acme/Chore", false));
        return classes;
    }

    /** The classes of a second jar, whose supertypes are in the first. */
    private static Map<String, byte[]> application() {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        classes.put("app/Sub", caller("app/Sub", "acme/Base", null));
        classes.put("app/Mid", caller("app/Mid", "acme/PlainSub", null));
        classes.put("app/Task", caller("app/Task", "java/lang/Object", new String[] {"acme/Job", "acme/Chore"}));
        classes.put("app/Lambdas", ClassFiles.lambdaUser("app/Lambdas", "acme/Job"));
        return classes;
    }

    @Test
    void aRunAnsweredFromTheIndexSelectsAndWeavesAsOneThatReadsTheClassFiles() throws IOException {
        Path lib = jar("lib.jar", library());
        Path app = jar("app.jar", application());
        Map<String, String> reading = run(lib, app);
        assertTrue(reading.values().stream().filter(o -> o.startsWith("woven")).count() >= 5, "some classes were woven: " + reading);
        assertTrue(reading.values().stream().filter(o -> o.equals("rejected")).count() >= 5, "some were rejected: " + reading);

        Path cache = dir.resolve("cache");
        JarIndex.enable(cache);
        Origin.forgetAll();
        assertEquals(reading, run(lib, app), "the first run with a cache reads and records");
        JarIndex.writeAll();
        assertTrue(Files.list(cache).count() >= 2, "an index per jar");

        Origin.forgetAll();
        Map<String, String> warm = run(lib, app);
        assertEquals(reading, warm, "a run answered from the indexes");
        Origin origin = Origin.of(domain(lib));
        for (Map.Entry<String, byte[]> c : library().entrySet()) {
            if (!ClassFiles.mentions(c.getValue(), "dev/weft/")) {
                assertNotNull(origin.cachedFacts(c.getKey(), c.getValue()), c.getKey() + " is answered from the index");
            }
        }
        assertNull(origin.readFacts("acme/Missing"), "a class the jar does not have");
    }

    @Test
    void aStaleIndexIsIgnoredWithOneLineAndWrittenAgain() throws IOException {
        Path lib = jar("lib.jar", library());
        Path app = jar("app.jar", application());
        Path cache = dir.resolve("cache");
        JarIndex.enable(cache);
        run(lib, app);
        JarIndex.writeAll();

        // acme/Plain now declares a suspendable method: its subclasses must be woven
        Map<String, byte[]> changed = library();
        changed.put("acme/Plain", ClassFiles.withWork("acme/Plain", "java/lang/Object", null, true));
        FileTime before = Files.getLastModifiedTime(lib);
        jar("lib.jar", changed);
        Files.setLastModifiedTime(lib, FileTime.fromMillis(before.toMillis() + 2000));
        Origin.forgetAll();
        JarIndex.disable();
        Map<String, String> reading = run(lib, app);
        assertEquals("woven", reading.get("acme/PlainSub").substring(0, 5), "precondition: the change matters");

        Origin.forgetAll();
        JarIndex.enable(cache);
        List<String> log = new ArrayList<>();
        Map<String, String> stale = logged(log, () -> run(lib, app));
        assertEquals(reading, stale);
        assertEquals(1, log.stream().filter(l -> l.contains("lib.jar") && l.contains("stale")).count(), String.valueOf(log));
        assertEquals(1, log.size(), String.valueOf(log));

        JarIndex.writeAll();
        Origin.forgetAll();
        List<String> again = new ArrayList<>();
        assertEquals(reading, logged(again, () -> run(lib, app)), "the index written again");
        assertEquals(List.of(), again);
        assertNotNull(Origin.of(domain(lib)).cachedFacts("acme/PlainSub", changed.get("acme/PlainSub")));
    }

    @Test
    void aDamagedIndexIsIgnoredWithOneLine() throws IOException {
        Path lib = jar("lib.jar", library());
        Path app = jar("app.jar", application());
        Map<String, String> reading = run(lib, app);
        Path cache = dir.resolve("cache");
        JarIndex.enable(cache);
        Origin.forgetAll();
        run(lib, app);
        JarIndex.writeAll();
        Path file;
        try (var files = Files.list(cache)) {
            file = files.filter(f -> f.getFileName().toString().startsWith("lib.jar")).findFirst().orElseThrow();
        }
        byte[] good = Files.readAllBytes(file);
        List<byte[]> damaged = new ArrayList<>();
        for (int at : new int[] {0, 5, 12, good.length / 3, good.length / 2, good.length - 20, good.length - 1}) {
            byte[] b = good.clone();
            b[at] ^= 0x10;
            damaged.add(b);
        }
        damaged.add(Arrays.copyOf(good, good.length / 2));
        damaged.add(Arrays.copyOf(good, 7));
        damaged.add(new byte[0]);
        damaged.add("not an index at all".getBytes(StandardCharsets.US_ASCII));
        for (byte[] b : damaged) {
            Files.write(file, b);
            Origin.forgetAll();
            List<String> log = new ArrayList<>();
            assertEquals(reading, logged(log, () -> run(lib, app)));
            assertEquals(1, log.size(), String.valueOf(log));
            assertTrue(log.get(0).contains(file.getFileName().toString()), log.get(0));
            assertNull(Origin.of(domain(lib)).cachedFacts("acme/Plain", library().get("acme/Plain")), "not believed");
        }
    }

    @Test
    void aCacheDirectoryThatCannotBeUsedIsLoggedOnceForReadingAndOnceForWritingAndChangesNothing() throws IOException {
        Path lib = jar("lib.jar", library());
        Path app = jar("app.jar", application());
        Map<String, String> reading = run(lib, app);
        Path notADirectory = dir.resolve("file");
        Files.write(notADirectory, new byte[] {1});
        JarIndex.enable(notADirectory.resolve("cache"));
        Origin.forgetAll();
        List<String> log = new ArrayList<>();
        assertEquals(reading, logged(log, () -> {
            Map<String, String> out = run(lib, app);
            JarIndex.writeAll();
            return out;
        }));
        assertEquals(2, log.size(), String.valueOf(log));
        assertTrue(log.get(0).contains("could not read"), log.get(0));
        assertTrue(log.get(1).contains("could not write"), log.get(1));
    }

    @Test
    void aClassWhoseBytesAreNotTheIndexedOnesIsParsed() throws IOException {
        // Two versions of a jar with the same size and modification time: only acme/Xa's superclass differs,
        // between two names of the same length, so every entry keeps its size.
        Map<String, byte[]> v1 = new LinkedHashMap<>();
        v1.put("acme/Xa", caller("acme/Xa", "acme/P1", null));
        v1.put("acme/P1", ClassFiles.withWork("acme/P1", "java/lang/Object", null, false));
        v1.put("acme/P2", ClassFiles.withWork("acme/P2", "java/lang/Object", null, true));
        Map<String, byte[]> v2 = new LinkedHashMap<>(v1);
        v2.put("acme/Xa", caller("acme/Xa", "acme/P2", null));
        assertEquals(v1.get("acme/Xa").length, v2.get("acme/Xa").length);
        Path cache = dir.resolve("cache");
        JarIndex.enable(cache);
        Path lib = storedJar("same.jar", v1);
        long size = Files.size(lib);
        FileTime time = Files.getLastModifiedTime(lib);
        assertEquals("rejected", run(lib).get("acme/Xa"));
        JarIndex.writeAll();

        storedJar("same.jar", v2);
        Files.setLastModifiedTime(lib, time);
        assertEquals(size, Files.size(lib), "precondition: the same size");
        Origin.forgetAll();
        Map<String, String> out = run(lib);
        assertTrue(out.get("acme/Xa").startsWith("woven"), "read from its own bytes: " + out);
        assertNull(Origin.of(domain(lib)).cachedFacts("acme/Xa", v2.get("acme/Xa")));
        assertNotNull(Origin.of(domain(lib)).cachedFacts("acme/P1", v2.get("acme/P1")), "the unchanged class is answered");
    }

    @Test
    void theIndexGivesTheFactsAHeaderGivesForEveryClassOfAsmsJars() throws Exception {
        JarIndex.enable(dir.resolve("cache"));
        int checked = 0;
        for (Class<?> c : new Class<?>[] {ClassWriter.class, org.objectweb.asm.tree.ClassNode.class,
            org.objectweb.asm.commons.Remapper.class, org.objectweb.asm.tree.analysis.Analyzer.class,
            org.objectweb.asm.util.CheckClassAdapter.class}) {
            Path jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize();
            Map<String, byte[]> classes = new LinkedHashMap<>();
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                    ZipEntry entry = e.nextElement();
                    if (entry.getName().endsWith(".class") && !entry.getName().contains("module-info")
                            && !entry.getName().startsWith("META-INF/")) {
                        classes.put(entry.getName().substring(0, entry.getName().length() - 6),
                                zip.getInputStream(entry).readAllBytes());
                    }
                }
            }
            JarIndex index = JarIndex.open(jar);
            Map<String, ClassFacts> parsed = new LinkedHashMap<>();
            int n = 0;
            for (Map.Entry<String, byte[]> c2 : classes.entrySet()) {
                ClassFacts facts = ClassFacts.of(ClassHeader.parse(c2.getValue()));
                // ask some of them everything: the others are recorded with what is not known left unknown
                if (n++ % 3 != 0) {
                    facts.indyReturnTypes();
                    facts.ignoresSupertypes();
                }
                index.learn(c2.getKey(), facts, c2.getValue());
                parsed.put(c2.getKey(), facts);
            }
            JarIndex.writeAll();
            JarIndex.disable();
            JarIndex.enable(dir.resolve("cache"));
            JarIndex reread = JarIndex.open(jar);
            assertTrue(reread.complete());
            for (Map.Entry<String, ClassFacts> p : parsed.entrySet()) {
                ClassFacts want = p.getValue();
                ClassFacts got = reread.factsOf(p.getKey(), classes.get(p.getKey()));
                assertNotNull(got, p.getKey());
                assertEquals(want.name(), got.name());
                assertEquals(want.superName, got.superName);
                assertArrayEquals(want.interfaces, got.interfaces, p.getKey());
                assertEquals(want.access, got.access);
                assertEquals(want.hasIndy, got.hasIndy);
                assertEquals(want.ignoresIfKnown(), got.ignoresIfKnown(), p.getKey());
                assertArrayEquals(want.indyTypesIfKnown(), got.indyTypesIfKnown(), p.getKey());
                ClassFacts full = ClassFacts.of(ClassHeader.parse(classes.get(p.getKey())));
                assertArrayEquals(full.indyReturnTypes(), got.with(ClassHeader.parse(classes.get(p.getKey()))).indyReturnTypes());
                checked++;
            }
            byte[] other = classes.values().iterator().next().clone();
            other[other.length - 1] ^= 1;
            assertNull(reread.factsOf(classes.keySet().iterator().next(), other), "bytes with another CRC-32");
            assertNull(reread.entry("org/objectweb/asm/NoSuchClass"));
        }
        assertTrue(checked > 120, "classes checked: " + checked);
    }

    // ---- a "run": every class of the jars selected, and woven when selected, as the transformer does ----

    /** Selects and weaves every class of the jars, in order, with a fresh loader; returns each outcome. */
    private static Map<String, String> run(Path... jars) {
        try {
            URL[] urls = new URL[jars.length];
            for (int i = 0; i < jars.length; i++) {
                urls[i] = jars[i].toUri().toURL();
            }
            Map<String, String> out = new LinkedHashMap<>();
            try (URLClassLoader loader = new URLClassLoader(urls, JarIndexTest.class.getClassLoader())) {
                ClassHierarchy hierarchy = ClassHierarchy.of(loader);
                for (Path jar : jars) {
                    Origin origin = Origin.of(domain(jar));
                    for (Map.Entry<String, byte[]> c : entries(jar).entrySet()) {
                        byte[] b = c.getValue();
                        if (!ClassSelector.isCandidate(c.getKey(), b, hierarchy, origin)) {
                            out.put(c.getKey(), "rejected");
                            continue;
                        }
                        ClassWeaver.Result r = ClassWeaver.weave(b, hierarchy);
                        out.put(c.getKey(), r.bytes == null ? "unchanged " + r.refusals
                                : "woven " + crc(r.bytes) + " " + r.refusals);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The class files of a jar, in the jar's order. */
    private static Map<String, byte[]> entries(Path jar) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                classes.put(entry.getName().substring(0, entry.getName().length() - ".class".length()),
                        zip.getInputStream(entry).readAllBytes());
            }
        }
        return classes;
    }

    private interface Run {
        Map<String, String> get();
    }

    /** Runs with {@code System.err} captured into {@code lines}. */
    private static Map<String, String> logged(List<String> lines, Run run) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            return run.get();
        } finally {
            System.setErr(err);
            for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
    }

    private Path jar(String name, Map<String, byte[]> classes) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                out.putNextEntry(new ZipEntry(c.getKey() + ".class"));
                out.write(c.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    /** A jar whose entries are stored, not compressed, with a fixed time: its size depends only on the entries' sizes. */
    private Path storedJar(String name, Map<String, byte[]> classes) throws IOException {
        Path jar = dir.resolve(name);
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                ZipEntry entry = new ZipEntry(c.getKey() + ".class");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(c.getValue().length);
                entry.setCrc(crc(c.getValue()));
                entry.setTime(0);
                out.putNextEntry(entry);
                out.write(c.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    private static long crc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    /**
     * A class whose constructor calls {@code this.work()} after its superclass's: woven (a check after the
     * call) when {@code work()} is suspendable in a supertype, else left alone.
     */
    private static byte[] caller(String name, String superName, String[] interfaces) {
        return withConstructor(name, superName, interfaces, true);
    }

    /** A class with a constructor that only calls its superclass's: its weaving cannot depend on its supertypes. */
    private static byte[] constructorOnly(String name, String superName, String[] interfaces) {
        return withConstructor(name, superName, interfaces, false);
    }

    private static byte[] withConstructor(String name, String superName, String[] interfaces, boolean callsWork) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, superName, interfaces);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", "()V", false);
        if (callsWork) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, name, "work", "()V", false);
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static ProtectionDomain domain(Path location) throws IOException {
        return new ProtectionDomain(new CodeSource(location.toUri().toURL(), (Certificate[]) null), null);
    }
}
