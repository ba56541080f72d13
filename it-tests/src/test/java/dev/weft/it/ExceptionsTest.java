package dev.weft.it;

import static dev.weft.it.Probe.note;
import static dev.weft.it.Probe.pass;
import static dev.weft.it.Probe.point;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Suspendable;
import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

/** Suspension around exception handlers, and exceptions thrown by resumed code (traps 9, 10, 11, 25). */
class ExceptionsTest {

    // ---- trap 9: try, catch, finally ----------------------------------------------------------------------

    @Test
    void suspensionInsideTryCatchAndFinallyResumesInPlace() {
        Differential.Run run = Differential.check(() -> {
            int x = 1;
            try {
                x += point("try", 1);
                throw new IllegalStateException("boom" + x);
            } catch (IllegalStateException e) {
                x += point("catch", 10);
                note("caught " + e.getMessage() + " x=" + x);
            } finally {
                x += point("finally", 100);
                note("finally x=" + x);
            }
            return x;
        });
        assertEquals("returned 112", run.outcome);
        assertEquals("caught boom2 x=12", run.events.get(2));
    }

    @Test
    void nestedTryBlocksWithSuspendingHandlersRunInOrder() {
        Differential.Run run = Differential.check(() -> {
            StringBuilder out = new StringBuilder();
            try {
                try {
                    try {
                        out.append(point("inner", 'a'));
                        throw new IOException("io");
                    } finally {
                        out.append(point("innerFinally", 'b'));
                    }
                } catch (IOException e) {
                    out.append(pass("catchIo", e.getMessage()));
                    throw new IllegalArgumentException("rethrown", e);
                } finally {
                    out.append(point("middleFinally", 'c'));
                }
            } catch (RuntimeException e) {
                out.append(pass("outerCatch", e.getMessage() + "<-" + e.getCause().getMessage()));
            } finally {
                out.append(point("outerFinally", 'd'));
            }
            return out.toString();
        });
        assertEquals("returned abiocrethrown<-iod", run.outcome);
    }

    @Test
    void catchThrowableAroundSuspensionDoesNotCatchTheUnwinding() {
        Differential.Run run = Differential.check(() -> {
            int caught = 0;
            for (int i = 0; i < 3; i++) {
                try {
                    point("guarded", i);
                } catch (Throwable t) {
                    caught++;
                    note("caught " + t);
                }
                try {
                    point("guardedError", i);
                } catch (Error | RuntimeException e) {
                    caught++;
                    note("caught " + e);
                }
            }
            return caught;
        });
        assertEquals("returned 0", run.outcome);
    }

    @Test
    void returnFromFinallyAfterSuspensionOverridesTheException() {
        Differential.Run run = Differential.check(ExceptionsTest::finallyReturns);
        assertEquals("returned finally wins", run.outcome);
    }

    @SuppressWarnings("finally")
    @Suspendable
    static String finallyReturns() {
        try {
            point("try");
            throw new IllegalStateException("lost");
        } finally {
            return pass("finally", "finally wins");
        }
    }

    // ---- trap 10: exceptions thrown by resumed callees ----------------------------------------------------

    @Suspendable
    static int throwsAfterSuspending(String what, int depth) throws IOException {
        int local = depth * 10;
        if (depth > 0) {
            return throwsAfterSuspending(what, depth - 1) + local;
        }
        point("beforeThrow", local);
        if (what.equals("io")) {
            throw new IOException("checked from depth " + depth);
        }
        throw new UnsupportedOperationException("unchecked");
    }

    @Test
    void exceptionFromResumedCalleeReachesTheRightHandlerWithLocalsIntact() {
        Differential.Run run = Differential.check(() -> {
            String local = "kept";
            long wide = 1L << 33;
            StringBuilder order = new StringBuilder();
            try {
                try {
                    throwsAfterSuspending("io", 3);
                } catch (UnsupportedOperationException wrong) {
                    order.append("wrong handler;");
                } finally {
                    order.append("finally1;");
                }
            } catch (IOException e) {
                order.append("io:").append(e.getMessage()).append(';').append(local).append(wide).append(';');
            }
            try {
                throwsAfterSuspending("other", 2);
            } catch (IOException wrong) {
                order.append("wrong handler;");
            } catch (RuntimeException e) {
                order.append("rt:").append(e.getMessage()).append(';').append(point("inHandler", 5)).append(local);
            }
            return order.toString();
        });
        assertEquals("returned finally1;io:checked from depth 0;kept8589934592;rt:unchecked;5kept", run.outcome);
    }

    // ---- trap 11: try-with-resources ----------------------------------------------------------------------

    static final class Resource implements AutoCloseable {
        private final String name;
        private final boolean failOnClose;

        Resource(String name, boolean failOnClose) {
            this.name = name;
            this.failOnClose = failOnClose;
        }

        @Suspendable
        static Resource open(String name, boolean failOnClose) {
            point("open " + name);
            return new Resource(name, failOnClose);
        }

        @Suspendable
        @Override
        public void close() {
            point("close " + name);
            if (failOnClose) {
                throw new IllegalStateException("close failed: " + name);
            }
        }
    }

    @Test
    void tryWithResourcesSuspendsInBodyAndInClose() {
        Differential.Run run = Differential.check(() -> {
            StringBuilder out = new StringBuilder();
            try (Resource a = Resource.open("a", false); Resource b = Resource.open("b", false)) {
                out.append(pass("body", a.name + b.name));
            }
            return out.toString();
        });
        assertEquals("returned ab", run.outcome);
    }

    @Test
    void tryWithResourcesSuppressesCloseFailuresAfterSuspension() {
        Differential.Run run = Differential.check(() -> {
            try (Resource a = Resource.open("a", true); Resource b = Resource.open("b", true)) {
                point("body");
                throw new IOException("body failed");
            } catch (IOException e) {
                StringBuilder out = new StringBuilder(e.getMessage());
                for (Throwable s : e.getSuppressed()) {
                    out.append(" / ").append(s.getMessage());
                }
                return out.toString();
            }
        });
        assertEquals("returned body failed / close failed: b / close failed: a", run.outcome);
    }

    // ---- trap 25: an exception escaping the coroutine ------------------------------------------------------

    @Test
    void exceptionEscapingTheCoroutineIsTheSameInEveryMode() {
        Differential.Run run = Differential.check(() -> {
            point("first");
            return throwsAfterSuspending("io", 2);
        });
        assertEquals("threw java.io.IOException: checked from depth 0", run.outcome);
    }

    @Test
    void exceptionEscapingTheCoroutineFinishesItAndLeaksNothing() {
        Object[] big = {new byte[1 << 20]};
        WeakReference<Object> ref = new WeakReference<>(big[0]);
        Coroutine<Object, Object> co = Coroutine.of(() -> holdAndThrow(big));
        assertEquals("holding", co.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, co::next);
        assertEquals("escaped", e.getMessage());
        assertTrue(co.isDone());
        IllegalStateException again = assertThrows(IllegalStateException.class, co::next);
        assertTrue(again.getMessage().contains("finished"), again.getMessage());
        // the thread is outside any coroutine again
        IllegalStateException outside = assertThrows(IllegalStateException.class, () -> Coroutine.yield("x"));
        assertTrue(outside.getMessage().contains("outside a coroutine"), outside.getMessage());
        // nothing the body saved is still reachable from the (still reachable) coroutine
        for (int i = 0; i < 20 && ref.get() != null; i++) {
            System.gc();
        }
        assertNull(ref.get(), "a value saved by a frame of the finished coroutine is still reachable");
        Reference.reachabilityFence(co);
    }

    @Suspendable
    static void holdAndThrow(Object[] cell) {
        Object held = cell[0];
        cell[0] = null;
        Coroutine.yield("holding");
        if (held != null) {
            throw new IllegalStateException("escaped");
        }
    }
}
