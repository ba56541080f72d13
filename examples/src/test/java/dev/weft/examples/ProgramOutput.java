package dev.weft.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs an example's {@code main} and returns what it printed. */
final class ProgramOutput {
    /** A program's {@code main}. */
    interface Main {
        void run(String[] args) throws Exception;
    }

    private ProgramOutput() {
    }

    static String of(Main main) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try (PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            main.run(new String[0]);
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The text with its {@code \n} line ends turned into this platform's, as {@code println} writes them. */
    static String lines(String text) {
        return text.replace("\n", System.lineSeparator());
    }
}
