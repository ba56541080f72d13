package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.it.cached.CachedProgram;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's {@code cache=DIR}, end to end: a program in a jar runs the same in a JVM with an empty
 * cache directory (which leaves an index of the jar behind, written at exit) and in the next JVM,
 * which answers from that index and has nothing to write; a damaged index is ignored and written again.
 */
class AgentCacheTest {
    private static final String EXPECTED = "order: a1 b1 a2 b2 a3 b3";

    @Test
    void aProgramRunsTheSameWithAnEmptyAWarmAndADamagedCache(@TempDir Path dir) throws Exception {
        Path jar = programJar(dir.resolve("program.jar"));
        Path cache = Files.createDirectory(dir.resolve("cache"));

        assertEquals(List.of(EXPECTED), run(jar, cache), "cold");
        Map<Path, byte[]> written = indexes(cache);
        assertTrue(written.keySet().stream().anyMatch(p -> p.getFileName().toString().startsWith("program.jar")),
                "an index of the program's jar was written at exit: " + written.keySet());

        assertEquals(List.of(EXPECTED), run(jar, cache), "warm");
        Map<Path, byte[]> after = indexes(cache);
        assertEquals(written.keySet(), after.keySet(), "no index more");
        for (Path p : written.keySet()) {
            assertTrue(Arrays.equals(written.get(p), after.get(p)), "a warm run learns nothing new: " + p);
        }

        Path programIndex = written.keySet().stream()
                .filter(p -> p.getFileName().toString().startsWith("program.jar")).findFirst().orElseThrow();
        byte[] damaged = written.get(programIndex).clone();
        damaged[damaged.length / 2] ^= 0x5A;
        Files.write(programIndex, damaged);
        List<String> out = run(jar, cache);
        assertEquals(EXPECTED, out.get(out.size() - 1), "damaged: " + out);
        assertTrue(out.stream().anyMatch(l -> l.startsWith("[weft]") && l.contains(programIndex.getFileName().toString())),
                "the damaged index is named in one log line: " + out);
        assertTrue(Arrays.equals(written.get(programIndex), Files.readAllBytes(programIndex)),
                "and written again as it was");
    }

    /** A jar holding the program's classes, with fixed entry times (so its index is the same from run to run). */
    private static Path programJar(Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            for (Class<?> c : new Class<?>[] {CachedProgram.class, CachedProgram.Worker.class}) {
                String name = c.getName().replace('.', '/') + ".class";
                JarEntry e = new JarEntry(name);
                e.setLastModifiedTime(FileTime.fromMillis(0));
                out.putNextEntry(e);
                try (InputStream in = c.getClassLoader().getResourceAsStream(name)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Runs the program from {@code jar} (first on the class path) with {@code -javaagent:...=cache=DIR}; its output lines. */
    private static List<String> run(Path jar, Path cache) throws IOException, InterruptedException {
        String agent = System.getProperty("weft.agent.jar");
        assumeTrue(agent != null && Files.isRegularFile(Path.of(agent)),
                "needs the agent jar, which Maven passes as system property weft.agent.jar (found: " + agent + ")");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-javaagent:" + agent + "=cache=" + cache,
                "-cp", jar + File.pathSeparator + System.getProperty("java.class.path"), CachedProgram.class.getName()));
        Path log = Files.createTempFile("weft-cache", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the program ended");
            List<String> out = Files.readAllLines(log);
            assertEquals(0, p.exitValue(), "exit status; output: " + out);
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static Map<Path, byte[]> indexes(Path cache) throws IOException {
        Map<Path, byte[]> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(cache)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                files.put(p, Files.readAllBytes(p));
            }
        }
        return files;
    }
}
