package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Generator;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Lazy, once-only iteration of {@link Generator}, with the real agent. */
class GeneratorTest {

    @Test
    void bodyRunsOnlyAsValuesAreAsked() {
        List<String> computed = new ArrayList<>();
        Generator<Integer> g = Generator.of(() -> {
            for (int i = 0; ; i++) {
                computed.add("computing " + i);
                Generator.yield(i);
            }
        });
        assertEquals(List.of(), computed);
        Iterator<Integer> it = g.iterator();
        assertEquals(List.of(), computed);
        assertTrue(it.hasNext());
        assertEquals(List.of("computing 0"), computed);
        assertTrue(it.hasNext()); // asking twice computes nothing more
        assertEquals(0, it.next());
        assertEquals(1, it.next());
        assertEquals(List.of("computing 0", "computing 1"), computed);
    }

    @Test
    void generatorIsConsumedOnce() {
        Generator<String> g = Generator.of(() -> {
            Generator.yield("a");
            Generator.yield("b");
            Generator.yield("c");
        });
        Iterator<String> first = g.iterator();
        assertEquals("a", first.next());
        List<String> rest = new ArrayList<>();
        g.forEach(rest::add);
        assertEquals(List.of("b", "c"), rest);
        assertFalse(first.hasNext());
        assertThrows(NoSuchElementException.class, first::next);
    }

    @Test
    void streamIsLazyAndClosingItRunsTheBodysFinally() {
        List<String> events = new ArrayList<>();
        Generator<Integer> g = Generator.of(() -> {
            try {
                for (int i = 1; ; i++) {
                    events.add("yield " + i);
                    Generator.yield(i);
                }
            } finally {
                events.add("finally");
            }
        });
        List<Integer> firstThree;
        try (Stream<Integer> s = g.stream()) {
            firstThree = s.map(i -> i * 10).limit(3).collect(Collectors.toList());
            assertEquals(List.of("yield 1", "yield 2", "yield 3"), events);
        }
        assertEquals(List.of(10, 20, 30), firstThree);
        assertEquals(List.of("yield 1", "yield 2", "yield 3", "finally"), events);
        assertFalse(g.iterator().hasNext());
    }

    @Test
    void emptyGeneratorHasNoElements() {
        Generator<Object> g = Generator.of(() -> { });
        assertFalse(g.iterator().hasNext());
        assertEquals(0, g.stream().count());
    }

    @Test
    void exceptionInTheBodyReachesTheIterator() {
        Generator<Integer> g = Generator.of(() -> {
            Generator.yield(1);
            throw new IllegalStateException("broken");
        });
        Iterator<Integer> it = g.iterator();
        assertEquals(1, it.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, it::hasNext);
        assertEquals("broken", e.getMessage());
        assertFalse(it.hasNext());
    }

    @Test
    void generatorResumedOnAnotherThreadContinues() {
        Generator<Integer> g = Generator.of(() -> {
            int acc = 0;
            for (int i = 1; i <= 4; i++) {
                acc += i;
                Generator.yield(acc);
            }
        });
        Iterator<Integer> it = g.iterator();
        List<Integer> seen = new ArrayList<>();
        seen.add(it.next());
        seen.add(Differential.onBigStack(it::next));
        seen.add(it.next());
        seen.add(Differential.onBigStack(it::next));
        assertEquals(List.of(1, 3, 6, 10), seen);
    }
}
