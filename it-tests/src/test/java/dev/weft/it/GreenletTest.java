package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CoroutineException;
import dev.weft.Greenlet;
import dev.weft.GreenletExit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** greenlet's rules for {@link Greenlet}: switching, parents, results and exceptions, with the real agent. */
class GreenletTest {
    private final List<Object> log = new ArrayList<>();

    @Test
    void theBriefsTwoGreenletsInterleave() {
        Greenlet[] gr = new Greenlet[2];
        gr[0] = new Greenlet(() -> {
            log.add(12);
            gr[1].switchTo();
            log.add(34);
            gr[1].switchTo();
        });
        gr[1] = new Greenlet(() -> {
            log.add(56);
            gr[0].switchTo();
            log.add(78);
        });
        assertNull(gr[0].switchTo());
        assertEquals(List.of(12, 56, 34, 78), log);
        assertTrue(gr[1].isDead());
        assertFalse(gr[0].isDead()); // left suspended at its second switch, as in Python
    }

    @Test
    void switchPassesValuesBothWaysAndTheBodyGetsTheFirstOne() {
        Greenlet root = Greenlet.current();
        Greenlet g = new Greenlet(first -> {
            log.add("started with " + first);
            Object back = root.switchTo("to root");
            log.add("got " + back);
            return "result";
        });
        assertFalse(g.isStarted());
        assertEquals("to root", g.switchTo("hello"));
        assertTrue(g.isStarted());
        assertFalse(g.isDead());
        assertEquals("result", g.switchTo("again"));
        assertTrue(g.isDead());
        assertEquals(List.of("started with hello", "got again"), log);
    }

    @Test
    void plainCodeIsTheRootGreenletOfItsThread() {
        Greenlet root = Greenlet.current();
        assertSame(root, Greenlet.current());
        assertNull(root.parent());
        assertTrue(root.isStarted());
        assertFalse(root.isDead());
        Greenlet g = new Greenlet(() -> log.add(Greenlet.current()));
        g.switchTo();
        assertEquals(List.of(g), log);
        assertSame(root, Greenlet.current());
        assertEquals("self", root.switchTo("self")); // switching to the current greenlet returns at once
    }

    @Test
    void switchToTheCurrentGreenletReturnsTheValue() {
        Greenlet g = new Greenlet(() -> log.add(Greenlet.current().switchTo("mine")));
        g.switchTo();
        assertEquals(List.of("mine"), log);
        assertEquals(7, Greenlet.current().switchTo(7));
    }

    @Test
    void parentIsTheGreenletCurrentAtCreation() {
        Greenlet root = Greenlet.current();
        Greenlet outer = new Greenlet(() -> {
            Greenlet inner = new Greenlet(() -> { });
            log.add(inner.parent() == Greenlet.current());
        });
        assertSame(root, outer.parent());
        outer.switchTo();
        assertEquals(List.of(true), log);
    }

    @Test
    void aFinishedGreenletsResultResumesItsParentsPendingSwitch() {
        Greenlet outer = new Greenlet(() -> {
            Greenlet inner = new Greenlet(x -> (Integer) x * 2);
            log.add(inner.switchTo(21));
            log.add(inner.isDead());
        });
        outer.switchTo();
        assertEquals(List.of(42, true), log);
        assertTrue(outer.isDead());
    }

    @Test
    void anExceptionEscapingAGreenletIsRaisedAtItsParentsPendingSwitch() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Greenlet outer = new Greenlet(() -> {
            Greenlet inner = new Greenlet(() -> {
                throw boom;
            });
            try {
                inner.switchTo();
                log.add("not raised");
            } catch (IllegalArgumentException e) {
                log.add(e);
            }
            log.add(inner.isDead());
        });
        outer.switchTo();
        assertEquals(List.of(boom, true), log);
    }

    @Test
    void anExceptionEscapingAChildOfTheRootIsThrownOutOfTheRootsSwitch() {
        IllegalStateException boom = new IllegalStateException("boom");
        Greenlet g = new Greenlet(() -> {
            throw boom;
        });
        assertSame(boom, assertThrows(IllegalStateException.class, g::switchTo));
        assertTrue(g.isDead());
    }

    @Test
    void aCheckedExceptionReachesTheRootWrapped() {
        IOException io = new IOException("disk");
        Greenlet g = new Greenlet(() -> {
            throw io;
        });
        CoroutineException e = assertThrows(CoroutineException.class, g::switchTo);
        assertSame(io, e.getCause());
    }

    @Test
    void greenletExitIsReturnedToTheParentAsAValue() {
        GreenletExit exit = new GreenletExit("enough");
        Greenlet g = new Greenlet(() -> {
            throw exit;
        });
        assertSame(exit, g.switchTo());
        assertTrue(g.isDead());
    }

    @Test
    void switchingToADeadGreenletGoesToItsParent() {
        Greenlet outer = new Greenlet(() -> {
            Greenlet inner = new Greenlet(() -> { });
            inner.switchTo();
            log.add(inner.switchTo("to the parent, which is me"));
        });
        outer.switchTo();
        assertEquals(List.of("to the parent, which is me"), log);
    }

    @Test
    void switchingToADeadGreenletWhoseParentIsDeadGoesUpToTheFirstLivingAncestor() {
        Greenlet a = new Greenlet(() -> { });
        a.switchTo();
        Greenlet b = new Greenlet(() -> { });
        b.switchTo();
        b.setParent(a);
        Greenlet c = new Greenlet(() -> {
            log.add("c sent " + b.switchTo("up"));
        });
        assertEquals("up", c.switchTo()); // b and a are dead: the root gets it
        assertFalse(c.isDead());
        assertEquals("up", b.switchTo("up")); // from the root, it comes back at once
        c.switchTo("down");
        assertEquals(List.of("c sent down"), log);
    }

    @Test
    void throwIntoADeadGreenletReturnsAndDoesNothing() {
        Greenlet g = new Greenlet(() -> { });
        g.switchTo();
        assertNull(g.throwInto(new IllegalStateException("ignored")));
        assertTrue(g.isDead());
    }

    @Test
    void throwIntoAnUnstartedGreenletKillsItWithoutRunningAndRaisesInTheParent() {
        Greenlet g = new Greenlet(() -> log.add("ran"));
        IllegalStateException e = new IllegalStateException("before start");
        assertSame(e, assertThrows(IllegalStateException.class, () -> g.throwInto(e)));
        assertTrue(g.isDead());
        assertTrue(g.isStarted());
        assertEquals(List.of(), log);
        assertEquals("after", g.switchTo("after")); // dead: the switch goes to its parent, the root itself
    }

    @Test
    void throwingGreenletExitIntoAnUnstartedGreenletReturnsItToTheParent() {
        Greenlet g = new Greenlet(() -> log.add("ran"));
        GreenletExit exit = new GreenletExit();
        assertSame(exit, g.throwInto(exit));
        assertTrue(g.isDead());
        assertEquals(List.of(), log);
    }

    @Test
    void throwIntoASuspendedGreenletRaisesAtItsSwitchAndFinallyBlocksRun() {
        Greenlet root = Greenlet.current();
        Greenlet g = new Greenlet(() -> {
            try {
                root.switchTo("waiting");
                log.add("not raised");
            } catch (IllegalArgumentException e) {
                log.add("caught " + e.getMessage());
                root.switchTo("handled");
            } finally {
                log.add("finally");
            }
        });
        assertEquals("waiting", g.switchTo());
        assertEquals("handled", g.throwInto(new IllegalArgumentException("stop")));
        assertEquals(List.of("caught stop"), log);
        assertNull(g.switchTo());
        assertEquals(List.of("caught stop", "finally"), log);
        assertTrue(g.isDead());
    }

    @Test
    void anExceptionThrownIntoASuspendedGreenletAndNotCaughtComesBackToTheParent() {
        Greenlet g = new Greenlet(() -> {
            Greenlet.current().parent().switchTo();
            log.add("not raised");
        });
        g.switchTo();
        UnsupportedOperationException e = new UnsupportedOperationException("through");
        assertSame(e, assertThrows(UnsupportedOperationException.class, () -> g.throwInto(e)));
        assertNull(g.throwInto(new GreenletExit())); // dead now: nothing happens
        assertEquals(List.of(), log);
    }

    @Test
    void greenletExitThrownIntoASuspendedGreenletKillsItQuietly() {
        Greenlet g = new Greenlet(() -> {
            Greenlet.current().parent().switchTo();
        });
        g.switchTo();
        GreenletExit exit = new GreenletExit();
        assertSame(exit, g.throwInto(exit));
        assertTrue(g.isDead());
    }

    @Test
    void setParentRedirectsTheResult() {
        Greenlet[] gr = new Greenlet[2];
        gr[0] = new Greenlet(() -> {
            log.add("a got " + gr[1].switchTo());
        });
        gr[1] = new Greenlet(ignored -> "b's result");
        gr[1].setParent(gr[0]);
        gr[0].switchTo();
        assertEquals(List.of("a got b's result"), log);
        assertTrue(gr[0].isDead());
    }

    @Test
    void setParentRefusesCyclesNullAndTheRoot() {
        Greenlet a = new Greenlet(() -> { });
        Greenlet b = new Greenlet(() -> { });
        b.setParent(a);
        IllegalArgumentException cycle = assertThrows(IllegalArgumentException.class, () -> a.setParent(b));
        assertEquals("cyclic parent chain: the new parent is this greenlet or one of its descendants; "
                + "a parent chain must end at the thread's root greenlet", cycle.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.setParent(a));
        assertEquals("parent must be a greenlet, not null",
                assertThrows(IllegalArgumentException.class, () -> a.setParent(null)).getMessage());
        Greenlet root = Greenlet.current();
        assertEquals("the root greenlet of thread \"" + Thread.currentThread().getName() + "\" cannot have a parent",
                assertThrows(IllegalArgumentException.class, () -> root.setParent(a)).getMessage());
        assertSame(a, b.parent());
        assertSame(root, a.parent());
    }
}
