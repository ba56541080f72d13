package dev.weft.agent.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.agent.ClassFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The header read from the constant pool without ASM agrees with ASM's own reading; reading only the
 * beginning of a class file gives the same header as reading all of it.
 */
class ClassHeaderTest {
    private static final ClassLoader TEST_LOADER = ClassHeaderTest.class.getClassLoader();

    @Test
    void theSearchForWeftNamesAgreesWithStringContains() {
        java.util.Random random = new java.util.Random(5);
        String[] pieces = {"dev/weft/", "dev/weft", "ev/weft/", "dev/", "weft/", "/", "d", "Ldev/weft/Suspendable;",
            "dev/wefx/", "java/lang/Object", "t", "v/w", "e"};
        int found = 0;
        for (int n = 0; n < 20_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int k = random.nextInt(8); k > 0; k--) {
                text.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] b = ("xx" + text + "yy").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            boolean expected = text.toString().contains("dev/weft/");
            found += expected ? 1 : 0;
            assertEquals(expected, ClassHeader.containsWeft(b, 2, b.length - 2), text.toString());
        }
        assertTrue(found > 1_000 && found < 19_000, "both outcomes tested: " + found);
    }

    @Test
    void namesAndSupertypesAgreeWithAsm() {
        for (String name : List.of("java/util/ArrayList", "java/lang/Object", "java/util/List",
                "dev/weft/agent/fixtures/Lambdas", "dev/weft/agent/fixtures/GenericBridges")) {
            byte[] bytes = ClassFiles.bytesOf(TEST_LOADER, name);
            ClassReader asm = new ClassReader(bytes);
            ClassHeader header = ClassHeader.parse(bytes);
            assertEquals(asm.getClassName(), header.name());
            assertEquals(asm.getSuperName(), header.superName(), name);
            assertArrayEquals(asm.getInterfaces(), header.interfaces(), name);
            assertEquals(asm.getAccess(), header.access, name);
        }
    }

    @Test
    void objectHasNoSuperclass() {
        assertNull(ClassHeader.parse(ClassFiles.bytesOf(TEST_LOADER, "java/lang/Object")).superName());
    }

    @Test
    void mentionOfAWeftNameIsFound() {
        assertTrue(ClassHeader.parse(ClassFiles.withWork("acme/A", "java/lang/Object", null, true)).mentionsWeft);
        assertFalse(ClassHeader.parse(ClassFiles.withWork("acme/B", "java/lang/Object", null, false)).mentionsWeft);
        assertTrue(ClassHeader.parse(ClassFiles.withWork("acme/C", "dev/weft/Other", null, false)).mentionsWeft,
                "a Weft superclass");
        assertFalse(ClassHeader.parse(ClassFiles.bytesOf(TEST_LOADER, "java/lang/String")).mentionsWeft);
    }

    @Test
    void lambdaSitesNameTheirFunctionalInterface() {
        ClassHeader header = ClassHeader.parse(ClassFiles.lambdaUser("acme/L", "acme/Job"));
        assertTrue(header.hasIndy);
        assertEquals(List.of("acme/Job"), header.indyReturnTypes());
        assertFalse(ClassHeader.parse(ClassFiles.withWork("acme/B", "java/lang/Object", null, false)).hasIndy);
    }

    @Test
    void lambdaSitesOfTheJdksInterfacesAreSkippedWithoutDecoding() {
        byte[] b = indySites("acme/Sites", "()Ljava/lang/Runnable;", "(Ljava/lang/Object;I)Ljava/lang/String;",
                "(Lacme/X;)Lacme/Job;", "()Ljavax/Thing;", "()Ljavafx/Thing;", "()Ljdk/Thing;", "()Lsun/Thing;",
                "()Lcom/sun/Thing;", "()Lcom/sunny/Job;", "(Ljava/lang/Object;)Ljavaz/Job;", "()I", "()[Lacme/Job;",
                "(Ljava/lang/Runnable;)Lj;");
        ClassHeader header = ClassHeader.parse(b);
        assertTrue(header.hasIndy);
        assertEquals(List.of("acme/Job", "javafx/Thing", "com/sunny/Job", "javaz/Job", "j"), header.indyReturnTypes());
        assertEquals(List.of(), ClassHeader.parse(indySites("acme/Plain", "()Ljava/lang/Runnable;")).indyReturnTypes());
    }

    /** A class with one invokedynamic site of each descriptor, each in a static method of that descriptor. */
    private static byte[] indySites(String name, String... descriptors) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, "java/lang/Object", null);
        org.objectweb.asm.Handle bootstrap = new org.objectweb.asm.Handle(Opcodes.H_INVOKESTATIC, "acme/Boot", "bsm",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;)"
                        + "Ljava/lang/invoke/CallSite;", false);
        for (int i = 0; i < descriptors.length; i++) {
            String desc = descriptors[i];
            org.objectweb.asm.MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "m" + i, desc,
                    null, null);
            mv.visitCode();
            int slot = 0;
            for (org.objectweb.asm.Type arg : org.objectweb.asm.Type.getArgumentTypes(desc)) {
                mv.visitVarInsn(arg.getOpcode(Opcodes.ILOAD), slot);
                slot += arg.getSize();
            }
            mv.visitInvokeDynamicInsn("site", desc, bootstrap);
            mv.visitInsn(org.objectweb.asm.Type.getReturnType(desc).getOpcode(Opcodes.IRETURN));
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    @Test
    void interfaceFlagIsRead() {
        ClassHeader header = ClassHeader.parse(ClassFiles.functionalInterface("acme/Job", false));
        assertTrue((header.access & Opcodes.ACC_INTERFACE) != 0);
    }

    @Test
    void notAClassFileIsRejectedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassHeader.parse(new byte[12]));
        assertEquals("not a class file (bad magic number)", e.getMessage());
        byte[] bytes = ClassFiles.withWork("acme/B", "java/lang/Object", null, false);
        for (int cut : new int[] {9, 11, 20, 40}) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertThrows(IllegalArgumentException.class, () -> ClassHeader.parse(truncated).interfaces(), "cut at " + cut);
        }
    }

    @Test
    void readingOnlyTheHeaderGivesTheSameHeaderAsTheWholeFile() throws IOException {
        List<byte[]> files = new ArrayList<>(classFilesOfTheJarOf(ClassReader.class));
        files.addAll(classFilesOfTheJarOf(org.objectweb.asm.tree.ClassNode.class));
        files.addAll(classFilesOfTheJarOf(org.objectweb.asm.util.CheckClassAdapter.class));
        for (String name : List.of("dev/weft/agent/fixtures/Lambdas", "dev/weft/agent/fixtures/GenericBridges",
                "dev/weft/agent/fixtures/DefaultMethods$Greeter", "java/lang/Object", "java/util/ArrayList")) {
            files.add(ClassFiles.bytesOf(TEST_LOADER, name));
        }
        files.add(ClassFiles.withWork("acme/A", "java/lang/Object", null, true));
        files.add(ClassFiles.lambdaUser("acme/L", "acme/Job"));
        assertTrue(files.size() > 100, "the ASM jars were read: " + files.size());
        long whole = 0;
        long readPlain = 0;
        int weft = 0;
        for (byte[] bytes : files) {
            ClassHeader full = ClassHeader.parse(bytes);
            Counting in = new Counting(bytes, Integer.MAX_VALUE);
            ClassHeader sized = ClassHeader.read(in, bytes.length);
            assertSameHeader(full, sized);
            assertSameHeader(full, ClassHeader.read(new Counting(bytes, Integer.MAX_VALUE), -1));
            assertSameHeader(full, ClassHeader.read(new Counting(bytes, 7), bytes.length)); // a stream of short reads
            if (full.mentionsWeft) {
                weft++;
                assertArrayEquals(bytes, sized.bytes(), "a class naming Weft is read whole: its methods are read next");
                assertEquals(bytes.length, in.consumed);
            } else {
                whole += bytes.length;
                readPlain += in.consumed;
            }
        }
        assertTrue(weft >= 4, "classes naming Weft were among them: " + weft);
        assertTrue(readPlain < whole * 0.85, "only the beginning of most class files was read: " + readPlain + " of "
                + whole + " bytes");
    }

    @Test
    void everyTruncationReadsAsParsingItWould() throws IOException {
        for (byte[] whole : List.of(ClassFiles.withWork("acme/B", "acme/Base", new String[] {"acme/I", "acme/J"}, false),
                ClassFiles.withWork("acme/A", "java/lang/Object", null, true), ClassFiles.lambdaUser("acme/L", "acme/Job"))) {
            ClassHeader expected = ClassHeader.parse(whole);
            for (int len = 0; len <= whole.length; len++) {
                byte[] cut = Arrays.copyOf(whole, len);
                ClassHeader parsed;
                try {
                    parsed = ClassHeader.parse(cut);
                    parsed.interfaces();
                } catch (IllegalArgumentException e) {
                    parsed = null;
                }
                ClassHeader read;
                try {
                    read = ClassHeader.read(new ByteArrayInputStream(cut), -1);
                    read.interfaces();
                } catch (IllegalArgumentException e) {
                    read = null;
                }
                assertEquals(parsed == null, read == null, "cut to " + len + " of " + whole.length);
                if (read != null) {
                    assertSameHeader(expected, read);
                }
            }
        }
    }

    @Test
    void aClassWithOnlyConstructorsCallingTheJdkIgnoresItsSupertypes() {
        assertTrue(shape("acme/Bare", "acme/Base", false, null, null).ignoresSupertypes(), "only a constructor");
        assertTrue(shape("acme/Message", "acme/Base", true, null, "java/lang/String.valueOf(Ljava/lang/Object;)"
                + "Ljava/lang/String;").ignoresSupertypes(), "constant fields, a static initialiser, a call to the JDK");
        assertFalse(ClassHeader.parse(ClassFiles.functionalInterface("acme/Marker", false)).ignoresSupertypes(),
                "an interface method may override one");
    }

    @Test
    void aClassThatDeclaresOrCallsAnythingElseDependsOnItsSupertypes() {
        assertFalse(ClassHeader.parse(ClassFiles.withWork("acme/W", "acme/Base", null, false)).ignoresSupertypes(),
                "a public method");
        assertFalse(shape("acme/Self", "acme/Base", false, null, "acme/Self.work()V").ignoresSupertypes(),
                "calls an inherited method");
        assertFalse(shape("acme/Other", "acme/Base", false, null, "acme/Elsewhere.run()V").ignoresSupertypes(),
                "calls a method outside the JDK");
        assertFalse(shape("acme/Static", "acme/Base", false, "static", null).ignoresSupertypes(), "a static method");
        assertFalse(shape("acme/Private", "acme/Base", false, "private", null).ignoresSupertypes(), "a private method");
        assertFalse(ClassHeader.parse(ClassFiles.lambdaUser("acme/L", "acme/Job")).ignoresSupertypes(),
                "a static method and a lambda body");
    }

    @Test
    void malformedMembersMeanTheSupertypesAreLookedAt() {
        byte[] whole = shape("acme/Message", "acme/Base", true, null, null).bytes();
        int header = ClassHeader.headerEnd(whole, whole.length, new int[] {1, 10});
        int answered = 0;
        for (int len = header; len < whole.length; len++) {
            // the constant pool and header are whole; the fields and methods after them are cut short
            assertFalse(ClassHeader.parse(Arrays.copyOf(whole, len)).ignoresSupertypes(), "cut to " + len);
            answered++;
        }
        assertTrue(answered > 10, "cuts inside the fields and methods: " + answered);
        assertTrue(ClassHeader.parse(whole).ignoresSupertypes());
    }

    /**
     * A class with a constructor that calls its superclass's (and then {@code call}, when not null, as
     * {@code Owner.name(desc)}), optionally two constant fields and a static initialiser, and a method
     * {@code helper()V} with {@code extra} access ("static" or "private") when not null.
     */
    private static ClassHeader shape(String name, String superName, boolean constants, String extra, String call) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, superName, new String[] {"acme/Marker"});
        if (constants) {
            cw.visitField(Opcodes.ACC_STATIC | Opcodes.ACC_FINAL, "CODE", "I", null, 42).visitEnd();
            cw.visitField(Opcodes.ACC_STATIC, "TEXT", "Ljava/lang/String;", null, null).visitEnd();
            MethodVisitor clinit = cw.visitMethod(Opcodes.ACC_STATIC, "<clinit>", "()V", null, null);
            clinit.visitCode();
            clinit.visitLdcInsn("text");
            clinit.visitFieldInsn(Opcodes.PUTSTATIC, name, "TEXT", "Ljava/lang/String;");
            clinit.visitInsn(Opcodes.RETURN);
            clinit.visitMaxs(0, 0);
            clinit.visitEnd();
        }
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", "()V", false);
        if (call != null) {
            int dot = call.indexOf('.');
            int paren = call.indexOf('(');
            String owner = call.substring(0, dot);
            String desc = call.substring(paren);
            boolean self = owner.equals(name);
            if (self) {
                mv.visitVarInsn(Opcodes.ALOAD, 0);
            } else if (!desc.startsWith("()")) {
                mv.visitInsn(Opcodes.ACONST_NULL);
            }
            mv.visitMethodInsn(self ? Opcodes.INVOKEVIRTUAL : Opcodes.INVOKESTATIC, owner, call.substring(dot + 1, paren),
                    desc, false);
            if (!desc.endsWith("V")) {
                mv.visitInsn(Opcodes.POP);
            }
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        if (extra != null) {
            int access = extra.equals("static") ? Opcodes.ACC_STATIC : Opcodes.ACC_PRIVATE;
            MethodVisitor helper = cw.visitMethod(access, "helper", "()V", null, null);
            helper.visitCode();
            helper.visitInsn(Opcodes.RETURN);
            helper.visitMaxs(0, 0);
            helper.visitEnd();
        }
        cw.visitEnd();
        return ClassHeader.parse(cw.toByteArray());
    }

    private static void assertSameHeader(ClassHeader expected, ClassHeader actual) {
        String name = expected.name();
        assertEquals(name, actual.name());
        assertEquals(expected.superName(), actual.superName(), name);
        assertArrayEquals(expected.interfaces(), actual.interfaces(), name);
        assertEquals(expected.access, actual.access, name);
        assertEquals(expected.mentionsWeft, actual.mentionsWeft, name);
        assertEquals(expected.hasIndy, actual.hasIndy, name);
        assertEquals(expected.indyReturnTypes(), actual.indyReturnTypes(), name);
    }

    private static List<byte[]> classFilesOfTheJarOf(Class<?> c) throws IOException {
        List<byte[]> files = new ArrayList<>();
        Path jar;
        try {
            jar = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new AssertionError(e);
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                if (entry.getName().endsWith(".class")) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        files.add(in.readAllBytes());
                    }
                }
            }
        }
        return files;
    }

    /** Serves bytes in reads of at most {@code chunk} bytes, and counts how many were taken. */
    private static final class Counting extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        int consumed;

        Counting(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return consumed < bytes.length ? bytes[consumed++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] into, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (consumed >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, chunk), bytes.length - consumed);
            System.arraycopy(bytes, consumed, into, off, n);
            consumed += n;
            return n;
        }
    }
}
