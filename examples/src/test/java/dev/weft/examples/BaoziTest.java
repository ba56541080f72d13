package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BaoziTest {
    /** The brief's printed result, with the producer's colour codes as Python writes them. */
    private static final String BRIEF = """
            --->starting eating baozi...
            --->starting eating baozi...
            [c1] is eating baozi 1
            [c2] is eating baozi 1
            \033[32;1m[producer]\033[0m is making baozi 1
            [c1] is eating baozi 2
            [c2] is eating baozi 2
            \033[32;1m[producer]\033[0m is making baozi 2
            [c1] is eating baozi 3
            [c2] is eating baozi 3
            \033[32;1m[producer]\033[0m is making baozi 3
            [c1] is eating baozi 4
            [c2] is eating baozi 4
            \033[32;1m[producer]\033[0m is making baozi 4
            [c1] is eating baozi 5
            [c2] is eating baozi 5
            \033[32;1m[producer]\033[0m is making baozi 5
            """;

    @Test
    void printsExactlyWhatThePythonProgramPrints() throws Exception {
        assertEquals(ProgramOutput.lines(BRIEF), ProgramOutput.of(Baozi::main));
    }
}
