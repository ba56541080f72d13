package dev.weft.agent.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.agent.ClassFiles;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/** The header read from the constant pool without ASM agrees with ASM's own reading. */
class ClassHeaderTest {
    private static final ClassLoader TEST_LOADER = ClassHeaderTest.class.getClassLoader();

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
}
