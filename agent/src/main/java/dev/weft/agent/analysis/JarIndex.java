package dev.weft.agent.analysis;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.ZipFile;

// Long because the index's file format (writing, reading, the checks that make a damaged or stale
// file ignored rather than trusted), the lookups the selector and the hierarchy make, and the set of
// open indexes written at exit share one in-memory form; the format's reading and writing are the
// part to move out should it grow.
/**
 * The facts of a jar's class files ({@link ClassFacts}), kept between runs in a cache directory (agent
 * option {@code cache=DIR}): the next JVM over the same jar answers the selector and the hierarchy from
 * it instead of reading and parsing class files.
 *
 * <p>An index file names its jar by absolute path, size and modification time, and is used only while
 * all three match; it lists every class file of the jar with its CRC-32 and length (as the jar's
 * central directory gives them), and the facts of those an earlier run needed. A class being loaded is
 * answered from the index only when its bytes have the recorded CRC-32 and length, so bytes changed
 * on their way (another agent, a loader that defines something else) are parsed as before. A
 * supertype is answered when the jar is unchanged (a jar rewritten with the same size and
 * modification time is caught only for the classes being loaded, by their CRC-32); a name the index
 * does not list is not in the jar. A file that is not a whole index of this format (a checksum covers it) or whose jar has changed is
 * ignored with one line in the log and written again when the JVM exits. Nothing else changes: the
 * facts are those a header gives, and the selector and the hierarchy decide on them as on a header.
 *
 * <p>Indexes are written when the JVM exits (a shutdown hook), for jars where this run learnt facts
 * the index did not have or that had no valid index: on the first run, and after a jar changed. A
 * file is written whole under a temporary name, then moved over the old one, so JVMs sharing a
 * directory never read half of one.
 */
public final class JarIndex {
    private static final int MAGIC = 0x57464958; // "WFIX"
    /** Bumped whenever the file's layout or what a fact means changes: older files are then ignored. */
    private static final int FORMAT = 2;

    private static final int FACTS = 1;
    private static final int HAS_INDY = 2;
    private static final int INDY_KNOWN = 4;
    private static final int IGNORES_KNOWN = 8;
    private static final int IGNORES = 16;

    /** The cache directory, null while caching is off. */
    private static volatile Path directory;
    /** Set once writing an index has failed: the failure is logged once. */
    private static volatile boolean writeFailed;
    /** Set once reading an index file (not its content: the file) has failed: the failure is logged once. */
    private static volatile boolean readFailed;
    /** Every index opened while caching is on, written at exit when it learnt something. */
    private static final List<JarIndex> OPENED = new CopyOnWriteArrayList<>();

    /** One class file of the jar: its CRC-32, its length, and its facts when an earlier run recorded them. */
    static final class Entry {
        final String name;
        final int crc;
        final int length;
        final ClassFacts facts;

        Entry(String name, int crc, int length, ClassFacts facts) {
            this.name = name;
            this.crc = crc;
            this.length = length;
            this.facts = facts;
        }
    }

    /** What this run learnt of one class file: its facts (which may learn more until written), CRC-32 and length. */
    private static final class Learnt {
        final ClassFacts facts;
        final int crc;
        final int length;

        Learnt(ClassFacts facts, int crc, int length) {
            this.facts = facts;
            this.crc = crc;
            this.length = length;
        }
    }

    private final Path jar;
    private final Path file;
    private final long size;
    private final long modified;
    /** The entries of a valid index file; null when there was none (every name is then unknown). */
    private final Table entries;
    private final ConcurrentHashMap<String, Learnt> learnt = new ConcurrentHashMap<>();

    private JarIndex(Path jar, Path file, long size, long modified, Table entries) {
        this.jar = jar;
        this.file = file;
        this.size = size;
        this.modified = modified;
        this.entries = entries;
    }

    /**
     * Turns caching on: indexes are kept in {@code dir}, read when a jar is first opened, and written
     * when the JVM exits.
     *
     * @param dir the cache directory, created when missing
     */
    public static synchronized void enable(Path dir) {
        if (directory == null) {
            Thread writer = new Thread(JarIndex::writeAll, "weft-cache-writer");
            writer.setDaemon(true);
            Runtime.getRuntime().addShutdownHook(writer);
        }
        directory = dir;
    }

    /** Turns caching off again and forgets the indexes opened (for tests: a JVM turns it on once). */
    static synchronized void disable() {
        directory = null;
        writeFailed = false;
        readFailed = false;
        OPENED.clear();
    }

    /** {@return the cache directory, null while caching is off} */
    static Path directory() {
        return directory;
    }

    /**
     * Opens the index of a jar: what its file in the cache directory holds when that file is valid for the
     * jar as it is now, else an empty index that records what this run learns.
     *
     * @param jar the jar, an absolute normalised path
     * @return the index, or null while caching is off or when the jar cannot be read
     */
    static JarIndex open(Path jar) {
        Path dir = directory;
        if (dir == null) {
            return null;
        }
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(jar, BasicFileAttributes.class);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        long size = attributes.size();
        long modified = attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS);
        String fileName = jar.getFileName().toString();
        Path file = dir.resolve(safe(fileName).concat("-").concat(Integer.toHexString(jar.toString().hashCode()))
                .concat(".idx"));
        Table entries = null;
        byte[] content = null;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            // the first run over this jar
        } catch (IOException | RuntimeException e) {
            if (!readFailed) {
                readFailed = true; // one line, not one per jar: the directory is the likely cause
                log("could not read " + file + " (and perhaps others): " + e);
            }
        }
        if (content != null) {
            try {
                entries = read(content, jar.toString(), size, modified);
            } catch (IOException | RuntimeException e) {
                log("ignored " + file + ": " + e.getMessage());
            }
        }
        JarIndex index = new JarIndex(jar, file, size, modified, entries);
        OPENED.add(index);
        return index;
    }

    /** A file name with every character but letters, digits, '.', '_' and '-' replaced by '_' (no regex: start-up). */
    private static String safe(String name) {
        char[] chars = name.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            char c = chars[i];
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                chars[i] = '_';
            }
        }
        return new String(chars);
    }

    /** {@return true when the index came from a valid file: it lists every class file of the jar} */
    boolean complete() {
        return entries != null;
    }

    /**
     * The entry of a class (internal name) when the index is {@link #complete()}: null when the class is
     * not in the jar.
     */
    Entry entry(String name) {
        return entries.get(name);
    }

    /**
     * Returns the recorded facts of a class being loaded, when its bytes are those the index was made from.
     *
     * @param name the class's internal name
     * @param bytes its class file, as handed to the transformer
     * @return the facts, or null when the index has none or the bytes differ
     */
    ClassFacts factsOf(String name, byte[] bytes) {
        if (entries == null) {
            return null;
        }
        Entry e = entries.get(name);
        if (e == null || e.facts == null || e.length != bytes.length || e.crc != crc(bytes)) {
            return null;
        }
        return e.facts;
    }

    /**
     * Records the facts of a class file of this jar that this run had to read, for the next run.
     *
     * @param name the class file's name in the jar, without {@code .class}
     * @param facts the facts, read from a header
     * @param crc the CRC-32 of the class file the header was read from
     * @param length its length
     */
    void learn(String name, ClassFacts facts, int crc, int length) {
        if (facts.mentionsWeft) {
            return; // such a class is always read whole (its methods are needed): nothing to keep
        }
        if (entries != null) {
            Entry e = entries.get(name);
            if (e == null || e.crc != crc || e.length != length) {
                return; // not this jar's class file
            }
        }
        learnt.put(name, new Learnt(facts, crc, length));
    }

    /** Records the facts of a class being loaded from this jar, whose bytes are at hand. */
    void learn(String name, ClassFacts facts, byte[] bytes) {
        if (!facts.mentionsWeft) {
            learn(name, facts, crc(bytes), bytes.length);
        }
    }

    static int crc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        return (int) crc.getValue();
    }

    // ---- the file ----------------------------------------------------------------------------------

    /**
     * Reads an index file written by {@link #write()} for the jar at {@code path} with this size and
     * modification time. Only the checksum and the header are read now; an entry is decoded when first
     * looked up (a run looks up a fraction of a large jar's classes).
     *
     * @throws IOException saying why the file cannot be used: not an index of this format, cut short
     *     or damaged (its checksum), or made for a jar that has changed since
     */
    static Table read(byte[] b, String path, long size, long modified) throws IOException {
        if (b.length < 16) {
            throw new IOException("not an index of this agent (too short)");
        }
        if (readInt(b, 0) != MAGIC || readInt(b, 4) != FORMAT) {
            throw new IOException("not an index of this agent's format");
        }
        CRC32 sum = new CRC32();
        sum.update(b, 0, b.length - 8);
        if ((((long) readInt(b, b.length - 8)) << 32 | (readInt(b, b.length - 4) & 0xFFFFFFFFL)) != sum.getValue()) {
            throw new IOException("damaged (checksum)");
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, 8, b.length - 16));
        String forPath = in.readUTF();
        long forSize = in.readLong();
        long forModified = in.readLong();
        if (!forPath.equals(path)) {
            throw new IOException("made for another jar, " + forPath);
        }
        if (forSize != size || forModified != modified) {
            throw new IOException("stale: " + path + " has changed since");
        }
        return new Table(b, 8 + 2 + u2(b, 8) + 16);
    }

    static int readInt(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    private static int u2(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    /**
     * The entries of an index file, looked up in place: a table of strings (names), a hash table of
     * {@code (name hash, entry offset)} slots, and the entries. Decoded strings and entries are kept.
     */
    static final class Table {
        private final byte[] b;
        /** Where the strings' offsets are: an int each, the offset of the string's modified UTF-8 (length first). */
        private final int stringsAt;
        private final String[] strings;
        private final int slotsAt;
        private final int mask;
        private final Entry[] decoded;
        

        Table(byte[] b, int p) throws IOException {
            this.b = b;
            int count = readInt(b, p);
            int bytes = readInt(b, p + 4);
            stringsAt = p + 8;
            p = stringsAt + 4 * count + bytes;
            if (count < 0 || bytes < 0 || p < 0 || p + 4 > b.length) {
                throw new IOException("damaged (string table)");
            }
            strings = new String[count];
            int slots = readInt(b, p);
            p += 4;
            if (slots <= 0 || (slots & (slots - 1)) != 0 || p + 8L * slots > b.length) {
                throw new IOException("damaged (slot count)");
            }
            slotsAt = p;
            mask = slots - 1;
            decoded = new Entry[slots];
        }

        String string(int index) {
            String s = strings[index];
            if (s == null) {
                int p = readInt(b, stringsAt + 4 * index);
                int len = u2(b, p);
                boolean ascii = true;
                for (int i = p + 2; i < p + 2 + len; i++) {
                    if (b[i] < 0 || b[i] == 0) {
                        ascii = false;
                        break;
                    }
                }
                if (ascii) {
                    s = new String(b, p + 2, len, java.nio.charset.StandardCharsets.ISO_8859_1);
                } else {
                    try {
                        s = new DataInputStream(new ByteArrayInputStream(b, p, 2 + len)).readUTF();
                    } catch (IOException e) {
                        throw new IllegalStateException("damaged string in an index", e);
                    }
                }
                strings[index] = s;
            }
            return s;
        }

        /** The entry of class {@code name}, or null when the jar has no such class file. */
        Entry get(String name) {
            int h = name.hashCode();
            for (int i = spread(h) & mask;; i = (i + 1) & mask) {
                int at = slotsAt + 8 * i;
                int offset = readInt(b, at + 4);
                if (offset == 0) {
                    return null;
                }
                if (readInt(b, at) == h) {
                    Entry e = decoded[i];
                    if (e == null) {
                        if (!string(readInt(b, offset)).equals(name)) {
                            continue;
                        }
                        e = decode(offset);
                        decoded[i] = e;
                    } else if (e.name == null || !e.name.equals(name)) {
                        continue;
                    }
                    return e;
                }
            }
        }

        private Entry decode(int p) {
            String name = string(readInt(b, p));
            int crc = readInt(b, p + 4);
            int length = readInt(b, p + 8);
            int flags = b[p + 12] & 0xFF;
            p += 13;
            ClassFacts facts = null;
            if ((flags & FACTS) != 0) {
                String own = string(readInt(b, p));
                int access = u2(b, p + 4);
                int superIndex = readInt(b, p + 6);
                p += 10;
                String[] interfaces = new String[u2(b, p)];
                p += 2;
                for (int i = 0; i < interfaces.length; i++, p += 4) {
                    interfaces[i] = string(readInt(b, p));
                }
                String[] indyTypes = null;
                if ((flags & INDY_KNOWN) != 0) {
                    indyTypes = new String[u2(b, p)];
                    p += 2;
                    for (int i = 0; i < indyTypes.length; i++, p += 4) {
                        indyTypes[i] = string(readInt(b, p));
                    }
                }
                byte ignores = (flags & IGNORES_KNOWN) == 0 ? ClassFacts.UNKNOWN
                        : (flags & IGNORES) != 0 ? ClassFacts.YES : ClassFacts.NO;
                facts = new ClassFacts(own, superIndex < 0 ? null : string(superIndex), interfaces, access, false,
                        (flags & HAS_INDY) != 0, indyTypes, ignores, null);
            }
            return new Entry(name, crc, length, facts);
        }
    }

    /** Spreads a name's hash over the table's slots (the low bits of {@code String.hashCode} cluster). */
    static int spread(int h) {
        return h ^ (h >>> 16);
    }

    /** Writes every index that learnt something this run; at exit. */
    static void writeAll() {
        for (JarIndex index : OPENED) {
            // a jar with no valid index gets one even when nothing was learnt: it lists the jar's classes
            if (!index.learnt.isEmpty() || index.entries == null) {
                index.write();
            }
        }
    }

    /**
     * Writes this index's file: every class file of the jar, with the facts this run learnt or the old
     * file had, for those whose CRC-32 and length the jar still has. Failing is logged, never thrown.
     */
    void write() {
        Path tmp = null;
        try {
            byte[] b = bytes();
            if (b == null) {
                return;
            }
            Files.createDirectories(file.getParent());
            tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.write(tmp, b);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UnsupportedOperationException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException | RuntimeException e) {
            if (!writeFailed) {
                writeFailed = true; // one line, not one per jar: the directory is the likely cause
                log("could not write " + file + " (and perhaps others): " + e);
            }
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // nothing more to do
                }
            }
        }
    }

    /**
     * The file's bytes, or null when the jar has changed during this run (its facts may be of either
     * version) or cannot be read as a jar.
     */
    byte[] bytes() throws IOException {
        BasicFileAttributes now = Files.readAttributes(jar, BasicFileAttributes.class);
        if (now.size() != size || now.lastModifiedTime().to(TimeUnit.MICROSECONDS) != modified) {
            return null;
        }
        List<String> names = new ArrayList<>();
        List<JarEntry> listed = new ArrayList<>();
        JarFile opened;
        try {
            opened = new JarFile(jar.toFile(), false, ZipFile.OPEN_READ, JarFile.runtimeVersion());
        } catch (IOException e) {
            return null; // not a jar that can be read: nothing to index
        }
        try (JarFile jarFile = opened) {
            for (Iterator<JarEntry> it = jarFile.versionedStream().iterator(); it.hasNext();) {
                JarEntry e = it.next();
                String entryName = e.getName();
                if (entryName.endsWith(".class") && !e.isDirectory() && e.getSize() >= 0 && e.getSize() <= Integer.MAX_VALUE) {
                    names.add(entryName.substring(0, entryName.length() - ".class".length()));
                    listed.add(e);
                }
            }
        }
        Map<String, Integer> pool = new HashMap<>();
        List<String> strings = new ArrayList<>();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(body);
        int slots = Integer.highestOneBit(Math.max(4, names.size() * 2 - 1)) << 1;
        int[] slotHash = new int[slots];
        int[] slotOffset = new int[slots]; // relative to the entries' start, plus one: 0 is a free slot
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            int h = name.hashCode();
            int slot = spread(h) & (slots - 1);
            boolean duplicate = false;
            while (slotOffset[slot] != 0) {
                duplicate |= slotHash[slot] == h && names.indexOf(name) < i;
                slot = (slot + 1) & (slots - 1);
            }
            if (duplicate) {
                continue; // a second entry of the same name: the jar's first one is what its readers see
            }
            slotHash[slot] = h;
            slotOffset[slot] = out.size() + 1;
            int crc = (int) listed.get(i).getCrc();
            int length = (int) listed.get(i).getSize();
            ClassFacts facts = null;
            Learnt l = learnt.get(name);
            if (l != null && l.crc == crc && l.length == length) {
                facts = l.facts;
            } else if (entries != null) {
                Entry old = entries.get(name);
                if (old != null && old.crc == crc && old.length == length) {
                    facts = old.facts;
                }
            }
            String own = null;
            if (facts != null && !facts.mentionsWeft) {
                try {
                    own = facts.name();
                } catch (IllegalArgumentException e) {
                    facts = null; // a malformed class file: nothing kept, it is parsed (and refused) again
                }
            }
            out.writeInt(index(name, pool, strings));
            out.writeInt(crc);
            out.writeInt(length);
            if (facts == null || facts.mentionsWeft) {
                out.writeByte(0);
                continue;
            }
            String[] indyTypes = facts.indyTypesIfKnown();
            byte ignores = facts.ignoresIfKnown();
            int flags = FACTS | (facts.hasIndy ? HAS_INDY : 0) | (indyTypes != null ? INDY_KNOWN : 0)
                    | (ignores != ClassFacts.UNKNOWN ? IGNORES_KNOWN : 0) | (ignores == ClassFacts.YES ? IGNORES : 0);
            out.writeByte(flags);
            out.writeInt(index(own, pool, strings));
            out.writeShort(facts.access);
            out.writeInt(facts.superName == null ? -1 : index(facts.superName, pool, strings));
            writeNames(out, facts.interfaces, pool, strings);
            if (indyTypes != null) {
                writeNames(out, indyTypes, pool, strings);
            }
        }
        out.flush();
        ByteArrayOutputStream whole = new ByteArrayOutputStream(body.size() + 8 * slots + 48 * strings.size());
        DataOutputStream head = new DataOutputStream(whole);
        head.writeInt(MAGIC);
        head.writeInt(FORMAT);
        head.writeUTF(jar.toString());
        head.writeLong(size);
        head.writeLong(modified);
        ByteArrayOutputStream stringBytes = new ByteArrayOutputStream(32 * strings.size());
        DataOutputStream utf = new DataOutputStream(stringBytes);
        int[] at = new int[strings.size()];
        for (int i = 0; i < at.length; i++) {
            at[i] = utf.size();
            utf.writeUTF(strings.get(i));
        }
        utf.flush();
        head.writeInt(at.length);
        head.writeInt(stringBytes.size());
        int stringsStart = head.size() + 4 * at.length;
        for (int offset : at) {
            head.writeInt(stringsStart + offset);
        }
        stringBytes.writeTo(head);
        head.writeInt(slots);
        int entriesAt = head.size() + 8 * slots;
        for (int i = 0; i < slots; i++) {
            head.writeInt(slotHash[i]);
            head.writeInt(slotOffset[i] == 0 ? 0 : entriesAt + slotOffset[i] - 1);
        }
        body.writeTo(head);
        head.flush();
        CRC32 sum = new CRC32();
        byte[] content = whole.toByteArray();
        sum.update(content, 0, content.length);
        byte[] b = Arrays.copyOf(content, content.length + 8);
        long value = sum.getValue();
        for (int i = 0; i < 8; i++) {
            b[content.length + i] = (byte) (value >>> (56 - 8 * i));
        }
        return b;
    }

    private static void writeNames(DataOutputStream out, String[] names, Map<String, Integer> pool, List<String> strings)
            throws IOException {
        out.writeShort(names.length);
        for (String n : names) {
            out.writeInt(index(n, pool, strings));
        }
    }

    private static int index(String s, Map<String, Integer> pool, List<String> strings) {
        Integer at = pool.get(s);
        if (at == null) {
            at = strings.size();
            pool.put(s, at);
            strings.add(s);
        }
        return at;
    }

    /** {@return the index file of this jar} */
    Path file() {
        return file;
    }

    private static void log(String message) {
        System.err.println("[weft] cache: " + message);
    }
}
