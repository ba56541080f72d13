package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Generator;
import java.util.Iterator;
import org.junit.jupiter.api.Test;

class FibonacciTest {
    @Test
    void printsTheFirstTenFibonacciNumbers() throws Exception {
        assertEquals(ProgramOutput.lines("0 1 1 2 3 5 8 13 21 34\n"), ProgramOutput.of(Fibonacci::main));
    }

    @Test
    void endlessGeneratorIsComputedOneStepAtATime() {
        Generator<Long> fib = Fibonacci.fib();
        Iterator<Long> it = fib.iterator();
        for (int i = 0; i < 90; i++) {
            it.next();
        }
        assertEquals(2880067194370816120L, it.next());
        fib.close();
        assertEquals(false, it.hasNext());
    }
}
