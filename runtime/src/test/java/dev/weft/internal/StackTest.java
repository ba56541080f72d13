package dev.weft.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The frame stack as woven code drives it, at every depth around the seam between its first slots
 * (fields) and the rest (arrays): what is pushed comes back in reverse, records check their callee,
 * nothing stays referenced.
 */
class StackTest {
    private static final int PRIMITIVE = Stack.idOf("test()V");

    @Test
    void valuesOfEveryKindComeBackInReverseAtEveryDepth() {
        for (int n = 0; n <= 9; n++) {
            Stack s = new Stack(this);
            List<Object> pushed = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                s.pushI(i * 3 - 7);
                s.pushL(Long.MIN_VALUE + i);
                s.pushF(i + 0.5f);
                s.pushD(-i - 0.25);
                Object ref = i % 3 == 1 ? null : "ref" + i;
                s.pushA(ref);
                pushed.add(ref);
            }
            for (int i = n - 1; i >= 0; i--) {
                assertSame(pushed.get(i), s.popA(), "reference " + i + " of " + n);
                assertEquals(-i - 0.25, s.popD());
                assertEquals(i + 0.5f, s.popF());
                assertEquals(Long.MIN_VALUE + i, s.popL());
                assertEquals(i * 3 - 7, s.popI());
            }
            assertNoReferenceKept(s);
        }
    }

    @Test
    void recordsComeBackOutermostFirstAndNameTheirFrames() {
        for (int depth = 1; depth <= 9; depth++) {
            Stack s = new Stack(this);
            assertTrue(s.beginSuspend(PRIMITIVE, null));
            int callee = PRIMITIVE;
            for (int f = 0; f < depth; f++) {
                int id = Stack.idOf("frame" + f + "()V");
                s.unwind(callee, "frame" + f, id, 100 + f);
                callee = id;
            }
            assertEquals(depth + 1, s.suspendedAt().size(), "the primitive and one line per record");
            assertTrue(s.topIs(callee));
            s.mode = Stack.RESUMING;
            for (int f = depth - 1; f >= 0; f--) {
                assertEquals(100 + f, s.enter(Stack.idOf("frame" + f + "()V"), "frame" + f));
            }
            assertEquals(null, s.endResume(PRIMITIVE, "test"));
            assertEquals(Stack.RUNNING, s.mode);
        }
    }

    @Test
    void aRecordWhoseCalleeIsNotOnTopIsALostSuspensionAtEveryDepth() {
        for (int depth = 0; depth <= 4; depth++) {
            Stack s = new Stack(this);
            s.beginSuspend(PRIMITIVE, null);
            int callee = PRIMITIVE;
            for (int f = 0; f < depth; f++) {
                int id = Stack.idOf("frame" + f + "()V");
                s.unwind(callee, "frame" + f, id, f);
                callee = id;
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> s.unwind(Stack.idOf("other()V"), "Other.other()V", 7, 0));
            assertTrue(e.getMessage().contains("a suspension was lost"), e.getMessage());
            assertTrue(e.getMessage().contains("Other.other()V"), e.getMessage());
        }
    }

    @Test
    void aFrameEnteredInPlaceOfAnotherIsAnError() {
        Stack s = new Stack(this);
        s.beginSuspend(PRIMITIVE, null);
        s.unwind(PRIMITIVE, "a", Stack.idOf("a()V"), 1);
        s.unwind(Stack.idOf("a()V"), "b", Stack.idOf("b()V"), 2);
        s.mode = Stack.RESUMING;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> s.enter(Stack.idOf("c()V"), "C.c()V"));
        assertTrue(e.getMessage().contains("C.c()V is resuming a frame that another method saved"), e.getMessage());
    }

    @Test
    void resetForgetsEveryFrameAndEveryReference() {
        Stack s = new Stack(this);
        s.beginSuspend(PRIMITIVE, null);
        for (int i = 0; i < 6; i++) {
            s.pushA(new Object());
            s.pushI(i);
        }
        s.unwind(PRIMITIVE, "a", Stack.idOf("a()V"), 1);
        s.reset();
        assertNoReferenceKept(s);
        assertEquals(Stack.RUNNING, s.mode);
        assertTrue(s.suspendedAt().isEmpty());
        // and it works as new: the first slots again
        s.pushA("again");
        assertEquals("again", s.popA());
    }

    private static void assertNoReferenceKept(Stack s) {
        try {
            Field ref0 = Stack.class.getDeclaredField("ref0");
            Field refs = Stack.class.getDeclaredField("refs");
            ref0.setAccessible(true);
            refs.setAccessible(true);
            assertNull(ref0.get(s), "the first reference slot was cleared");
            for (Object o : (Object[]) refs.get(s)) {
                assertNull(o, "every reference slot was cleared");
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
