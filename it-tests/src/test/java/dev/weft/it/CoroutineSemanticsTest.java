package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.CoroutineException;
import dev.weft.CoroutineExit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Python-generator semantics of {@link Coroutine}, with the real agent. */
class CoroutineSemanticsTest {

    @Test
    void sendAndNextExchangeValuesWithTheBody() {
        List<Object> received = new ArrayList<>();
        Coroutine<Integer, String> co = Coroutine.of(() -> {
            Integer a = Coroutine.yield("ready");
            received.add(a);
            Integer b = Coroutine.yield("got " + a);
            received.add(b);
            Object c = Coroutine.yield();
            received.add(c);
        });
        assertFalse(co.isDone());
        assertEquals("ready", co.next());
        assertEquals("got 42", co.send(42));
        assertNull(co.send(7)); // Coroutine.yield() yields null
        assertFalse(co.isDone());
        assertNull(co.next()); // the body ends: null, and done
        assertTrue(co.isDone());
        assertEquals(java.util.Arrays.asList(42, 7, null), received);
    }

    @Test
    void sendingAValueToACoroutineThatHasNotStartedIsRefused() {
        Coroutine<Integer, String> co = Coroutine.of(() -> Coroutine.yield("x"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> co.send(1));
        assertTrue(e.getMessage().contains("next()"), e.getMessage());
        assertEquals("x", co.next());
    }

    @Test
    void sendAfterTheBodyFinishedThrowsIllegalState() {
        Coroutine<Object, Object> co = Coroutine.of(() -> { });
        assertNull(co.next());
        assertTrue(co.isDone());
        IllegalStateException e = assertThrows(IllegalStateException.class, co::next);
        assertTrue(e.getMessage().contains("finished"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> co.send("again"));
    }

    @Test
    void closeThrowsCoroutineExitAtTheYieldAndRunsFinallyBlocks() {
        List<String> events = new ArrayList<>();
        Coroutine<Object, String> co = Coroutine.of(() -> {
            try {
                try {
                    Coroutine.yield("suspended");
                    events.add("after yield");
                } catch (CoroutineExit exit) {
                    events.add("exit at yield");
                    throw exit;
                } finally {
                    events.add("inner finally");
                }
            } finally {
                events.add("outer finally");
            }
        });
        assertEquals("suspended", co.next());
        co.close();
        assertTrue(co.isDone());
        assertEquals(List.of("exit at yield", "inner finally", "outer finally"), events);
        assertThrows(IllegalStateException.class, co::next);
        co.close(); // closing a finished coroutine does nothing
    }

    @Test
    void closeOfABodyThatYieldsAgainIsRefused() {
        Coroutine<Object, String> co = Coroutine.of(() -> {
            try {
                Coroutine.yield("first");
            } catch (CoroutineExit ignored) {
                Coroutine.yield("stubborn");
            }
        });
        co.next();
        IllegalStateException e = assertThrows(IllegalStateException.class, co::close);
        assertTrue(e.getMessage().contains("CoroutineExit"), e.getMessage());
        assertTrue(co.isDone());
    }

    @Test
    void closeOfACoroutineThatHasNotStartedNeverRunsIt() {
        List<String> events = new ArrayList<>();
        Coroutine<Object, Object> co = Coroutine.of(() -> events.add("ran"));
        co.close();
        assertTrue(co.isDone());
        assertEquals(List.of(), events);
    }

    @Test
    void yieldOutsideACoroutineIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Coroutine.yield("x"));
        assertTrue(e.getMessage().contains("outside a coroutine"), e.getMessage());
        IllegalStateException e2 = assertThrows(IllegalStateException.class, Coroutine::yield);
        assertTrue(e2.getMessage().contains("outside a coroutine"), e2.getMessage());
    }

    @Test
    void checkedExceptionIsWrappedInCoroutineExceptionWithTheCause() {
        IOException thrown = new IOException("disk");
        Coroutine<Object, Object> co = Coroutine.of(() -> {
            Coroutine.yield("before");
            throw thrown;
        });
        co.next();
        CoroutineException e = assertThrows(CoroutineException.class, co::next);
        assertSame(thrown, e.getCause());
        assertTrue(co.isDone());
    }

    @Test
    void uncheckedExceptionPropagatesUnchanged() {
        IllegalArgumentException thrown = new IllegalArgumentException("bad");
        Coroutine<Object, Object> co = Coroutine.of(() -> {
            Coroutine.yield("before");
            throw thrown;
        });
        co.next();
        assertSame(thrown, assertThrows(IllegalArgumentException.class, co::next));
        assertTrue(co.isDone());
        StackOverflowError error = new StackOverflowError("error");
        Coroutine<Object, Object> failing = Coroutine.of(() -> {
            throw error;
        });
        assertSame(error, assertThrows(StackOverflowError.class, failing::next));
    }

    @Test
    void aCoroutineCannotResumeItself() {
        Object[] self = new Object[1];
        Coroutine<Object, Object> co = Coroutine.of(() -> {
            @SuppressWarnings("unchecked")
            Coroutine<Object, Object> me = (Coroutine<Object, Object>) self[0];
            me.next();
        });
        self[0] = co;
        IllegalStateException e = assertThrows(IllegalStateException.class, co::next);
        assertTrue(e.getMessage().contains("running"), e.getMessage());
    }
}
