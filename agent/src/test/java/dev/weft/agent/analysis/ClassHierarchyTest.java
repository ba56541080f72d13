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
}
