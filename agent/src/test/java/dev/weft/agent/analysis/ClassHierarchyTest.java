package dev.weft.agent.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.agent.ClassFiles;
import dev.weft.agent.ClassFiles.InMemoryLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;

/** The hierarchy read from class-file bytes: common superclasses, suspendable methods, and no class loading. */
class ClassHierarchyTest {
    private static final String FIXTURES = "dev/weft/agent/fixtures/";
    private static final ClassLoader TEST_LOADER = ClassHierarchyTest.class.getClassLoader();

    /** Defines fixture classes itself (so that loading one would show in {@code findLoadedClass}) and records every request. */
    static final class RecordingLoader extends ClassLoader {
        final List<String> requested = Collections.synchronizedList(new ArrayList<>());

        RecordingLoader() {
            super(TEST_LOADER);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            requested.add(name);
            if (name.startsWith("dev.weft.agent.fixtures.")) {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        byte[] b = ClassFiles.bytesOf(TEST_LOADER, name.replace('.', '/'));
                        c = defineClass(name, b, 0, b.length);
                    }
                    return c;
                }
            }
            return super.loadClass(name, resolve);
        }

        Class<?> loaded(String name) {
            return findLoadedClass(name);
        }
    }

    @Test
    void theJdksPackagesAreTheBootAndPlatformLoadersOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        Set<String> jdk = ClassHierarchy.jdkPackages(ModuleLayer.boot().modules());
        assertTrue(jdk.contains("org/xml/sax/helpers"), jdk.toString());
        assertTrue(jdk.contains("org/w3c/dom"), jdk.toString());
        assertFalse(jdk.contains("java/lang"), "covered by isPlatform: " + jdk);
        assertTrue(ClassHierarchy.isJdk("org/xml/sax/helpers/DefaultHandler"));
        assertTrue(ClassHierarchy.isJdk("java/lang/Thread"));
        assertFalse(ClassHierarchy.isJdk("acme/lib/Thing"));

        // a module of the application's, as on the module path: not the JDK's, whatever its packages
        ClassWriter info = new ClassWriter(0);
        info.visit(Opcodes.V9, Opcodes.ACC_MODULE, "module-info", null, null, null);
        org.objectweb.asm.ModuleVisitor module = info.visitModule("acme.lib", 0, null);
        module.visitRequire("java.base", Opcodes.ACC_MANDATED, null);
        module.visitPackage("acme/lib");
        module.visitPackage("org/xml/extra");
        module.visitEnd();
        info.visitEnd();
        java.nio.file.Files.write(dir.resolve("module-info.class"), info.toByteArray());
        java.nio.file.Files.createDirectories(dir.resolve("acme/lib"));
        java.nio.file.Files.write(dir.resolve("acme/lib/Thing.class"), ClassFiles.withWork("acme/lib/Thing", "java/lang/Object", null, true));
        java.nio.file.Files.createDirectories(dir.resolve("org/xml/extra"));
        java.nio.file.Files.write(dir.resolve("org/xml/extra/More.class"), ClassFiles.withWork("org/xml/extra/More", "java/lang/Object", null, true));
        java.lang.module.Configuration cf = ModuleLayer.boot().configuration().resolve(java.lang.module.ModuleFinder.of(dir),
                java.lang.module.ModuleFinder.of(), Set.of("acme.lib"));
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, TEST_LOADER);
        assertEquals(Set.of("acme.lib"), layer.modules().stream().map(Module::getName).collect(java.util.stream.Collectors.toSet()));
        assertEquals(Set.of(), ClassHierarchy.jdkPackages(layer.modules()), "a module of the application's loader");
    }

    @Test
    void commonSuperClassOfJdkClasses() {
        ClassHierarchy h = ClassHierarchy.of(TEST_LOADER);
        assertEquals("java/util/AbstractList", h.commonSuperClass("java/util/ArrayList", "java/util/LinkedList"));
        assertEquals("java/lang/Number", h.commonSuperClass("java/lang/Integer", "java/lang/Long"));
        assertEquals("java/lang/Object", h.commonSuperClass("java/lang/String", "java/lang/Integer"));
        assertEquals("java/util/AbstractList", h.commonSuperClass("java/util/AbstractList", "java/util/ArrayList"));
        assertEquals("java/util/AbstractList", h.commonSuperClass("java/util/ArrayList", "java/util/AbstractList"));
        assertEquals("java/lang/String", h.commonSuperClass("java/lang/String", "java/lang/String"));
    }

    @Test
    void commonSuperClassWithAnInterfaceIsTheInterfaceWhenAssignableElseObject() {
        ClassHierarchy h = ClassHierarchy.of(TEST_LOADER);
        assertEquals("java/lang/Object", h.commonSuperClass("java/util/List", "java/util/Set"));
        assertEquals("java/lang/Object", h.commonSuperClass("java/lang/Runnable", "java/lang/String"));
        assertEquals("java/util/List", h.commonSuperClass("java/util/List", "java/util/ArrayList"));
        assertEquals("java/util/List", h.commonSuperClass("java/util/ArrayList", "java/util/List"));
    }

    @Test
    void bootstrapHierarchyReadsJdkClasses() {
        ClassHierarchy boot = ClassHierarchy.of(null);
        assertEquals("java/util/AbstractList", boot.commonSuperClass("java/util/ArrayList", "java/util/LinkedList"));
        assertTrue(boot.isInterface("java/util/List"));
    }

    @Test
    void oneHierarchyPerLoader() {
        assertSame(ClassHierarchy.of(TEST_LOADER), ClassHierarchy.of(TEST_LOADER));
        assertNotSame(ClassHierarchy.of(TEST_LOADER), ClassHierarchy.of(new RecordingLoader()));
    }

    @Test
    void suspendableMethodsIncludeInheritedAndBridgeTargets() {
        ClassHierarchy h = ClassHierarchy.of(new RecordingLoader());
        assertEquals(Set.of("take()Ljava/lang/Object;", "take()Ljava/lang/Integer;"),
                h.suspendableMethods(FIXTURES + "GenericBridges$Counter"));
        assertEquals(Set.of("map(Ljava/lang/Object;)Ljava/lang/Object;", "map(Ljava/lang/String;)Ljava/lang/Integer;"),
                h.suspendableMethods(FIXTURES + "GenericBridges$Length"));
        assertEquals(Set.of("get()Ljava/lang/Comparable;", "get()Ljava/lang/String;"),
                h.suspendableMethods(FIXTURES + "GenericBridges$NameBox"));
        Set<String> greeter = Set.of("greet(Ljava/lang/String;)Ljava/lang/String;", "twice(Ljava/lang/String;)Ljava/lang/String;");
        assertEquals(greeter, h.suspendableMethods(FIXTURES + "DefaultMethods$Greeter"));
        assertEquals(greeter, h.suspendableMethods(FIXTURES + "DefaultMethods$Quiet"), "inherited through Polite");
        assertEquals(Set.of("run()V"), h.suspendableMethods(FIXTURES + "YieldLoop"), "from SuspendableRunnable");
        assertTrue(h.suspendableMethods(FIXTURES + "Lambdas").containsAll(Set.of("run()V", "triple(I)I", "shifted(I)I")));
    }

    @Test
    void subclassAskedBeforeItsSuperclassSeesTheSameMethods() {
        ClassHierarchy fresh = ClassHierarchy.of(new RecordingLoader());
        Set<String> loudFirst = fresh.suspendableMethods(FIXTURES + "DefaultMethods$Loud");
        assertEquals(ClassHierarchy.of(TEST_LOADER).suspendableMethods(FIXTURES + "DefaultMethods$Loud"), loudFirst);
        assertEquals(loudFirst, fresh.suspendableMethods(FIXTURES + "DefaultMethods$Polite"));
    }

    @Test
    void suspensionPointsAreCallsToSuspendableMethodsOnly() {
        ClassHierarchy h = ClassHierarchy.of(TEST_LOADER);
        assertTrue(h.isSuspendable("dev/weft/Coroutine", "yield", "(Ljava/lang/Object;)Ljava/lang/Object;"));
        assertTrue(h.isSuspendable("dev/weft/Generator", "yield", "(Ljava/lang/Object;)V"));
        assertFalse(h.isSuspendable("dev/weft/Coroutine", "next", "()Ljava/lang/Object;"));
        assertTrue(h.isSuspendable(FIXTURES + "DefaultMethods$Loud", "twice", "(Ljava/lang/String;)Ljava/lang/String;"));
        assertFalse(h.isSuspendable(FIXTURES + "DefaultMethods$Loud", "toString", "()Ljava/lang/String;"));
    }

    @Test
    void plainUnknownAndJdkClassesHaveNoSuspendableMethods() {
        ClassHierarchy h = ClassHierarchy.of(TEST_LOADER);
        assertFalse(h.hasSuspendableMethods("dev/weft/agent/Trace"));
        assertFalse(h.hasSuspendableMethods("java/util/ArrayList"));
        assertFalse(h.hasSuspendableMethods("no/such/Thing"));
        assertNull(h.info("no/such/Thing"));
        assertNull(h.info("[Ljava/lang/String;"));
        assertFalse(h.isInterface("no/such/Thing"));
        assertEquals("java/lang/Object", h.superName("no/such/Thing"));
        assertEquals("java/lang/Object", h.commonSuperClass("no/such/Thing", "java/lang/String"));
    }

    @Test
    void knownSuspendableMethodsAreOnlyWhatNeedsNoRead() {
        java.util.List<String> read = new ArrayList<>();
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER) {
            @Override
            public java.io.InputStream getResourceAsStream(String name) {
                read.add(name);
                return super.getResourceAsStream(name);
            }
        };
        loader.with("acme/Base", ClassFiles.withWork("acme/Base", "java/lang/Object", null, true))
                .with("acme/Sub", ClassFiles.withWork("acme/Sub", "acme/Base", null, false));
        ClassHierarchy h = ClassHierarchy.of(loader);
        assertEquals(Set.of(), h.knownSuspendableMethods("java/util/ArrayList"));
        assertEquals(Set.of(), h.knownSuspendableMethods("org/xml/sax/helpers/DefaultHandler"), "a JDK module's package");
        assertEquals(Set.of(), h.knownSuspendableMethods(null));
        assertNull(h.knownSuspendableMethods("acme/Sub"), "not known before it is read");
        assertEquals(List.of(), read, "asking reads nothing");
        assertTrue(h.hasSuspendableMethods("acme/Sub"));
        assertEquals(Set.of("work()V"), h.knownSuspendableMethods("acme/Sub"));
        assertEquals(Set.of("work()V"), h.knownSuspendableMethods("acme/Base"), "computed on the way");
        assertFalse(h.hasSuspendableMethods("acme/Missing"));
        assertEquals(Set.of(), h.knownSuspendableMethods("acme/Missing"), "known to be missing: not looked for again");
    }

    @Test
    void definedClassIsKnownWithoutItsBytesBeingFindable() {
        ClassHierarchy h = ClassHierarchy.of(new RecordingLoader());
        ClassNode node = new ClassNode();
        new ClassReader(ClassFiles.withWork("acme/Defined", "java/lang/Object", null, true)).accept(node, 0);
        h.define(node);
        assertEquals(Set.of("work()V"), h.suspendableMethods("acme/Defined"));
    }

    @Test
    void cyclicHierarchyInMalformedBytesDoesNotOverflow() {
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER)
                .with("acme/A", ClassFiles.withWork("acme/A", "acme/B", null, false))
                .with("acme/B", ClassFiles.withWork("acme/B", "acme/A", null, true));
        ClassHierarchy h = ClassHierarchy.of(loader);
        assertEquals(Set.of("work()V"), h.suspendableMethods("acme/A"));
        assertFalse(h.isAssignable("java/lang/String", "acme/A"));
        assertEquals("java/lang/Object", h.commonSuperClass("acme/A", "java/lang/String"));
    }

    @Test
    void answeringNeverLoadsAClass() {
        RecordingLoader loader = new RecordingLoader();
        ClassHierarchy h = ClassHierarchy.of(loader);
        String[] fixtures = {"GenericBridges$Counter", "GenericBridges$NameBox", "DefaultMethods$Loud",
            "DefaultMethods$Quiet", "CallKinds$Dog", "YieldLoop"};
        for (String f : fixtures) {
            assertTrue(h.hasSuspendableMethods(FIXTURES + f), f);
        }
        assertEquals(FIXTURES + "DefaultMethods$Polite",
                h.commonSuperClass(FIXTURES + "DefaultMethods$Loud", FIXTURES + "DefaultMethods$Quiet"));
        assertEquals(FIXTURES + "CallKinds$Animal", h.commonSuperClass(FIXTURES + "CallKinds$Dog", FIXTURES + "CallKinds$Animal"));
        assertTrue(h.isAssignable(FIXTURES + "CallKinds$Named", FIXTURES + "CallKinds$Dog"));
        assertTrue(h.isInterface(FIXTURES + "DefaultMethods$Greeter"));
        assertEquals(List.of(), loader.requested, "no class was requested from the loader");
        for (String f : fixtures) {
            assertNull(loader.loaded("dev.weft.agent.fixtures." + f), f + " was not loaded");
        }
    }

    @Test
    void classNamingNoWeftTypeHasItsBridgesReadOnceItInheritsSuspendableMethods() {
        byte[] sub = boxOf("acme/NameBox", "acme/Box", "Ljava/lang/String;", false);
        assertFalse(ClassFiles.mentions(sub, "dev/weft/"), "precondition: read from its header only");
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER)
                .with("acme/Box", boxOf("acme/Box", "java/lang/Object", "Ljava/lang/Object;", true))
                .with("acme/NameBox", sub)
                .with("acme/Unrelated", boxOf("acme/Unrelated", "java/lang/Object", "Ljava/lang/String;", false));
        ClassHierarchy h = ClassHierarchy.of(loader);
        assertEquals(Set.of("get()Ljava/lang/Object;", "get()Ljava/lang/String;"), h.suspendableMethods("acme/NameBox"));
        assertTrue(h.isSuspendable("acme/NameBox", "get", "()Ljava/lang/String;"), "the bridge's target");
        assertEquals(Set.of(), h.suspendableMethods("acme/Unrelated"));
    }

    @Test
    void rememberedHeaderAnswersWithoutReadingTheClassAgain() {
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER);
        ClassHierarchy h = ClassHierarchy.of(loader);
        h.remember(ClassHeader.parse(ClassFiles.withWork("acme/Seen", "acme/Parent", new String[] {"acme/Itf"}, false)));
        // The loader has no bytes for acme/Seen: every answer comes from the remembered header.
        assertEquals("acme/Parent", h.superName("acme/Seen"));
        assertTrue(h.isAssignable("acme/Itf", "acme/Seen"));
        assertFalse(h.isInterface("acme/Seen"));
        assertFalse(h.hasSuspendableMethods("acme/Seen"));
    }

    @Test
    void anonymousClassesAreNotRememberedAndStillAnsweredByAReadWhenAsked() {
        // The loader's acme/Outer$1 extends a suspendable class, the header remembered says Object: a
        // remembered header would answer "none", a read answers from the loader's bytes.
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER)
                .with("acme/Work", ClassFiles.withWork("acme/Work", "java/lang/Object", null, true))
                .with("acme/Outer$1", ClassFiles.withWork("acme/Outer$1", "acme/Work", null, false));
        ClassHierarchy h = ClassHierarchy.of(loader);
        List<String> anonymous = List.of("acme/Outer$1", "acme/Outer$22");
        List<String> named = List.of("acme/Local$1Named", "acme/Outer$Inner", "acme/Outer$", "acme/$1", "acme/Outer1");
        for (String name : anonymous) {
            h.remember(ClassHeader.parse(ClassFiles.withWork(name, "java/lang/Object", null, false)));
            assertTrue(ClassHierarchy.isAnonymous(name), name);
        }
        for (String name : named) {
            h.remember(ClassHeader.parse(ClassFiles.withWork(name, "java/lang/Object", null, false)));
            assertFalse(ClassHierarchy.isAnonymous(name), name);
            assertEquals("java/lang/Object", h.superName(name), name + " is answered from its remembered header");
        }
        assertNull(h.info("acme/Outer$22"), "not remembered, and the loader has no such class");
        assertEquals("acme/Work", h.superName("acme/Outer$1"), "read from the loader");
        assertEquals(h.suspendableMethods("acme/Work"), h.suspendableMethods("acme/Outer$1"));
        assertFalse(h.suspendableMethods("acme/Outer$1").isEmpty());
    }

    @Test
    void headerOfAClassNamingWeftIsNotRemembered() {
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER);
        ClassHierarchy h = ClassHierarchy.of(loader);
        h.remember(ClassHeader.parse(ClassFiles.withWork("acme/Annotated", "java/lang/Object", null, true)));
        assertNull(h.info("acme/Annotated"), "its annotations need a full read, which the loader cannot give here");
    }

    @Test
    void syntheticDefaultArgumentAndTraitForwardersAreSuspendableWhenTheirTargetIs() {
        ClassWriter cw = new ClassWriter(0);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "acme/Kt", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "f", "(I)I", null, null);
        mv.visitAnnotation(ClassFiles.SUSPENDABLE, true).visitEnd();
        mv.visitEnd();
        forwarder(cw, Opcodes.ACC_SYNTHETIC, "f$default", "(IILjava/lang/Object;)I", "f", "(I)I");
        forwarder(cw, Opcodes.ACC_SYNTHETIC, "f$", "(I)I", "f", "(I)I");
        forwarder(cw, 0, "g$default", "(IILjava/lang/Object;)I", "f", "(I)I"); // not synthetic, calls another name
        forwarder(cw, 0, "f$default2", "(I)I", "f", "(I)I");
        forwarder(cw, Opcodes.ACC_SYNTHETIC, "h$default", "(IILjava/lang/Object;)I", "h", "(I)I"); // h is plain
        cw.visitEnd();
        ClassHierarchy h = ClassHierarchy.of(new InMemoryLoader(TEST_LOADER).with("acme/Kt", cw.toByteArray()));
        assertEquals(Set.of("f(I)I", "f$default(IILjava/lang/Object;)I", "f$(I)I"), h.suspendableMethods("acme/Kt"));
    }

    private static void forwarder(ClassWriter cw, int access, String name, String desc, String target, String targetDesc) {
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC | access, name, desc, null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ILOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, "acme/Kt", target, targetDesc, false);
        mv.visitInsn(Opcodes.IRETURN);
        mv.visitMaxs(1, Type.getArgumentsAndReturnSizes(desc) >> 2);
        mv.visitEnd();
    }

    /**
     * A class with {@code T get()} returning null, where T is {@code valueDesc}; annotated or not; when
     * the superclass is not Object, also the bridge {@code Object get()} that javac would emit.
     */
    private static byte[] boxOf(String name, String superName, String valueDesc, boolean annotated) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES);
        cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_SUPER, name, null, superName, null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "get", "()" + valueDesc, null, null);
        if (annotated) {
            mv.visitAnnotation(ClassFiles.SUSPENDABLE, true).visitEnd();
        }
        mv.visitCode();
        mv.visitInsn(Opcodes.ACONST_NULL);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        if (!superName.equals("java/lang/Object")) {
            mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC, "get",
                    "()Ljava/lang/Object;", null, null);
            mv.visitCode();
            mv.visitVarInsn(Opcodes.ALOAD, 0);
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, name, "get", "()" + valueDesc, false);
            mv.visitInsn(Opcodes.ARETURN);
            mv.visitMaxs(0, 0);
            mv.visitEnd();
        }
        cw.visitEnd();
        return cw.toByteArray();
    }
}
