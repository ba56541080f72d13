package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Generator;
import dev.weft.Greenlet;
import dev.weft.Suspendable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Greenlets with generators, coroutines, threads, deep stacks and many switches, with the real agent. */
class GreenletNestingTest {
    private final List<Object> log = new ArrayList<>();

    static Generator<Integer> squares(int n) {
        return Generator.of(() -> {
            for (int i = 1; i <= n; i++) {
                Generator.yield(i * i);
            }
        });
    }

    @Test
    void aGeneratorIteratedInsideAGreenletKeepsItsPlaceAcrossSwitches() {
        Greenlet root = Greenlet.current();
        Greenlet g = new Greenlet(() -> {
            for (int sq : squares(3)) {
                log.add(root.switchTo(sq));
            }
        });
        assertEquals(1, g.switchTo());
        assertEquals(4, g.switchTo("a"));
        assertEquals(9, g.switchTo("b"));
        g.switchTo("c");
        assertTrue(g.isDead());
        assertEquals(List.of("a", "b", "c"), log);
    }

    @Test
    void insideAGeneratorBodyTheCurrentGreenletIsTheOneIteratingIt() {
        Greenlet g = new Greenlet(() -> {
            Generator<Greenlet> who = Generator.of(() -> Generator.yield(Greenlet.current()));
            for (Greenlet w : who) {
                log.add(w);
            }
        });
        g.switchTo();
        assertEquals(List.of(g), log);
    }

    @Test
    void switchingFromAGeneratorBodyInsideAGreenletSuspendsTheGreenletAndKeepsTheBodysPlace() {
        Greenlet root = Greenlet.current();
        Greenlet g = new Greenlet(() -> {
            Generator<Integer> gen = Generator.of(() -> {
                log.add(root.switchTo("escape"));
                Generator.yield(1);
            });
            for (int i : gen) {
                log.add(i);
            }
        });
        assertEquals("escape", g.switchTo());
        assertEquals(List.of(), log);
        g.switchTo("back");
        assertTrue(g.isDead());
        assertEquals(List.of("back", 1), log);
    }

    @Test
    void aCoroutineDrivenByAGreenletSurvivesTheGreenletsSwitches() {
        Greenlet root = Greenlet.current();
        Coroutine<Integer, Integer> doubler = Coroutine.of(() -> {
            Integer in = Coroutine.yield();
            while (true) {
                in = Coroutine.yield(in * 2);
            }
        });
        Greenlet g = new Greenlet(() -> {
            doubler.next();
            for (int i = 1; i <= 3; i++) {
                root.switchTo(doubler.send(i));
            }
        });
        assertEquals(2, g.switchTo());
        assertEquals(4, g.switchTo());
        assertEquals(6, g.switchTo());
    }

    @Test
    void plainCodeInsideACoroutineIsTheRootAndCanRunGreenlets() {
        Coroutine<Object, Object> c = Coroutine.of(() -> {
            Greenlet g = new Greenlet(() -> Greenlet.current().parent().switchTo("from greenlet"));
            Object got = g.switchTo();
            Coroutine.yield(got);
            Coroutine.yield(g.switchTo("finish"));
        });
        assertEquals("from greenlet", c.next());
        assertEquals(null, c.next());
    }

    @Test
    void switchingToAGreenletOfAnotherThreadIsRefusedNamingBothThreads() throws Exception {
        AtomicReference<Greenlet> made = new AtomicReference<>();
        Thread t = new Thread(() -> made.set(new Greenlet(() -> { })), "weft-other-thread");
        t.start();
        t.join();
        Greenlet foreign = made.get();
        String here = Thread.currentThread().getName();
        IllegalStateException e = assertThrows(IllegalStateException.class, foreign::switchTo);
        assertEquals("Greenlet.switchTo(): cannot switch to a greenlet of thread \"weft-other-thread\" from thread \""
                + here + "\"; a greenlet runs only on the thread that created it", e.getMessage());
        assertThrows(IllegalStateException.class, () -> foreign.throwInto(new RuntimeException()));
        Greenlet g = new Greenlet(() -> foreign.switchTo(1));
        IllegalStateException inside = assertThrows(IllegalStateException.class, g::switchTo);
        assertTrue(inside.getMessage().startsWith("Greenlet.switchTo(value): cannot switch to a greenlet of thread "
                + "\"weft-other-thread\" from thread \"" + here + "\""), inside.getMessage());
        IllegalArgumentException parent = assertThrows(IllegalArgumentException.class, () -> g.setParent(foreign));
        assertEquals("parent must live on the same thread: this greenlet belongs to thread \"" + here
                + "\", the parent to thread \"weft-other-thread\"", parent.getMessage());
    }

    @Test
    void eachThreadHasItsOwnRoot() throws Exception {
        Greenlet mine = Greenlet.current();
        AtomicReference<Greenlet> theirs = new AtomicReference<>();
        Thread t = new Thread(() -> theirs.set(Greenlet.current()));
        t.start();
        t.join();
        assertTrue(theirs.get() != mine);
        assertEquals(null, theirs.get().parent());
    }

    @Suspendable
    static int descend(int depth, Greenlet to) {
        if (depth == 0) {
            return (Integer) to.switchTo(depth);
        }
        return descend(depth - 1, to) + 1;
    }

    @Test
    void aSwitchFromDeepInsideAGreenletResumesEveryFrame() {
        Greenlet root = Greenlet.current();
        Greenlet g = new Greenlet(ignored -> descend(500, root));
        assertEquals(0, g.switchTo());
        assertEquals(1000 + 500, g.switchTo(1000));
    }

    @Test
    void aLongRingOfSwitchesDoesNotGrowTheJavaStack() {
        int size = 100;
        int laps = 200;
        Greenlet[] ring = new Greenlet[size];
        int[] depth = new int[size];
        for (int i = 0; i < size; i++) {
            int me = i;
            ring[i] = new Greenlet(token -> {
                int t = (Integer) token;
                depth[me] = Thread.currentThread().getStackTrace().length;
                while (t < size * laps) {
                    t = (Integer) ring[(me + 1) % size].switchTo(t + 1);
                    assertEquals(depth[me], Thread.currentThread().getStackTrace().length);
                }
                return t;
            });
        }
        Object last = ring[0].switchTo(0);
        assertEquals(size * laps, last);
        for (int i = 1; i < size; i++) {
            assertEquals(depth[0], depth[i]);
        }
    }

    @Test
    void tenThousandGreenletsEachSwitchedAFewTimes() {
        int n = 10_000;
        Greenlet root = Greenlet.current();
        Greenlet[] all = new Greenlet[n];
        int[] depths = new int[n];
        for (int i = 0; i < n; i++) {
            int me = i;
            all[i] = new Greenlet(first -> {
                int sum = (Integer) first;
                for (int k = 0; k < 3; k++) {
                    sum += (Integer) root.switchTo(sum);
                }
                depths[me] = Thread.currentThread().getStackTrace().length;
                return sum;
            });
        }
        int rootDepth = Thread.currentThread().getStackTrace().length;
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < n; i++) {
                all[i].switchTo(round == 0 ? i : 1);
            }
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i + 3, all[i].switchTo(1));
            assertTrue(all[i].isDead());
            assertEquals(depths[0], depths[i]);
        }
        assertEquals(rootDepth, Thread.currentThread().getStackTrace().length);
        assertSame(root, Greenlet.current());
    }
}
