package dev.weft.agent.weave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.agent.ClassFiles;
import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.fixtures.TryCatchFinally;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LineNumberNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/** Weaving keeps every line number and every local variable entry, so debuggers and stack traces stay true. */
class DebugInfoWeavingTest {

    @Test
    void wovenMethodsKeepTheirLineNumbersAndLocalVariableTables() {
        ClassLoader loader = getClass().getClassLoader();
        String name = TryCatchFinally.class.getName().replace('.', '/');
        byte[] original = ClassFiles.bytesOf(loader, name);
        ClassWeaver.Result result = ClassWeaver.weave(original, ClassHierarchy.of(loader));
        assertNotNull(result.bytes, "the fixture has suspension points, so it is woven");

        ClassNode before = read(original);
        ClassNode after = read(result.bytes);
        int woven = 0;
        for (MethodNode m : before.methods) {
            MethodNode w = after.methods.stream().filter(x -> x.name.equals(m.name) && x.desc.equals(m.desc))
                    .findFirst().orElseThrow();
            if (calls(w, "dev/weft/internal/Stack")) {
                woven++;
            }
            assertEquals(locals(m), locals(w), m.name + m.desc + ": local variable entries (index, name, type)");
            assertTrue(lines(w).containsAll(lines(m)), m.name + m.desc + ": every source line is still mapped");
            assertFalse(lines(m).isEmpty() && lines(w).isEmpty(), "the fixture is compiled with line numbers");
        }
        assertTrue(woven > 0, "at least one method of the fixture was rewritten");
    }

    private static ClassNode read(byte[] bytes) {
        ClassNode cls = new ClassNode();
        new ClassReader(bytes).accept(cls, 0);
        return cls;
    }

    private static Set<String> locals(MethodNode m) {
        if (m.localVariables == null) {
            return Set.of();
        }
        return m.localVariables.stream().map(v -> v.index + " " + v.name + " " + v.desc)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<Integer> lines(MethodNode m) {
        Set<Integer> lines = new TreeSet<>();
        for (AbstractInsnNode insn : m.instructions) {
            if (insn instanceof LineNumberNode) {
                lines.add(((LineNumberNode) insn).line);
            }
        }
        return lines;
    }

    private static boolean calls(MethodNode m, String owner) {
        for (AbstractInsnNode insn : m.instructions) {
            if (insn instanceof MethodInsnNode && ((MethodInsnNode) insn).owner.equals(owner)) {
                return true;
            }
        }
        return false;
    }
}
