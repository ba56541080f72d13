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
