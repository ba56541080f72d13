package dev.weft.agent.fuzz;

import dev.weft.agent.fuzz.MethodGen.Local;
import dev.weft.agent.fuzz.ProgramGenerator.MethodSpec;
import java.util.ArrayList;
import java.util.List;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Emits expressions of a given type: constants, locals, arithmetic and conversions, array literals
 * and loads, string building, {@code new} with arguments that may suspend, conditionals, duplicated
 * stack values, calls to generated methods (nested in each other's arguments) and to {@link Points}.
 * Sub-expressions are emitted left to right, so everything computed before a suspending call stays on
 * the operand stack beneath it.
 */
final class Expressions {
    private static final int MAX_DEPTH = 3;
    private static final String[] STRINGS = {"", "a", "bc", "weft", "x y"};
    private static final String OBJECTS = "java/util/Objects";
    private static final String STRING = "java/lang/String";

    private static final Handle METAFACTORY = new Handle(Opcodes.H_INVOKESTATIC, "java/lang/invoke/LambdaMetafactory",
            "metafactory", "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/invoke/MethodType;"
            + "Ljava/lang/invoke/MethodType;Ljava/lang/invoke/MethodHandle;Ljava/lang/invoke/MethodType;)"
            + "Ljava/lang/invoke/CallSite;", false);

    private final MethodGen g;
    private final MethodVisitor mv;

    Expressions(MethodGen g) {
        this.g = g;
        this.mv = g.mv;
    }

    private int rnd(int n) {
        return g.r.nextInt(n);
    }

    private boolean suspending() {
        return !g.spec.plain;
    }

    /** Pushes a value of type {@code t}. */
    void emit(VType t, int depth) {
        if (depth >= MAX_DEPTH || rnd(4) == 0) {
            leaf(t);
            return;
        }
        int k = rnd(100);
        if (k < 24 && suspending()) {
            point(t, depth);
            return;
        }
        if (k < 36 && call(t, depth)) {
            return;
        }
        if (k < 42) {
            Label other = new Label();
            Label end = new Label();
            jumpIf(other, depth + 1);
            emit(t, depth + 1);
            mv.visitJumpInsn(Opcodes.GOTO, end);
            mv.visitLabel(other);
            emit(t, depth + 1);
            mv.visitLabel(end);
            return;
        }
        composite(t, depth + 1);
    }

    private void leaf(VType t) {
        List<Local> locals = g.readable(t);
        if (!locals.isEmpty() && rnd(5) < 3) {
            Local l = locals.get(rnd(locals.size()));
            mv.visitVarInsn(l.type.load(), l.slot);
            return;
        }
        constant(t);
    }

    private void constant(VType t) {
        switch (t) {
            case INT: intConst(rnd(4) == 0 ? g.r.nextInt() : rnd(12) - 3); break;
            case BOOL: intConst(rnd(2)); break;
            case BYTE: intConst((byte) g.r.nextInt()); break;
            case CHAR: intConst((char) g.r.nextInt()); break;
            case SHORT: intConst((short) g.r.nextInt()); break;
            case LONG: mv.visitLdcInsn(rnd(3) == 0 ? g.r.nextLong() : (long) rnd(20) - 5); break;
            case FLOAT: mv.visitLdcInsn(new float[] {0f, -0f, 1.5f, Float.NaN, 1e30f, -7f}[rnd(6)]); break;
            case DOUBLE: mv.visitLdcInsn(new double[] {0d, -0d, 2.25d, Double.NaN, 1e300, -3d}[rnd(6)]); break;
            case STRING: mv.visitLdcInsn(STRINGS[rnd(STRINGS.length)]); break;
            case OBJECT:
                if (rnd(2) == 0) {
                    mv.visitInsn(Opcodes.ACONST_NULL);
                } else {
                    constant(VType.STRING);
                }
                break;
            case SELF:
                newSelf(MAX_DEPTH);
                break;
            default:
                arrayLiteral(t, MAX_DEPTH);
        }
    }

    void intConst(int v) {
        if (v >= -1 && v <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + v);
        } else if (v == (byte) v) {
            mv.visitIntInsn(Opcodes.BIPUSH, v);
        } else if (v == (short) v) {
            mv.visitIntInsn(Opcodes.SIPUSH, v);
        } else {
            mv.visitLdcInsn(v);
        }
    }

    private void point(VType t, int depth) {
        emit(t, depth + 1);
        if (t.intLike()) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, ProgramGenerator.POINTS, "point", "(I)I", false);
        } else if (!t.ref()) {
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, ProgramGenerator.POINTS, "point", "(" + t.desc + ")" + t.desc, false);
        } else {
            if (g.program.indy && rnd(4) == 0) {
                // Points::point bound to the value: a method reference to another class.
                callThroughCallable("(Ljava/lang/Object;)", new Handle(Opcodes.H_INVOKESTATIC, ProgramGenerator.POINTS,
                        "point", "(Ljava/lang/Object;)Ljava/lang/Object;", false));
            } else {
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, ProgramGenerator.POINTS, "point",
                        "(Ljava/lang/Object;)Ljava/lang/Object;", false);
            }
            if (t != VType.OBJECT) {
                mv.visitTypeInsn(Opcodes.CHECKCAST, t.internalName());
            }
        }
    }

    /** Calls a generated method returning {@code t}; false when there is none to call. */
    private boolean call(VType t, int depth) {
        if (g.inSub && g.spec.ret == t && rnd(3) == 0) {
            invokeSuper(depth);
            return true;
        }
        List<MethodSpec> callees = callees(t);
        if (callees.isEmpty()) {
            return false;
        }
        invoke(callees.get(rnd(callees.size())), depth);
        return true;
    }

    /** Methods this one may call: later ones (plain ones only from plain code) and, when recursive, itself. */
    private List<MethodSpec> callees(VType t) {
        List<MethodSpec> out = new ArrayList<>();
        for (MethodSpec m : g.program.methods) {
            boolean later = m.index > g.spec.index || m == g.spec && m.recursive && g.selfCalls < 2;
            if (later && (m.plain || !g.spec.plain) && !(m.lambda && g.inSub) && (t == null ? m.ret == null : m.ret == t)) {
                out.add(m);
            }
        }
        return out;
    }

    private void invoke(MethodSpec m, int depth) {
        boolean self = m == g.spec;
        if (m.lambda || g.program.indy && !self && m.ret == VType.OBJECT && rnd(3) == 0) {
            invokeThroughCallable(m, depth);
            return;
        }
        Label alt = null;
        Label end = null;
        if (self) {
            g.selfCalls++;
            alt = new Label();
            end = new Label();
            mv.visitVarInsn(Opcodes.ILOAD, g.spec.isStatic ? 0 : 1);
            mv.visitJumpInsn(Opcodes.IFLE, alt);
        }
        if (!m.isStatic) {
            emit(VType.SELF, depth + 1);
        }
        for (int i = 0; i < m.params.size(); i++) {
            if (i == 0 && m.recursive) {
                if (self) {
                    mv.visitVarInsn(Opcodes.ILOAD, g.spec.isStatic ? 0 : 1);
                    mv.visitInsn(Opcodes.ICONST_1);
                    mv.visitInsn(Opcodes.ISUB);
                } else {
                    intConst(rnd(3));
                }
            } else {
                emit(m.params.get(i), depth + 1);
            }
        }
        if (m.bridged != null && rnd(2) == 0) {
            // through the suspendable method it overrides: the bridge forwards to it
            ProgramGenerator.BridgeShape b = m.bridged;
            mv.visitMethodInsn(b.isInterface() ? Opcodes.INVOKEINTERFACE : Opcodes.INVOKEVIRTUAL, b.owner, b.name, b.erased,
                    b.isInterface());
            if (m.ret != VType.OBJECT) {
                mv.visitTypeInsn(Opcodes.CHECKCAST, m.ret.internalName());
            }
        } else {
            mv.visitMethodInsn(m.isStatic ? Opcodes.INVOKESTATIC : Opcodes.INVOKEVIRTUAL, ProgramGenerator.CLASS, m.name,
                    m.desc(), false);
        }
        if (self) {
            mv.visitJumpInsn(Opcodes.GOTO, end);
            mv.visitLabel(alt);
            if (m.ret != null) {
                constant(m.ret);
            }
            mv.visitLabel(end);
        }
    }

    /** In an override, calls the overridden method: {@code super.m(...)}. */
    private void invokeSuper(int depth) {
        MethodSpec m = g.spec;
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        for (int i = 0; i < m.params.size(); i++) {
            if (i == 0 && m.recursive) {
                // The depth bound must not grow: pass ours on (scope 0 is this, scope 1 the bound).
                mv.visitVarInsn(Opcodes.ILOAD, g.scope.get(1).slot);
            } else {
                emit(m.params.get(i), depth + 1);
            }
        }
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, ProgramGenerator.CLASS, m.name, m.desc(), false);
    }

    /**
     * Calls {@code m} through a {@code SuspendableCallable} made by {@code invokedynamic}: a lambda, or a
     * method reference (bound to its receiver and arguments), then {@code call()}, itself a suspension point.
     */
    private void invokeThroughCallable(MethodSpec m, int depth) {
        StringBuilder captured = new StringBuilder("(");
        if (!m.isStatic) {
            emit(VType.SELF, depth + 1);
            captured.append(VType.SELF.desc);
        }
        for (int i = 0; i < m.params.size(); i++) {
            if (i == 0 && m.recursive) {
                intConst(rnd(3));
            } else {
                emit(m.params.get(i), depth + 1);
            }
            captured.append(m.params.get(i).desc);
        }
        Handle impl = new Handle(m.isStatic ? Opcodes.H_INVOKESTATIC : Opcodes.H_INVOKEVIRTUAL, ProgramGenerator.CLASS,
                m.name, m.desc(), false);
        callThroughCallable(captured.append(')').toString(), impl);
    }

    private void callThroughCallable(String capturedDesc, Handle impl) {
        Type sam = Type.getMethodType("()Ljava/lang/Object;");
        mv.visitInvokeDynamicInsn("call", capturedDesc + "Ldev/weft/SuspendableCallable;", METAFACTORY, sam, impl, sam);
        mv.visitMethodInsn(Opcodes.INVOKEINTERFACE, "dev/weft/SuspendableCallable", "call", "()Ljava/lang/Object;", true);
    }

    /** A call whose result is dropped: a generated method or a point. */
    void callStatement() {
        if (g.inSub && rnd(2) == 0) {
            invokeSuper(1);
            if (g.spec.ret != null) {
                mv.visitInsn(g.spec.ret.wide() ? Opcodes.POP2 : Opcodes.POP);
            }
            return;
        }
        VType t = rnd(3) == 0 ? null : VType.ALL[rnd(VType.ALL.length)];
        List<MethodSpec> callees = callees(t);
        if (!callees.isEmpty()) {
            MethodSpec m = callees.get(rnd(callees.size()));
            invoke(m, 1);
            if (m.ret != null) {
                mv.visitInsn(m.ret.wide() ? Opcodes.POP2 : Opcodes.POP);
            }
        } else if (suspending()) {
            VType p = t == null ? VType.INT : t;
            point(p, 1);
            mv.visitInsn(p.wide() ? Opcodes.POP2 : Opcodes.POP);
        } else {
            mix(VType.INT);
        }
    }

    private void composite(VType t, int depth) {
        switch (t) {
            case INT: intExpr(depth); break;
            case BOOL:
                emit(VType.INT, depth);
                mv.visitInsn(Opcodes.ICONST_1);
                mv.visitInsn(Opcodes.IAND);
                break;
            case BYTE: emit(VType.INT, depth); mv.visitInsn(Opcodes.I2B); break;
            case CHAR: emit(VType.INT, depth); mv.visitInsn(Opcodes.I2C); break;
            case SHORT: emit(VType.INT, depth); mv.visitInsn(Opcodes.I2S); break;
            case LONG: longExpr(depth); break;
            case FLOAT: floatExpr(depth); break;
            case DOUBLE: doubleExpr(depth); break;
            case STRING: stringExpr(depth); break;
            case OBJECT:
                if (rnd(2) == 0) {
                    emit(VType.INT, depth);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Integer", "valueOf", "(I)Ljava/lang/Integer;", false);
                } else {
                    emit(VType.STRING, depth);
                }
                break;
            case SELF: newSelf(depth); break;
            case INTS2:
                if (rnd(2) == 0) {
                    sizeExpr(depth);
                    sizeExpr(depth);
                    mv.visitMultiANewArrayInsn("[[I", 2);
                } else {
                    arrayLiteral(t, depth);
                }
                break;
            default:
                if (t != VType.STRINGS && rnd(3) == 0) {
                    sizeExpr(depth);
                    mv.visitIntInsn(Opcodes.NEWARRAY, t == VType.INTS ? Opcodes.T_INT
                            : t == VType.LONGS ? Opcodes.T_LONG : Opcodes.T_DOUBLE);
                } else if (t == VType.INTS && rnd(3) == 0) {
                    emit(VType.INTS2, depth);
                    index(depth);
                    mv.visitInsn(Opcodes.AALOAD);
                } else {
                    arrayLiteral(t, depth);
                }
        }
    }

    /** An array size from 1 to 3, so that every array has an element to index. */
    private void sizeExpr(int depth) {
        emit(VType.INT, depth);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.IAND);
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitInsn(Opcodes.IADD);
        if (rnd(2) == 0) {
            mv.visitInsn(Opcodes.ICONST_1);
            mv.visitInsn(Opcodes.IADD);
        }
    }

    private void arrayLiteral(VType t, int depth) {
        int n = 1 + rnd(3);
        VType e = t.element();
        intConst(n);
        switch (t) {
            case INTS: mv.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_INT); break;
            case LONGS: mv.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_LONG); break;
            case DOUBLES: mv.visitIntInsn(Opcodes.NEWARRAY, Opcodes.T_DOUBLE); break;
            default: mv.visitTypeInsn(Opcodes.ANEWARRAY, e.internalName());
        }
        for (int i = 0; i < n; i++) {
            mv.visitInsn(Opcodes.DUP);
            intConst(i);
            emit(e, depth + 1);
            mv.visitInsn(e.arrayStore());
        }
    }

    private void newSelf(int depth) {
        String type = g.program.hasSub && rnd(2) == 0 ? ProgramGenerator.SUB : ProgramGenerator.CLASS;
        mv.visitTypeInsn(Opcodes.NEW, type);
        mv.visitInsn(Opcodes.DUP);
        if (depth >= MAX_DEPTH) {
            intConst(rnd(9));
            mv.visitLdcInsn((long) rnd(9));
            mv.visitLdcInsn(STRINGS[rnd(STRINGS.length)]);
        } else {
            emit(VType.INT, depth + 1);
            emit(VType.LONG, depth + 1);
            emit(VType.STRING, depth + 1);
        }
        mv.visitMethodInsn(Opcodes.INVOKESPECIAL, type, "<init>", ProgramGenerator.INIT_DESC, false);
    }

    /** With an array on the stack, pushes an index into it (rarely one that may be out of bounds). */
    void index(int depth) {
        if (rnd(25) == 0) {
            emit(VType.INT, depth + 1);
            return;
        }
        mv.visitInsn(Opcodes.DUP);
        mv.visitInsn(Opcodes.ARRAYLENGTH);
        emit(VType.INT, depth + 1);
        mv.visitLdcInsn(Integer.MAX_VALUE);
        mv.visitInsn(Opcodes.IAND);
        mv.visitInsn(Opcodes.SWAP);
        mv.visitInsn(Opcodes.IREM);
    }

    private void intExpr(int depth) {
        switch (rnd(11)) {
            case 0: case 1: {
                emit(VType.INT, depth);
                emit(VType.INT, depth);
                int[] ops = {Opcodes.IADD, Opcodes.ISUB, Opcodes.IMUL, Opcodes.IXOR, Opcodes.IOR, Opcodes.IAND,
                    Opcodes.ISHL, Opcodes.ISHR, Opcodes.IUSHR, Opcodes.IADD, Opcodes.IDIV, Opcodes.IREM};
                mv.visitInsn(ops[rnd(rnd(6) == 0 ? ops.length : ops.length - 2)]);
                break;
            }
            case 2:
                emit(VType.INT, depth);
                mv.visitInsn(Opcodes.INEG);
                break;
            case 3: {
                VType from = new VType[] {VType.LONG, VType.FLOAT, VType.DOUBLE, VType.CHAR, VType.BOOL}[rnd(5)];
                emit(from, depth);
                convertToInt(from);
                break;
            }
            case 4:
                if (rnd(2) == 0) {
                    emit(VType.INTS, depth);
                } else {
                    emit(VType.INTS2, depth);
                    index(depth);
                    mv.visitInsn(Opcodes.AALOAD);
                }
                index(depth);
                mv.visitInsn(Opcodes.IALOAD);
                break;
            case 5:
                emit(new VType[] {VType.INTS, VType.LONGS, VType.DOUBLES, VType.INTS2, VType.STRINGS}[rnd(5)], depth);
                mv.visitInsn(Opcodes.ARRAYLENGTH);
                break;
            case 6:
                emit(VType.STRING, depth);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STRING, rnd(2) == 0 ? "length" : "hashCode", "()I", false);
                break;
            case 7: {
                int kind = rnd(3);
                VType operand = kind == 0 ? VType.LONG : kind == 1 ? VType.FLOAT : VType.DOUBLE;
                emit(operand, depth);
                emit(operand, depth);
                mv.visitInsn(kind == 0 ? Opcodes.LCMP : kind == 1 ? Opcodes.FCMPL + rnd(2) : Opcodes.DCMPL + rnd(2));
                break;
            }
            case 8:
                emit(VType.INT, depth);
                mv.visitInsn(Opcodes.DUP);
                emit(VType.INT, depth);
                mv.visitInsn(Opcodes.IADD);
                mv.visitInsn(Opcodes.IXOR);
                break;
            case 9:
                selfValue(depth);
                mv.visitFieldInsn(Opcodes.GETFIELD, ProgramGenerator.CLASS, "fi", "I");
                break;
            default:
                emit(VType.OBJECT, depth);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, OBJECTS, "hashCode", "(Ljava/lang/Object;)I", false);
        }
    }

    private void convertToInt(VType from) {
        if (from == VType.LONG) {
            mv.visitInsn(Opcodes.L2I);
        } else if (from == VType.FLOAT) {
            mv.visitInsn(Opcodes.F2I);
        } else if (from == VType.DOUBLE) {
            mv.visitInsn(Opcodes.D2I);
        }
    }

    /** Pushes {@code this} in an instance method, or another instance. */
    private void selfValue(int depth) {
        if (!g.spec.isStatic && rnd(2) == 0) {
            mv.visitVarInsn(Opcodes.ALOAD, 0);
        } else {
            emit(VType.SELF, depth);
        }
    }

    private void longExpr(int depth) {
        switch (rnd(9)) {
            case 0: case 1: {
                emit(VType.LONG, depth);
                emit(VType.LONG, depth);
                int[] ops = {Opcodes.LADD, Opcodes.LSUB, Opcodes.LMUL, Opcodes.LXOR, Opcodes.LOR, Opcodes.LAND,
                    Opcodes.LDIV, Opcodes.LREM};
                mv.visitInsn(ops[rnd(rnd(6) == 0 ? ops.length : ops.length - 2)]);
                break;
            }
            case 2:
                emit(VType.LONG, depth);
                emit(VType.INT, depth);
                mv.visitInsn(new int[] {Opcodes.LSHL, Opcodes.LSHR, Opcodes.LUSHR}[rnd(3)]);
                break;
            case 3: {
                VType from = new VType[] {VType.INT, VType.SHORT, VType.FLOAT, VType.DOUBLE}[rnd(4)];
                emit(from, depth);
                mv.visitInsn(from == VType.FLOAT ? Opcodes.F2L : from == VType.DOUBLE ? Opcodes.D2L : Opcodes.I2L);
                break;
            }
            case 4:
                emit(VType.LONGS, depth);
                index(depth);
                mv.visitInsn(Opcodes.LALOAD);
                break;
            case 5:
                emit(VType.LONG, depth);
                mv.visitInsn(Opcodes.DUP2);
                emit(VType.LONG, depth);
                mv.visitInsn(Opcodes.LADD);
                mv.visitInsn(Opcodes.LXOR);
                break;
            case 6:
                selfValue(depth);
                if (rnd(2) == 0) {
                    mv.visitFieldInsn(Opcodes.GETFIELD, ProgramGenerator.CLASS, "fl", "J");
                } else {
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, ProgramGenerator.CLASS, "sum", "()J", false);
                }
                break;
            case 7:
                emit(VType.LONG, depth);
                mv.visitInsn(Opcodes.LNEG);
                break;
            default:
                emit(VType.DOUBLE, depth);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "doubleToLongBits", "(D)J", false);
        }
    }

    private void floatExpr(int depth) {
        switch (rnd(3)) {
            case 0:
                emit(VType.FLOAT, depth);
                emit(VType.FLOAT, depth);
                mv.visitInsn(new int[] {Opcodes.FADD, Opcodes.FSUB, Opcodes.FMUL, Opcodes.FDIV, Opcodes.FREM}[rnd(5)]);
                break;
            case 1: {
                VType from = new VType[] {VType.INT, VType.LONG, VType.DOUBLE}[rnd(3)];
                emit(from, depth);
                mv.visitInsn(from == VType.INT ? Opcodes.I2F : from == VType.LONG ? Opcodes.L2F : Opcodes.D2F);
                break;
            }
            default:
                emit(VType.FLOAT, depth);
                mv.visitInsn(Opcodes.FNEG);
        }
    }

    private void doubleExpr(int depth) {
        switch (rnd(5)) {
            case 0:
                emit(VType.DOUBLE, depth);
                emit(VType.DOUBLE, depth);
                mv.visitInsn(new int[] {Opcodes.DADD, Opcodes.DSUB, Opcodes.DMUL, Opcodes.DDIV, Opcodes.DREM}[rnd(5)]);
                break;
            case 1: {
                VType from = new VType[] {VType.INT, VType.LONG, VType.FLOAT}[rnd(3)];
                emit(from, depth);
                mv.visitInsn(from == VType.INT ? Opcodes.I2D : from == VType.LONG ? Opcodes.L2D : Opcodes.F2D);
                break;
            }
            case 2:
                emit(VType.DOUBLES, depth);
                index(depth);
                mv.visitInsn(Opcodes.DALOAD);
                break;
            case 3:
                emit(VType.DOUBLE, depth);
                mv.visitInsn(Opcodes.DUP2);
                emit(VType.DOUBLE, depth);
                mv.visitInsn(Opcodes.DMUL);
                mv.visitInsn(Opcodes.DADD);
                break;
            default:
                emit(VType.DOUBLE, depth);
                mv.visitInsn(Opcodes.DNEG);
        }
    }

    private void stringExpr(int depth) {
        switch (rnd(6)) {
            case 0: case 1: {
                emit(VType.STRING, depth);
                VType x = VType.ALL[rnd(VType.OBJECT.ordinal() + 1)];
                emit(x, depth);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, STRING, "valueOf", "(" + valueOfDesc(x) + ")Ljava/lang/String;", false);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STRING, "concat", "(Ljava/lang/String;)Ljava/lang/String;", false);
                break;
            }
            case 2:
                mv.visitTypeInsn(Opcodes.NEW, STRING);
                mv.visitInsn(Opcodes.DUP);
                emit(VType.STRING, depth);
                mv.visitMethodInsn(Opcodes.INVOKESPECIAL, STRING, "<init>", "(Ljava/lang/String;)V", false);
                break;
            case 3: {
                String sb = "java/lang/StringBuilder";
                mv.visitTypeInsn(Opcodes.NEW, sb);
                mv.visitInsn(Opcodes.DUP);
                if (rnd(2) == 0) {
                    emit(VType.STRING, depth);
                    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, sb, "<init>", "(Ljava/lang/String;)V", false);
                } else {
                    mv.visitMethodInsn(Opcodes.INVOKESPECIAL, sb, "<init>", "()V", false);
                }
                for (int n = 1 + rnd(2); n > 0; n--) {
                    VType x = VType.ALL[rnd(VType.OBJECT.ordinal() + 1)];
                    emit(x, depth);
                    mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, sb, "append", "(" + valueOfDesc(x) + ")L" + sb + ";", false);
                }
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, sb, "toString", "()Ljava/lang/String;", false);
                break;
            }
            case 4:
                emit(VType.STRINGS, depth);
                index(depth);
                mv.visitInsn(Opcodes.AALOAD);
                break;
            default:
                emit(VType.OBJECT, depth);
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, STRING, "valueOf", "(Ljava/lang/Object;)Ljava/lang/String;", false);
        }
    }

    /** The parameter descriptor of the {@code String.valueOf} or {@code append} overload for a scalar type. */
    private static String valueOfDesc(VType x) {
        switch (x) {
            case BYTE: case SHORT: return "I";
            case STRING: case OBJECT: return "Ljava/lang/Object;";
            default: return x.desc;
        }
    }

    /** Emits a condition and jumps to {@code target} when it holds. */
    void jumpIf(Label target, int depth) {
        int[] ifs = {Opcodes.IFEQ, Opcodes.IFNE, Opcodes.IFLT, Opcodes.IFGE, Opcodes.IFGT, Opcodes.IFLE};
        switch (rnd(8)) {
            case 0:
                emit(VType.INT, depth);
                emit(VType.INT, depth);
                mv.visitJumpInsn(Opcodes.IF_ICMPEQ + rnd(6), target);
                break;
            case 1:
                emit(VType.INT, depth);
                mv.visitJumpInsn(ifs[rnd(6)], target);
                break;
            case 2:
                emit(VType.LONG, depth);
                emit(VType.LONG, depth);
                mv.visitInsn(Opcodes.LCMP);
                mv.visitJumpInsn(ifs[rnd(6)], target);
                break;
            case 3:
                emit(VType.DOUBLE, depth);
                emit(VType.DOUBLE, depth);
                mv.visitInsn(Opcodes.DCMPL + rnd(2));
                mv.visitJumpInsn(ifs[rnd(6)], target);
                break;
            case 4:
                emit(VType.FLOAT, depth);
                emit(VType.FLOAT, depth);
                mv.visitInsn(Opcodes.FCMPL + rnd(2));
                mv.visitJumpInsn(ifs[rnd(6)], target);
                break;
            case 5:
                emit(VType.OBJECT, depth);
                mv.visitJumpInsn(rnd(2) == 0 ? Opcodes.IFNULL : Opcodes.IFNONNULL, target);
                break;
            case 6:
                emit(VType.STRING, depth);
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STRING, "isEmpty", "()Z", false);
                mv.visitJumpInsn(rnd(2) == 0 ? Opcodes.IFEQ : Opcodes.IFNE, target);
                break;
            default:
                emit(VType.BOOL, depth);
                mv.visitJumpInsn(rnd(2) == 0 ? Opcodes.IFEQ : Opcodes.IFNE, target);
        }
    }

    /** {@code h = h * 31 + hash(expression of type t)}: the checksum sits beneath the expression. */
    void mix(VType t) {
        mv.visitVarInsn(Opcodes.LLOAD, g.hSlot);
        mv.visitLdcInsn(31L);
        mv.visitInsn(Opcodes.LMUL);
        emit(t, 0);
        toLong(t);
        mv.visitInsn(Opcodes.LADD);
        mv.visitVarInsn(Opcodes.LSTORE, g.hSlot);
    }

    /** Mixes a caught exception's class and message into the checksum. */
    void mixException(int slot) {
        mv.visitVarInsn(Opcodes.LLOAD, g.hSlot);
        mv.visitLdcInsn(31L);
        mv.visitInsn(Opcodes.LMUL);
        mv.visitVarInsn(Opcodes.ALOAD, slot);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Object", "getClass", "()Ljava/lang/Class;", false);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Class", "getName", "()Ljava/lang/String;", false);
        mv.visitVarInsn(Opcodes.ALOAD, slot);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Throwable", "getMessage", "()Ljava/lang/String;", false);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, STRING, "valueOf", "(Ljava/lang/Object;)Ljava/lang/String;", false);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STRING, "concat", "(Ljava/lang/String;)Ljava/lang/String;", false);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, STRING, "hashCode", "()I", false);
        mv.visitInsn(Opcodes.I2L);
        mv.visitInsn(Opcodes.LADD);
        mv.visitVarInsn(Opcodes.LSTORE, g.hSlot);
    }

    /** Turns the value of type {@code t} on top of the stack into a deterministic long. */
    void toLong(VType t) {
        switch (t) {
            case LONG: return;
            case FLOAT:
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Float", "floatToIntBits", "(F)I", false);
                mv.visitInsn(Opcodes.I2L);
                return;
            case DOUBLE:
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Double", "doubleToLongBits", "(D)J", false);
                return;
            case STRING: case OBJECT:
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, OBJECTS, "hashCode", "(Ljava/lang/Object;)I", false);
                break;
            case INTS: case LONGS: case DOUBLES:
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/Arrays", "hashCode", "(" + t.desc + ")I", false);
                break;
            case INTS2: case STRINGS:
                mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/Arrays", "deepHashCode", "([Ljava/lang/Object;)I", false);
                break;
            case SELF:
                mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, ProgramGenerator.CLASS, "sum", "()J", false);
                return;
            default:
                break;
        }
        mv.visitInsn(Opcodes.I2L);
    }

    /** Pushes the method's result: primitives combine the checksum with an expression. */
    void returnValue(VType ret) {
        if (ret.ref()) {
            emit(ret, 1);
            return;
        }
        mv.visitVarInsn(Opcodes.LLOAD, g.hSlot);
        switch (ret) {
            case LONG:
                emit(ret, 1);
                mv.visitInsn(Opcodes.LXOR);
                return;
            case FLOAT:
                mv.visitInsn(Opcodes.L2F);
                emit(ret, 1);
                mv.visitInsn(Opcodes.FADD);
                return;
            case DOUBLE:
                mv.visitInsn(Opcodes.L2D);
                emit(ret, 1);
                mv.visitInsn(Opcodes.DADD);
                return;
            default:
                mv.visitInsn(Opcodes.L2I);
                emit(ret, 1);
                mv.visitInsn(Opcodes.IXOR);
                switch (ret) {
                    case BOOL: mv.visitInsn(Opcodes.ICONST_1); mv.visitInsn(Opcodes.IAND); break;
                    case BYTE: mv.visitInsn(Opcodes.I2B); break;
                    case CHAR: mv.visitInsn(Opcodes.I2C); break;
                    case SHORT: mv.visitInsn(Opcodes.I2S); break;
                    default: break;
                }
        }
    }
}
