package dev.weft.agent;

import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.select.ClassSelector;
import dev.weft.agent.weave.ClassWeaver;
import dev.weft.agent.weave.SiteTable;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The classes of {@code weft-runtime}, woven when the agent was built: the transformer hands them out
 * instead of weaving the runtime again in every JVM.
 *
 * <p>Weaving a class costs little once the weaver is warm, but the first classes a JVM weaves pay for
 * loading ASM and running it interpreted: tens of milliseconds for the first few. Every application
 * that uses Weft loads runtime classes; with this index it pays for weaving only its own.
 *
 * <p>An entry is used only for exactly the bytes it was made from (same length and CRC-32), so a
 * runtime of another version is woven at load as before. The index is read lazily from the agent jar,
 * the first time a class of a Weft package loads.
 */
final class Prewoven {
    /** Where the build writes the index, relative to the agent's classes, and where it is read from. */
    static final String RESOURCE = "META-INF/weft/prewoven.bin";
    private static final int MAGIC = 0x57454654; // "WEFT"
    private static final int FORMAT = 2;

    /** One runtime class as the build saw it. */
    static final class Entry {
        final int length;
        final int crc;
        /** The woven class file, or null when the class is left unchanged. */
        final byte[] woven;
        final List<String> refusals;

        Entry(int length, int crc, byte[] woven, List<String> refusals) {
            this.length = length;
            this.crc = crc;
            this.woven = woven;
            this.refusals = refusals;
        }

        /** True when {@code original} is the class file this entry was made from. */
        boolean matches(byte[] original) {
            return original.length == length && crc(original) == crc;
        }
    }

    private static volatile Map<String, Entry> index;

    private Prewoven() {
    }

    /** The entry for a class of the runtime (internal name), or null when the index has none. */
    static Entry lookup(String className) {
        Map<String, Entry> entries = index;
        if (entries == null) {
            entries = load();
        }
        return entries.get(className);
    }

    private static synchronized Map<String, Entry> load() {
        if (index == null) {
            Map<String, Entry> entries = Map.of();
            try (InputStream in = open()) {
                if (in != null) {
                    List<String> sites = new ArrayList<>();
                    entries = read(new DataInputStream(in), sites);
                    SiteTable.installPrewoven(sites);
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("[weft] could not read the index of prewoven runtime classes, weaving them at load: "
                        + e);
            }
            index = entries;
        }
        return index;
    }

    /**
     * Opens the index: from the agent's jar directly when the agent is one, else through the agent's
     * loader. The loader's way goes through a {@code jar:} URL connection, whose machinery a JVM sets
     * up on first use: several milliseconds at start-up, more than reading the index itself. Opening
     * the jar shares the central directory the loader has read already.
     *
     * @return the index, or null when there is none
     */
    private static InputStream open() throws IOException {
        URL location;
        try {
            java.security.CodeSource source = Prewoven.class.getProtectionDomain().getCodeSource();
            location = source == null ? null : source.getLocation();
        } catch (RuntimeException e) {
            location = null; // a security manager that will not tell: the loader's way
        }
        return open(location, Prewoven.class.getClassLoader());
    }

    /**
     * Opens the index in the jar at {@code location} when it is a local jar that has one, else as
     * {@code loader} finds it.
     *
     * @param location where the agent's classes come from, or null
     * @param loader the agent's loader, null for the bootstrap loader
     * @return the index, or null when neither has one
     */
    static InputStream open(URL location, ClassLoader loader) throws IOException {
        try {
            if (location != null && "file".equals(location.getProtocol())) {
                Path jar = Path.of(location.toURI());
                if (Files.isRegularFile(jar)) {
                    try (ZipFile zip = new ZipFile(jar.toFile())) {
                        ZipEntry entry = zip.getEntry(RESOURCE);
                        if (entry != null) {
                            try (InputStream in = zip.getInputStream(entry)) {
                                return new java.io.ByteArrayInputStream(in.readAllBytes());
                            }
                        }
                    }
                }
            }
        } catch (java.net.URISyntaxException | IOException | RuntimeException e) {
            // the loader's way, below
        }
        return loader == null ? ClassLoader.getSystemResourceAsStream(RESOURCE) : loader.getResourceAsStream(RESOURCE);
    }

    /**
     * Reads an index written by {@link #main}: its entries, and into {@code sites} the names of the
     * woven classes' suspension points, numbered from {@code SiteTable.PREWOVEN_BASE}.
     */
    static Map<String, Entry> read(DataInputStream in, List<String> sites) throws IOException {
        if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
            throw new IOException("not an index of prewoven classes of this agent");
        }
        int count = in.readInt();
        Map<String, Entry> entries = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String name = in.readUTF();
            int length = in.readInt();
            int crc = in.readInt();
            int wovenLength = in.readInt();
            byte[] woven = null;
            if (wovenLength >= 0) {
                woven = new byte[wovenLength];
                in.readFully(woven);
            }
            int refusalCount = in.readInt();
            List<String> refusals = new ArrayList<>(refusalCount);
            for (int r = 0; r < refusalCount; r++) {
                refusals.add(in.readUTF());
            }
            entries.put(name, new Entry(length, crc, woven, List.copyOf(refusals)));
        }
        // the names of the woven classes' suspension points, numbered from SiteTable.PREWOVEN_BASE
        int siteCount = in.readInt();
        for (int i = 0; i < siteCount; i++) {
            sites.add(in.readUTF());
        }
        return entries;
    }

    static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }

    /**
     * Builds the index at build time: {@code Prewoven OUTPUT [RUNTIME...]}, where each RUNTIME is the
     * runtime's classes directory or jar (by default, wherever {@code dev.weft.Suspendable} is on the
     * class path). Every class is selected and woven as the transformer would at load, in a hierarchy
     * that sees the runtime and the JDK.
     *
     * @param args the output file, then the runtime's class directories or jars
     * @throws Exception when an input cannot be read or the output written
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: Prewoven OUTPUT [RUNTIME-CLASSES-DIR-OR-JAR...]");
        }
        if (args.length == 1) {
            java.security.CodeSource runtime = Class.forName("dev.weft.Suspendable").getProtectionDomain().getCodeSource();
            args = new String[] {args[0], Path.of(runtime.getLocation().toURI()).toString()};
        }
        Map<String, byte[]> classes = new TreeMap<>();
        URL[] urls = new URL[args.length - 1];
        for (int i = 1; i < args.length; i++) {
            Path input = Path.of(args[i]);
            urls[i - 1] = input.toUri().toURL();
            collect(input, classes);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int woven = 0;
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
                DataOutputStream out = new DataOutputStream(bytes)) {
            ClassHierarchy hierarchy = ClassHierarchy.of(loader);
            SiteTable.startBuilding();
            out.writeInt(MAGIC);
            out.writeInt(FORMAT);
            out.writeInt(classes.size());
            for (Map.Entry<String, byte[]> c : classes.entrySet()) {
                byte[] original = c.getValue();
                ClassWeaver.Result result = ClassSelector.isCandidate(original, hierarchy)
                        ? ClassWeaver.weave(original, hierarchy)
                        : null;
                byte[] wovenBytes = result == null ? null : result.bytes;
                List<String> refusals = result == null ? List.of() : result.refusals;
                out.writeUTF(c.getKey());
                out.writeInt(original.length);
                out.writeInt(crc(original));
                if (wovenBytes == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(wovenBytes.length);
                    out.write(wovenBytes);
                    woven++;
                }
                out.writeInt(refusals.size());
                for (String refusal : refusals) {
                    out.writeUTF(refusal);
                }
            }
            List<String> sites = SiteTable.finishBuilding();
            out.writeInt(sites.size());
            for (String site : sites) {
                out.writeUTF(site);
            }
        }
        Path output = Path.of(args[0]);
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.write(output, bytes.toByteArray());
        System.out.println("[weft] prewoven " + woven + " of " + classes.size() + " runtime classes into " + output);
    }

    private static void collect(Path input, Map<String, byte[]> classes) throws IOException {
        if (Files.isDirectory(input)) {
            try (Stream<Path> files = Files.walk(input)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String rel = input.relativize(f).toString().replace('\\', '/');
                    if (isRuntimeClass(rel)) {
                        classes.put(rel.substring(0, rel.length() - ".class".length()), Files.readAllBytes(f));
                    }
                }
            }
            return;
        }
        try (ZipFile zip = new ZipFile(input.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (isRuntimeClass(e.getName())) {
                    try (InputStream in = zip.getInputStream(e)) {
                        classes.put(e.getName().substring(0, e.getName().length() - ".class".length()), in.readAllBytes());
                    }
                }
            }
        }
    }

    /**
     * The runtime's class files, {@code package-info} included: a JVM loads one when a package's
     * annotations are asked for (so does any tool that loads every class of a jar), and weaving it at
     * load would mean loading and warming up ASM for a class with nothing to weave.
     */
    private static boolean isRuntimeClass(String path) {
        return path.startsWith("dev/weft/") && path.endsWith(".class") && !path.endsWith("module-info.class");
    }
}
