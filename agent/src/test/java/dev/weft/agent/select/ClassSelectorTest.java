package dev.weft.agent.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.agent.ClassFiles;
import dev.weft.agent.ClassFiles.InMemoryLoader;
import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.weave.ClassWeaver;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/** What the selector decides from the constant pool alone, and how it rejects what is not a class file. */
class ClassSelectorTest {
    private static final InMemoryLoader LOADER = acme(new InMemoryLoader(ClassSelectorTest.class.getClassLoader()));
    private static final ClassHierarchy HIERARCHY = ClassHierarchy.of(LOADER);

    /** Adds the {@code acme} classes the tests select from to a loader; returns it. */
    private static InMemoryLoader acme(InMemoryLoader loader) {
        return loader.with("acme/Base", ClassFiles.withWork("acme/Base", "java/lang/Object", null, true))
                .with("acme/Override", ClassFiles.withWork("acme/Override", "acme/Base", null, false))
                .with("acme/Plain", ClassFiles.withWork("acme/Plain", "java/lang/Object", null, false))
                .with("acme/Job", ClassFiles.functionalInterface("acme/Job", true))
                .with("acme/Chore", ClassFiles.functionalInterface("acme/Chore", false))
                .with("acme/Impl", ClassFiles.withWork("acme/Impl", "java/lang/Object", new String[] {"acme/Job"}, false))
                .with("acme/JobLambda", ClassFiles.lambdaUser("acme/JobLambda", "acme/Job"))
                .with("acme/ChoreLambda", ClassFiles.lambdaUser("acme/ChoreLambda", "acme/Chore"))
                .with("acme/RunnableLambda", ClassFiles.lambdaUser("acme/RunnableLambda", "java/lang/Runnable"));
    }

    @Test
    void jdkClassIsNotACandidate() throws IOException {
        assertFalse(ClassSelector.isCandidate(systemClass("java/lang/String"), HIERARCHY));
        assertFalse(ClassSelector.isCandidate(systemClass("java/util/ArrayList"), HIERARCHY));
    }

    @Test
    void plainClassIsNotACandidate() {
        assertFalse(ClassSelector.isCandidate(bytes("acme/Plain"), HIERARCHY));
    }

    @Test
    void classWithSuspendableAnnotationIsACandidate() {
        assertTrue(ClassSelector.isCandidate(bytes("acme/Base"), HIERARCHY));
    }

    @Test
    void subclassOverridingSuspendableMethodWithoutAnnotationIsACandidate() {
        byte[] override = bytes("acme/Override");
        assertFalse(ClassFiles.mentions(override, "dev/weft/"), "precondition: nothing in the constant pool names Weft");
        assertTrue(ClassSelector.isCandidate(override, HIERARCHY));
    }

    @Test
    void classImplementingSuspendableInterfaceWithoutAnnotationIsACandidate() {
        byte[] impl = bytes("acme/Impl");
        assertFalse(ClassFiles.mentions(impl, "dev/weft/"), "precondition: nothing in the constant pool names Weft");
        assertTrue(ClassSelector.isCandidate(impl, HIERARCHY));
    }

    @Test
    void classWhoseLambdaImplementsSuspendableInterfaceIsACandidate() {
        byte[] user = bytes("acme/JobLambda");
        assertFalse(ClassFiles.mentions(user, "dev/weft/"), "precondition: nothing in the constant pool names Weft");
        assertTrue(ClassSelector.isCandidate(user, HIERARCHY));
    }

    @Test
    void classWhoseLambdaImplementsPlainInterfaceIsNotACandidate() {
        assertFalse(ClassSelector.isCandidate(bytes("acme/ChoreLambda"), HIERARCHY));
        assertFalse(ClassSelector.isCandidate(bytes("acme/RunnableLambda"), HIERARCHY));
    }

    @Test
    void emptyAndTooShortBytesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ClassSelector.isCandidate(new byte[0], HIERARCHY));
        assertThrows(IllegalArgumentException.class, () -> ClassSelector.isCandidate(new byte[] {(byte) 0xCA, (byte) 0xFE}, HIERARCHY));
    }

    @Test
    void badMagicNumberIsRejectedSayingSo() {
        byte[] b = bytes("acme/Plain").clone();
        b[0] = 0;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClassSelector.isCandidate(b, HIERARCHY));
        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }

    @Test
    void everyTruncationOfAClassFileIsRejectedAsIllegalArgument() {
        for (String name : new String[] {"acme/Plain", "acme/Override", "acme/Impl", "acme/JobLambda", "acme/RunnableLambda"}) {
            byte[] whole = bytes(name);
            for (int len = 0; len < whole.length; len++) {
                byte[] cut = Arrays.copyOf(whole, len);
                try {
                    ClassSelector.isCandidate(cut, HIERARCHY);
                } catch (IllegalArgumentException expected) {
                    continue;
                } catch (RuntimeException e) {
                    fail(name + " cut to " + len + " of " + whole.length + " bytes threw " + e, e);
                }
                // Answering is acceptable only once the constant pool and the header have been read.
                assertTrue(len > whole.length / 2, name + " cut to " + len + " bytes was answered");
            }
        }
    }

    @Test
    void corruptedClassFilesAreAnsweredOrRejectedAsIllegalArgument() {
        Random random = new Random(42);
        byte[][] originals = {bytes("acme/Plain"), bytes("acme/Override"), bytes("acme/JobLambda")};
        // A hierarchy of its own: rejected classes are remembered, and corrupted names must not reach the others.
        ClassHierarchy hierarchy = ClassHierarchy.of(new InMemoryLoader(LOADER));
        for (int round = 0; round < 3000; round++) {
            byte[] b = originals[round % originals.length].clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                b[8 + random.nextInt(b.length - 8)] = (byte) random.nextInt(256);
            }
            try {
                ClassSelector.isCandidate(b, hierarchy);
            } catch (IllegalArgumentException expected) {
                // rejected, as documented
            } catch (RuntimeException e) {
                fail("corrupted class file (round " + round + ") threw " + e, e);
            }
        }
    }

    @Test
    void randomBytesAreRejected() {
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            byte[] b = new byte[random.nextInt(300)];
            random.nextBytes(b);
            assertThrows(IllegalArgumentException.class, () -> ClassSelector.isCandidate(b, HIERARCHY));
        }
    }

    @Test
    void classWithLongAndDoubleConstantsIsParsedPastThem() {
        // long and double constants take two constant-pool entries; a miscount would misread what follows.
        org.objectweb.asm.ClassWriter cw = new org.objectweb.asm.ClassWriter(0);
        cw.visit(org.objectweb.asm.Opcodes.V17, org.objectweb.asm.Opcodes.ACC_PUBLIC, "acme/Constants", null,
                "acme/Base", null);
        cw.visitField(org.objectweb.asm.Opcodes.ACC_STATIC | org.objectweb.asm.Opcodes.ACC_FINAL, "L", "J", null, 1L << 40)
                .visitEnd();
        cw.visitField(org.objectweb.asm.Opcodes.ACC_STATIC | org.objectweb.asm.Opcodes.ACC_FINAL, "D", "D", null, 2.5)
                .visitEnd();
        cw.visitEnd();
        byte[] b = cw.toByteArray();
        assertFalse(ClassFiles.mentions(b, "dev/weft/"));
        assertEquals(true, ClassSelector.isCandidate(b, HIERARCHY), "superclass acme/Base read correctly");
    }

    @Test
    void rejectedClassIsRememberedSoItsSubclassesDoNotReadItAgain() {
        List<String> read = new ArrayList<>();
        InMemoryLoader loader = new InMemoryLoader(LOADER) {
            @Override
            public InputStream getResourceAsStream(String name) {
                read.add(name);
                return super.getResourceAsStream(name);
            }
        };
        loader.with("acme/Plain", bytes("acme/Plain"));
        ClassHierarchy hierarchy = ClassHierarchy.of(loader);
        assertFalse(ClassSelector.isCandidate(bytes("acme/Plain"), hierarchy));
        byte[] sub = ClassFiles.withWork("acme/PlainSub", "acme/Plain", null, false);
        assertFalse(ClassSelector.isCandidate(sub, hierarchy));
        assertEquals(List.of(), read, "acme/Plain was known from its own loading");
        byte[] other = ClassFiles.withWork("acme/OtherSub", "acme/Other", null, false);
        loader.with("acme/Other", ClassFiles.withWork("acme/Other", "java/lang/Object", null, false));
        assertFalse(ClassSelector.isCandidate(other, hierarchy));
        assertEquals(List.of("acme/Other.class"), read, "a supertype not seen yet is read through the loader");
    }

    @Test
    void aClassThatCanOverrideNothingIsRejectedWithoutReadingItsSupertypes() {
        List<String> read = new ArrayList<>();
        ClassHierarchy hierarchy = ClassHierarchy.of(recording(read));
        byte[] bare = shape("acme/Bare", "acme/Base", new String[] {"acme/Job"}, Member.CALLS_THE_JDK);
        assertFalse(ClassSelector.isCandidate(bare, hierarchy));
        assertEquals(List.of(), read, "neither acme/Base nor acme/Job was read");
        ClassWeaver.Result woven = ClassWeaver.weave(bare, ClassHierarchy.of(acme(new InMemoryLoader(LOADER))));
        assertNull(woven.bytes, "the weaver, asked anyway, leaves it unchanged");
        assertEquals(List.of(), woven.refusals);
    }

    @Test
    void aConstructorCallingAnInheritedSuspendableMethodStillMakesItsClassACandidate() {
        List<String> read = new ArrayList<>();
        ClassHierarchy hierarchy = ClassHierarchy.of(recording(read));
        byte[] caller = shape("acme/Caller", "acme/Base", null, Member.CALLS_INHERITED_WORK);
        assertTrue(ClassSelector.isCandidate(caller, hierarchy));
        assertEquals(List.of("acme/Base.class"), read);
        assertNotNull(ClassWeaver.weave(caller, hierarchy).bytes, "the constructor gets a check after its call");
    }

    @Test
    void skippingUnreadSupertypesNeverChangesWhatIsWoven() {
        List<byte[]> shapes = new ArrayList<>();
        int n = 0;
        for (String superName : new String[] {"acme/Base", "acme/Plain", "java/lang/Object"}) {
            for (String[] interfaces : new String[][] {null, {"acme/Job"}, {"acme/Chore", "java/io/Serializable"}}) {
                shapes.add(shape("acme/S" + n++, superName, interfaces));
                for (Member m : Member.values()) {
                    shapes.add(shape("acme/S" + n++, superName, interfaces, m));
                }
                shapes.add(shape("acme/S" + n++, superName, interfaces, Member.CALLS_THE_JDK, Member.STATIC_HELPER));
            }
        }
        shapes.add(ClassFiles.lambdaUser("acme/JobLambda2", "acme/Job"));
        int skipped = 0;
        int woven = 0;
        for (byte[] b : shapes) {
            // a fresh hierarchy has read nothing: the selector may skip the supertypes
            ClassHierarchy fresh = ClassHierarchy.of(acme(new InMemoryLoader(LOADER)));
            // one that knows the supertypes already answers without reading: it never skips them
            ClassHierarchy warm = ClassHierarchy.of(acme(new InMemoryLoader(LOADER)));
            org.objectweb.asm.ClassReader reader = new org.objectweb.asm.ClassReader(b);
            warm.hasSuspendableMethods(reader.getSuperName());
            for (String itf : reader.getInterfaces()) {
                warm.hasSuspendableMethods(itf);
            }
            boolean freshCandidate = ClassSelector.isCandidate(b, fresh);
            boolean warmCandidate = ClassSelector.isCandidate(b, warm);
            skipped += warmCandidate && !freshCandidate ? 1 : 0;
            ClassWeaver.Result viaFresh = freshCandidate ? ClassWeaver.weave(b, fresh) : null;
            ClassWeaver.Result viaWarm = warmCandidate ? ClassWeaver.weave(b, warm) : null;
            byte[] freshBytes = viaFresh == null ? null : viaFresh.bytes;
            byte[] warmBytes = viaWarm == null ? null : viaWarm.bytes;
            woven += warmBytes != null ? 1 : 0;
            assertEquals(warmBytes == null, freshBytes == null, reader.getClassName());
            if (warmBytes != null) {
                assertTrue(Arrays.equals(warmBytes, freshBytes), reader.getClassName() + " woven alike");
                assertEquals(viaWarm.refusals, viaFresh.refusals, reader.getClassName());
            }
        }
        assertTrue(skipped >= 4, "some shapes skipped their supertypes: " + skipped);
        assertTrue(woven >= 5, "some shapes were woven: " + woven);
    }

    /** What {@link #shape} puts in a class besides its constructor. */
    private enum Member {
        /** The constructor calls {@code String.valueOf(Object)}. */
        CALLS_THE_JDK,
        /** The constructor calls {@code this.work()}, which {@code acme/Base} declares suspendable. */
        CALLS_INHERITED_WORK,
        /** A {@code static void helper()}. */
        STATIC_HELPER,
        /** A {@code private void work()}. */
        PRIVATE_WORK,
        /** A {@code public void work()}. */
        PUBLIC_WORK,
        /** A {@code public void run()}. */
        PUBLIC_RUN
    }

    private static byte[] shape(String name, String superName, String[] interfaces, Member... members) {
        List<Member> has = List.of(members);
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, superName, interfaces);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", "()V", false);
        if (has.contains(Member.CALLS_THE_JDK)) {
            mv.visitInsn(Opcodes.ACONST_NULL);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/String", "valueOf", "(Ljava/lang/Object;)Ljava/lang/String;",
                    false);
            mv.visitInsn(Opcodes.POP);
        }
        if (has.contains(Member.CALLS_INHERITED_WORK)) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, name, "work", "()V", false);
        }
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        for (Member m : has) {
            String method = m == Member.STATIC_HELPER ? "helper" : m == Member.PUBLIC_RUN ? "run" : "work";
            int access = m == Member.STATIC_HELPER ? Opcodes.ACC_STATIC
                    : m == Member.PRIVATE_WORK ? Opcodes.ACC_PRIVATE : Opcodes.ACC_PUBLIC;
            if (m == Member.STATIC_HELPER || m == Member.PRIVATE_WORK || m == Member.PUBLIC_WORK || m == Member.PUBLIC_RUN) {
                MethodVisitor body = cw.visitMethod(access, method, "()V", null, null);
                body.visitCode();
                body.visitInsn(Opcodes.RETURN);
                body.visitMaxs(0, 0);
                body.visitEnd();
            }
        }
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** A loader over {@link #LOADER}'s classes that records every class file asked of it. */
    private static InMemoryLoader recording(List<String> read) {
        return acme(new InMemoryLoader(LOADER) {
            @Override
            public InputStream getResourceAsStream(String name) {
                read.add(name);
                return super.getResourceAsStream(name);
            }
        });
    }

    private static byte[] bytes(String name) {
        try (InputStream in = LOADER.getResourceAsStream(name + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] systemClass(String name) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(name + ".class")) {
            return in.readAllBytes();
        }
    }
}
