package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.GreenletExit;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Greenlet#setTrace}: greenlet's {@code settrace} events, per thread, and their removal. */
class GreenletTraceTest {
    private final List<Object> log = new ArrayList<>();
    private final Map<Greenlet, String> names = new IdentityHashMap<>();

    @AfterEach
    void removeTrace() {
        Greenlet.setTrace(null);
    }

    private Greenlet.Trace recorder() {
        names.put(Greenlet.current(), "root");
        return (kind, origin, target) -> {
            assertSame(target, Greenlet.current(), "the trace runs after the switch");
            log.add(kind + " " + names.get(origin) + "->" + names.get(target));
        };
    }

    private Greenlet named(String name, Greenlet g) {
        names.put(g, name);
        return g;
    }

    @Test
    void theBriefsExampleTracesEverySwitchInOrder() {
        assertNull(Greenlet.setTrace(recorder()));
        Greenlet[] gr = new Greenlet[2];
        gr[0] = named("gr0", new Greenlet(() -> {
            log.add(12);
            gr[1].switchTo();
            log.add(34);
            gr[1].switchTo();
        }));
        gr[1] = named("gr1", new Greenlet(() -> {
            log.add(56);
            gr[0].switchTo();
            log.add(78);
        }));
        gr[0].switchTo();
        assertEquals(List.of("switch root->gr0", 12, "switch gr0->gr1", 56, "switch gr1->gr0", 34,
                "switch gr0->gr1", 78, "switch gr1->root"), log);
    }

    @Test
    void throwIntoTracesAThrowAndTheBodysAnswer() {
        Greenlet.setTrace(recorder());
        Greenlet root = Greenlet.current();
        Greenlet g = named("g", new Greenlet(() -> {
            try {
                root.switchTo();
            } catch (IllegalArgumentException e) {
                log.add("caught " + e.getMessage());
            }
            root.switchTo();
        }));
        g.switchTo();
        g.throwInto(new IllegalArgumentException("one"));
        IllegalStateException two = new IllegalStateException("two");
        assertSame(two, assertThrows(IllegalStateException.class, () -> g.throwInto(two)));
        assertTrue(g.isDead());
        assertNull(g.throwInto(new IllegalStateException("dead")), "throwInto a dead greenlet switches nothing");
        assertEquals(List.of("switch root->g", "switch g->root",
                "throw root->g", "caught one", "switch g->root",
                "throw root->g", "throw g->root"), log);
    }

    @Test
    void throwIntoAnUnstartedGreenletTracesItsDeathAsASwitchWithTheExit() {
        Greenlet.setTrace(recorder());
        Greenlet g = named("g", new Greenlet(() -> log.add("ran")));
        GreenletExit exit = new GreenletExit();
        assertSame(exit, g.throwInto(exit));
        assertEquals(List.of("throw root->g", "switch g->root"), log);
    }

    @Test
    void switchingToTheCurrentGreenletTracesNothing() {
        Greenlet.setTrace(recorder());
        assertEquals("same", Greenlet.current().switchTo("same"));
        assertEquals(List.of(), log);
    }

    @Test
    void setTraceReturnsThePreviousTraceAndNullRemovesIt() {
        Greenlet.Trace first = recorder();
        Greenlet.Trace second = (kind, origin, target) -> log.add("second");
        assertNull(Greenlet.setTrace(first));
        assertSame(first, Greenlet.setTrace(second));
        assertSame(second, Greenlet.setTrace(null));
        assertNull(Greenlet.setTrace(null));
        new Greenlet(() -> log.add("ran")).switchTo();
        assertEquals(List.of("ran"), log);
    }

    @Test
    void eachThreadHasItsOwnTrace() throws InterruptedException {
        Greenlet.setTrace(recorder());
        List<String> otherLog = new ArrayList<>();
        AtomicReference<Object> otherPrevious = new AtomicReference<>("not run");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread other = new Thread(() -> {
            try {
                otherPrevious.set(Greenlet.setTrace((kind, origin, target) -> otherLog.add(kind)));
                new Greenlet(() -> { }).switchTo();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "trace-other");
        other.start();
        other.join();
        assertNull(failure.get());
        assertNull(otherPrevious.get(), "a new thread starts without a trace");
        assertEquals(List.of("switch", "switch"), otherLog);
        assertEquals(List.of(), log, "this thread's trace saw nothing of the other thread");
        named("g", new Greenlet(() -> { })).switchTo();
        assertEquals(List.of("switch root->g", "switch g->root"), log);
    }

    @Test
    void anExceptionFromTheTraceRemovesItAndIsRaisedInTheTarget() {
        Greenlet root = Greenlet.current();
        Greenlet g = named("g", new Greenlet(() -> {
            try {
                root.switchTo();
            } catch (IllegalStateException e) {
                log.add("raised in g: " + e.getMessage());
            }
        }));
        g.switchTo();
        Greenlet.Trace failing = (kind, origin, target) -> {
            log.add(kind);
            throw new IllegalStateException("trace failed");
        };
        Greenlet.setTrace(failing);
        assertNull(g.switchTo("ignored"));
        assertEquals(List.of("switch", "raised in g: trace failed"), log);
        assertNull(Greenlet.setTrace(null), "the failing trace was removed");
    }

    @Test
    void anExceptionFromTheTraceKillsAnUnstartedTargetUnrun() {
        Greenlet g = new Greenlet(() -> log.add("ran"));
        Greenlet.setTrace((kind, origin, target) -> {
            throw new UnsupportedOperationException("no " + kind);
        });
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, g::switchTo);
        assertEquals("no switch", e.getMessage());
        assertTrue(g.isDead());
        assertEquals(List.of(), log);
        assertNull(Greenlet.setTrace(null));
    }

    @Test
    void aTraceSeesAGreenletDyingOfAnExceptionAsAThrow() {
        Greenlet.setTrace(recorder());
        Greenlet g = named("g", new Greenlet(() -> {
            throw new IllegalArgumentException("boom");
        }));
        assertInstanceOf(IllegalArgumentException.class, assertThrows(RuntimeException.class, g::switchTo));
        assertEquals(List.of("switch root->g", "throw g->root"), log);
    }
}
