package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GreenletTest {
    /** The brief's printed result. */
    private static final String BRIEF = """
            12
            56
            34
            78
            """;

    @Test
    void printsExactlyWhatThePythonProgramPrints() throws Exception {
        assertEquals(ProgramOutput.lines(BRIEF), ProgramOutput.of(Greenlet::main));
    }
}
