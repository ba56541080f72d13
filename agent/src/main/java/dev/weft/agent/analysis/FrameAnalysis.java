package dev.weft.agent.analysis;

import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;

/** Computes the type of every local and stack value before each instruction of a method. */
public final class FrameAnalysis {
    private FrameAnalysis() {
    }

    /**
     * Analyses one method, merging reference types through the hierarchy (never by loading classes).
     *
     * @param hierarchy the hierarchy of the class's loader
     * @param owner the class that declares {@code m}
     * @param m the method
     * @return the frame before each instruction, indexed like {@code m.instructions}; null for
     *     unreachable instructions
     * @throws AnalyzerException when the bytecode does not verify, naming the instruction
     */
    public static Frame<BasicValue>[] analyze(ClassHierarchy hierarchy, ClassNode owner, MethodNode m)
            throws AnalyzerException {
        List<Type> interfaces = new ArrayList<>();
        if (owner.interfaces != null) {
            for (String itf : owner.interfaces) {
                interfaces.add(Type.getObjectType(itf));
            }
        }
        TypeInterpreter interpreter = new TypeInterpreter(hierarchy, Type.getObjectType(owner.name),
                owner.superName == null ? null : Type.getObjectType(owner.superName), interfaces,
                (owner.access & org.objectweb.asm.Opcodes.ACC_INTERFACE) != 0);
        return new Analyzer<>(interpreter).analyze(owner.name, m);
    }
}
