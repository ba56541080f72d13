package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Weaving keeps line numbers, so stack traces taken after a resume point at the source lines. */
class DebugInfoTest {
    private static final StackWalker WALKER = StackWalker.getInstance();

    /** The line of the caller of this method. */
    private static int callerLine() {
        return WALKER.walk(s -> s.skip(1).findFirst()).orElseThrow().getLineNumber();
    }

    @Suspendable
    static void recordLines(List<Integer> lines) {
        lines.add(callerLine());
        Coroutine.yield();
        lines.add(callerLine());
    }

    @Suspendable
    static void failAfterResume() {
        Coroutine.yield();
        throw new IllegalStateException("after resume");
    }

    @Suspendable
    static void outer() {
        failAfterResume();
    }

    @Test
    void linesAfterAResumeAreTheSourceLines() {
        List<Integer> lines = new ArrayList<>();
        Coroutine<Object, Object> c = Coroutine.of(() -> recordLines(lines));
        c.next();
        c.next();
        assertTrue(c.isDone());
        assertEquals(2, lines.size());
        assertTrue(lines.get(0) > 0, "line numbers are present: " + lines);
        assertEquals(lines.get(0) + 2, lines.get(1), "the line after the yield is two lines below the first: " + lines);
    }

    @Test
    void stackTraceOfAnExceptionAfterResumeNamesTheRestoredFrames() throws Exception {
        Coroutine<Object, Object> c = Coroutine.of(DebugInfoTest::outer);
        c.next();
        IllegalStateException e = assertThrows(IllegalStateException.class, c::next);
        StackTraceElement[] trace = e.getStackTrace();
        assertEquals("failAfterResume", trace[0].getMethodName());
        assertEquals("outer", trace[1].getMethodName());
        int throwLine = lineOf("throw new IllegalStateException(\"after resume\")");
        int callLine = lineOf("        failAfterResume();");
        assertEquals(throwLine, trace[0].getLineNumber());
        assertEquals(callLine, trace[1].getLineNumber(), "the restored caller is at its call's line");
    }

    /** The source line holding {@code text} in this file. */
    private static int lineOf(String text) throws Exception {
        var source = java.nio.file.Path.of("src/test/java/dev/weft/it/DebugInfoTest.java");
        List<String> lines = java.nio.file.Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text) && !lines.get(i).contains("lineOf(")) {
                return i + 1;
            }
        }
        throw new AssertionError("no line with " + text);
    }
}
