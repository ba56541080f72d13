package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GeventTest {
    /** The brief's two printed results, each after a header line. */
    private static final String BRIEF = """
            -- foo, bar --
            Running in foo
            Explicit context to bar
            Implicit context switch back to bar
            Explicit context switch to foo again
            -- foo, bar, func3 --
            Running in foo
            Explicit context to bar
            running func3
            running func3 again
            Implicit context switch back to bar
            Explicit context switch to foo again
            """;

    @Test
    void printsExactlyWhatTheGeventProgramsPrintAndTheSleepsOverlap() throws Exception {
        long start = System.nanoTime();
        String output = ProgramOutput.of(Gevent::main);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ProgramOutput.lines(BRIEF), output);
        // two programs whose sleeps overlap take 2 s each; run one after another they would take 6 s
        assertTrue(millis >= 4000 && millis < 5500, "both programs took " + millis + " ms, expected about 4000");
    }
}
