package dev.weft.agent.weave;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.agent.ClassFiles;
import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.fixtures.runtime.UsesStack;
import org.junit.jupiter.api.Test;

/** A class is woven once: woven code is recognised by what only woven code calls, not by any use of the stack. */
class AlreadyWovenTest {

    @Test
    void aClassThatUsesTheStackItselfIsStillWovenAndOnlyOnce() {
        ClassLoader loader = getClass().getClassLoader();
        byte[] original = ClassFiles.bytesOf(loader, UsesStack.class.getName().replace('.', '/'));
        assertTrue(ClassFiles.mentions(original, "dev/weft/internal/Stack"), "the fixture uses the stack itself");

        ClassWeaver.Result woven = ClassWeaver.weave(original, ClassHierarchy.of(loader));
        assertNotNull(woven.bytes, "its suspendable method is woven although the class uses Stack");
        assertTrue(ClassFiles.mentions(woven.bytes, "enter"), "the woven method restores through Stack.enter");

        ClassWeaver.Result again = ClassWeaver.weave(woven.bytes, ClassHierarchy.of(loader));
        assertNull(again.bytes, "woven bytes are never woven again");
    }
}
