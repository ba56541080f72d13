package dev.weft.agent.fuzz;

import dev.weft.agent.fuzz.ProgramGenerator.MethodSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Emits the body of one generated method, statement by statement: locals declared in block scopes
 * (so one slot holds unrelated types in different blocks, and a local may be unassigned at one
 * suspension point and assigned at another), if/else, counted loops with break and continue,
 * switches with fall-through, try/catch, try/finally (the finally block emitted twice, as javac
 * does), throws, array stores, early returns, and values carried on the operand stack across whole
 * blocks. Reads respect definite assignment, so the output always verifies.
 */
final class MethodGen {
    private static final int MAX_NEST = 3;
    private static final String[] CATCH = {"java/lang/RuntimeException", "java/lang/IllegalStateException",
        "java/lang/ArithmeticException", "java/lang/ArrayIndexOutOfBoundsException", "java/lang/Throwable",
        "java/lang/Exception", "java/lang/IllegalArgumentException"};
    private static final String[] THROW = {"java/lang/IllegalStateException", "java/lang/IllegalArgumentException",
        "java/lang/ArithmeticException", "java/lang/RuntimeException"};

    /** A local variable in scope. */
    static final class Local {
        final int slot;
        final VType type;
        final boolean assignable;

        Local(int slot, VType type, boolean assignable) {
            this.slot = slot;
            this.type = type;
            this.assignable = assignable;
        }
    }

    /** Where a break (and, for loops, a continue) jumps. */
    private static final class Target {
        final Label brk;
        final Label cont;
        final int finallyDepth;
        final int carried;

        Target(Label brk, Label cont, int finallyDepth, int carried) {
            this.brk = brk;
            this.cont = cont;
            this.finallyDepth = finallyDepth;
            this.carried = carried;
        }
    }

    final ProgramGenerator program;
    final MethodSpec spec;
    final MethodVisitor mv;
    final Expressions ex;
    /** True for an override in the subclass: it may call {@code super}, and cannot reach P's private lambdas. */
    final boolean inSub;
    Random r;
    final List<Local> scope = new ArrayList<>();
    /** Definitely assigned locals, by index in {@link #scope}. */
    BitSet assigned = new BitSet();
    int nextSlot;
    int hSlot;
    int selfCalls;
    private int budget;
    private int line = 1;
    private int finallyDepth;
    private int carried;
    private final Deque<Target> targets = new ArrayDeque<>();

    MethodGen(ProgramGenerator program, MethodSpec spec, MethodVisitor mv, boolean inSub) {
        this.program = program;
        this.inSub = inSub;
        this.spec = spec;
        this.mv = mv;
        this.r = program.r;
        this.ex = new Expressions(this);
        this.budget = spec.statements;
    }

    void generate() {
        mv.visitCode();
        if (!spec.isStatic) {
            declare(VType.SELF, false, true);
        }
        for (int i = 0; i < spec.params.size(); i++) {
            declare(spec.params.get(i), !(spec.recursive && i == 0), true);
        }
        hSlot = nextSlot;
        nextSlot += 2;
        lineNumber();
        mv.visitLdcInsn(r.nextLong());
        mv.visitVarInsn(Opcodes.LSTORE, hSlot);
        fuelCheck();
        while (budget > 0) {
            statement(0);
        }
        lineNumber();
        returnFromMethod();
        mv.visitMaxs(0, 0);
        mv.visitEnd();
    }

    // ---- scopes and locals ----------------------------------------------------------------------

    Local declare(VType type, boolean assignable, boolean isAssigned) {
        Local l = new Local(nextSlot, type, assignable);
        nextSlot += type.size();
        scope.add(l);
        if (isAssigned) {
            assigned.set(scope.size() - 1);
        }
        return l;
    }

    private int[] openScope() {
        return new int[] {scope.size(), nextSlot};
    }

    private void closeScope(int[] mark) {
        while (scope.size() > mark[0]) {
            scope.remove(scope.size() - 1);
        }
        assigned.clear(mark[0], Integer.MAX_VALUE);
        nextSlot = mark[1];
    }

    /** The assigned locals whose values can stand for a value of type {@code t}. */
    List<Local> readable(VType t) {
        List<Local> out = new ArrayList<>();
        for (int i = 0; i < scope.size(); i++) {
            Local l = scope.get(i);
            if (assigned.get(i) && (l.type == t || t == VType.INT && l.type.intLike()
                    || t == VType.OBJECT && l.type == VType.STRING)) {
                out.add(l);
            }
        }
        return out;
    }

    private List<Integer> assignable(VType only) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < scope.size(); i++) {
            Local l = scope.get(i);
            if (l.assignable && (only == null || l.type == only)) {
                out.add(i);
            }
        }
        return out;
    }

    private void lineNumber() {
        Label l = new Label();
        mv.visitLabel(l);
        mv.visitLineNumber(line++, l);
    }

    // ---- statements -----------------------------------------------------------------------------

    private void block(int nest) {
        int[] mark = openScope();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n && budget > 0; i++) {
            statement(nest);
        }
        closeScope(mark);
    }

    private void statement(int nest) {
        budget--;
        lineNumber();
        boolean compound = nest < MAX_NEST && budget > 0;
        int k = r.nextInt(100);
        if (k < 16) {
            VType t = VType.ALL[r.nextInt(VType.ALL.length)];
            boolean init = r.nextInt(5) != 0;
            if (init) {
                ex.emit(t, 0);
                Local l = declare(t, true, true);
                mv.visitVarInsn(t.store(), l.slot);
            } else {
                declare(t, true, false);
            }
        } else if (k < 28) {
            List<Integer> targetsOk = assignable(null);
            if (targetsOk.isEmpty()) {
                ex.mix(VType.INT);
                return;
            }
            int i = targetsOk.get(r.nextInt(targetsOk.size()));
            Local l = scope.get(i);
            ex.emit(l.type, 0);
            mv.visitVarInsn(l.type.store(), l.slot);
            assigned.set(i);
        } else if (k < 44) {
            ex.mix(VType.ALL[r.nextInt(VType.ALL.length)]);
        } else if (k < 52 && compound) {
            ifElse(nest);
        } else if (k < 59 && compound) {
            loop(nest);
        } else if (k < 64 && compound) {
            switchStatement(nest);
        } else if (k < 70 && compound && carried == 0) {
            tryCatch(nest);
        } else if (k < 74 && compound && carried == 0) {
            tryFinally(nest);
        } else if (k < 78) {
            Label skip = new Label();
            ex.jumpIf(skip, 1);
            String type = THROW[r.nextInt(THROW.length)];
            mv.visitTypeInsn(Opcodes.NEW, type);
            mv.visitInsn(Opcodes.DUP);
            ex.emit(VType.STRING, 1);
            mv.visitMethodInsn(Opcodes.INVOKESPECIAL, type, "<init>", "(Ljava/lang/String;)V", false);
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitLabel(skip);
        } else if (k < 83) {
            ex.callStatement();
        } else if (k < 87) {
            arrayStore();
        } else if (k < 90 && !targets.isEmpty()) {
            Target t = targets.peek();
            if (t.finallyDepth == finallyDepth && t.carried == carried) {
                boolean cont = t.cont != null && r.nextBoolean();
                ex.jumpIf(cont ? t.cont : t.brk, 1);
            }
        } else if (k < 92 && finallyDepth == 0) {
            Label skip = new Label();
            ex.jumpIf(skip, 1);
            returnFromMethod();
            mv.visitLabel(skip);
        } else if (k < 95 && compound) {
            VType t = VType.ALL[r.nextInt(VType.ALL.length)];
            mv.visitVarInsn(Opcodes.LLOAD, hSlot);
            ex.emit(t, 1);
            carried++;
            block(nest + 1);
            carried--;
            ex.toLong(t);
            mv.visitInsn(Opcodes.LXOR);
            mv.visitVarInsn(Opcodes.LSTORE, hSlot);
        } else {
            List<Integer> ints = assignable(VType.INT);
            if (ints.isEmpty()) {
                ex.mix(VType.LONG);
                return;
            }
            int i = ints.get(r.nextInt(ints.size()));
            if (assigned.get(i)) {
                mv.visitIincInsn(scope.get(i).slot, r.nextInt(7) - 3);
            }
        }
    }

    private void ifElse(int nest) {
        Label other = new Label();
        Label end = new Label();
        ex.jumpIf(other, 1);
        BitSet before = (BitSet) assigned.clone();
        block(nest + 1);
        BitSet afterThen = assigned;
        mv.visitJumpInsn(Opcodes.GOTO, end);
        mv.visitLabel(other);
        assigned = (BitSet) before.clone();
        if (r.nextBoolean()) {
            block(nest + 1);
        }
        assigned.and(afterThen);
        mv.visitLabel(end);
    }

    private void loop(int nest) {
        int[] mark = openScope();
        BitSet before = (BitSet) assigned.clone();
        Local counter = declare(VType.INT, false, true);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitVarInsn(Opcodes.ISTORE, counter.slot);
        Label head = new Label();
        Label cont = new Label();
        Label end = new Label();
        mv.visitLabel(head);
        mv.visitVarInsn(Opcodes.ILOAD, counter.slot);
        if (!spec.plain && r.nextInt(4) == 0) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, ProgramGenerator.POINTS, "point", "(I)I", false);
        }
        mv.visitInsn(Opcodes.ICONST_1 + r.nextInt(3));
        mv.visitJumpInsn(Opcodes.IF_ICMPGE, end);
        fuelCheck();
        targets.push(new Target(end, cont, finallyDepth, carried));
        block(nest + 1);
        targets.pop();
        mv.visitLabel(cont);
        mv.visitIincInsn(counter.slot, 1);
        mv.visitJumpInsn(Opcodes.GOTO, head);
        mv.visitLabel(end);
        closeScope(mark);
        assigned = before;
    }

    private void switchStatement(int nest) {
        ex.emit(VType.INT, 1);
        int n = 1 + r.nextInt(4);
        Label[] labels = new Label[n];
        for (int i = 0; i < n; i++) {
            labels[i] = new Label();
        }
        Label dflt = new Label();
        Label end = new Label();
        if (r.nextBoolean()) {
            int lo = r.nextInt(5) - 2;
            mv.visitTableSwitchInsn(lo, lo + n - 1, dflt, labels);
        } else {
            int[] keys = new int[n];
            int key = r.nextInt(20) - 10;
            for (int i = 0; i < n; i++) {
                keys[i] = key;
                key += 1 + r.nextInt(30);
            }
            mv.visitLookupSwitchInsn(dflt, keys, labels);
        }
        BitSet before = (BitSet) assigned.clone();
        targets.push(new Target(end, null, finallyDepth, carried));
        for (int i = 0; i < n; i++) {
            mv.visitLabel(labels[i]);
            assigned = (BitSet) before.clone();
            block(nest + 1);
            if (r.nextInt(10) < 7) {
                mv.visitJumpInsn(Opcodes.GOTO, end);
            }
        }
        mv.visitLabel(dflt);
        assigned = (BitSet) before.clone();
        if (r.nextBoolean()) {
            block(nest + 1);
        }
        targets.pop();
        mv.visitLabel(end);
        assigned = before;
    }

    private void tryCatch(int nest) {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label after = new Label();
        BitSet before = (BitSet) assigned.clone();
        mv.visitLabel(start);
        mv.visitInsn(Opcodes.NOP);
        block(nest + 1);
        mv.visitLabel(end);
        BitSet afterBody = assigned;
        mv.visitJumpInsn(Opcodes.GOTO, after);
        mv.visitLabel(handler);
        assigned = (BitSet) before.clone();
        int[] mark = openScope();
        int exception = nextSlot++;
        mv.visitVarInsn(Opcodes.ASTORE, exception);
        ex.mixException(exception);
        block(nest + 1);
        if (r.nextInt(4) == 0) {
            Label skip = new Label();
            ex.jumpIf(skip, 1);
            mv.visitVarInsn(Opcodes.ALOAD, exception);
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitLabel(skip);
        }
        closeScope(mark);
        assigned.and(afterBody);
        mv.visitLabel(after);
        // Visited last, so that inner try blocks come first in the table, as javac orders them.
        mv.visitTryCatchBlock(start, end, handler, CATCH[r.nextInt(CATCH.length)]);
    }

    private void tryFinally(int nest) {
        if (program.jsr) {
            tryFinallySubroutine(nest);
            return;
        }
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label after = new Label();
        BitSet before = (BitSet) assigned.clone();
        finallyDepth++;
        mv.visitLabel(start);
        mv.visitInsn(Opcodes.NOP);
        block(nest + 1);
        mv.visitLabel(end);
        long finallySeed = r.nextLong();
        int finallyBudget = Math.min(budget, 3);
        assigned = (BitSet) before.clone();
        finallyBlock(nest, finallySeed, finallyBudget);
        mv.visitJumpInsn(Opcodes.GOTO, after);
        mv.visitLabel(handler);
        assigned = (BitSet) before.clone();
        int[] mark = openScope();
        int thrown = nextSlot++;
        mv.visitVarInsn(Opcodes.ASTORE, thrown);
        finallyBlock(nest, finallySeed, finallyBudget);
        mv.visitVarInsn(Opcodes.ALOAD, thrown);
        mv.visitInsn(Opcodes.ATHROW);
        closeScope(mark);
        mv.visitLabel(after);
        finallyDepth--;
        assigned = before;
        budget -= finallyBudget;
        mv.visitTryCatchBlock(start, end, handler, null);
    }

    /** A finally block as old javac compiled it: one subroutine, called by JSR from both paths. */
    private void tryFinallySubroutine(int nest) {
        Label start = new Label();
        Label end = new Label();
        Label handler = new Label();
        Label subroutine = new Label();
        Label after = new Label();
        BitSet before = (BitSet) assigned.clone();
        finallyDepth++;
        mv.visitLabel(start);
        mv.visitInsn(Opcodes.NOP);
        block(nest + 1);
        mv.visitLabel(end);
        mv.visitJumpInsn(Opcodes.JSR, subroutine);
        mv.visitJumpInsn(Opcodes.GOTO, after);
        mv.visitLabel(handler);
        int[] mark = openScope();
        int thrown = nextSlot++;
        int returnAddress = nextSlot++;
        mv.visitVarInsn(Opcodes.ASTORE, thrown);
        mv.visitJumpInsn(Opcodes.JSR, subroutine);
        mv.visitVarInsn(Opcodes.ALOAD, thrown);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitLabel(subroutine);
        mv.visitVarInsn(Opcodes.ASTORE, returnAddress);
        assigned = (BitSet) before.clone();
        block(nest + 1);
        mv.visitVarInsn(Opcodes.RET, returnAddress);
        closeScope(mark);
        mv.visitLabel(after);
        finallyDepth--;
        assigned = before;
        mv.visitTryCatchBlock(start, end, handler, null);
    }

    /** One copy of a finally block: the same seed and budget give the same code each time. */
    private void finallyBlock(int nest, long seed, int finallyBudget) {
        Random saved = r;
        int savedBudget = budget;
        int savedSelfCalls = selfCalls;
        r = new Random(seed);
        budget = finallyBudget;
        block(nest + 1);
        r = saved;
        budget = savedBudget;
        selfCalls = savedSelfCalls;
    }

    private void arrayStore() {
        List<Local> arrays = new ArrayList<>();
        for (VType t : new VType[] {VType.INTS, VType.LONGS, VType.DOUBLES, VType.INTS2, VType.STRINGS}) {
            arrays.addAll(readable(t));
        }
        if (arrays.isEmpty()) {
            ex.mix(VType.INTS);
            return;
        }
        Local a = arrays.get(r.nextInt(arrays.size()));
        mv.visitVarInsn(Opcodes.ALOAD, a.slot);
        ex.index(1);
        VType element = a.type.element();
        ex.emit(element, 1);
        mv.visitInsn(element.arrayStore());
    }

    /** Mixes the checksum into {@code H} and returns a value of the method's type. */
    private void returnFromMethod() {
        mv.visitFieldInsn(Opcodes.GETSTATIC, ProgramGenerator.CLASS, "H", "J");
        mv.visitLdcInsn(31L);
        mv.visitInsn(Opcodes.LMUL);
        mv.visitVarInsn(Opcodes.LLOAD, hSlot);
        mv.visitInsn(Opcodes.LADD);
        mv.visitFieldInsn(Opcodes.PUTSTATIC, ProgramGenerator.CLASS, "H", "J");
        VType ret = spec.ret;
        if (ret == null) {
            mv.visitInsn(Opcodes.RETURN);
            return;
        }
        ex.returnValue(ret);
        mv.visitInsn(ret.returnOp());
    }

    void fuelCheck() {
        Label ok = new Label();
        mv.visitFieldInsn(Opcodes.GETSTATIC, ProgramGenerator.CLASS, "FUEL", "I");
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.ISUB);
        mv.visitInsn(Opcodes.DUP);
        mv.visitFieldInsn(Opcodes.PUTSTATIC, ProgramGenerator.CLASS, "FUEL", "I");
        mv.visitJumpInsn(Opcodes.IFGE, ok);
        mv.visitTypeInsn(Opcodes.NEW, "java/lang/IllegalStateException");
        mv.visitInsn(Opcodes.DUP);
        mv.visitLdcInsn("out of fuel");
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/IllegalStateException", "<init>",
                "(Ljava/lang/String;)V", false);
        mv.visitInsn(Opcodes.ATHROW);
        mv.visitLabel(ok);
    }
}
