package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed class bytes handed to the real agent (trap 28): the JVM rejects them with its own
 * {@code ClassFormatError}, the agent logs one line naming the class and does not crash, and goes on
 * weaving the classes that follow.
 */
class MalformedClassBytesTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"garbage", "truncated", "badConstantPoolTag", "unknownVersion"})
    void malformedBytesGiveTheJvmsErrorOneLogLineAndLeaveTheAgentWorking(String kind) throws Exception {
        String name = "gen.Malformed" + kind;
        byte[] bytes = malformed(kind, name.replace('.', '/'));
        GeneratedClasses.BytesLoader loader = new GeneratedClasses.BytesLoader();

        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        ClassFormatError e;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            e = assertThrows(ClassFormatError.class, () -> loader.define(name, bytes));
        } finally {
            System.setErr(err);
        }
        List<String> logged = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("[weft]")).collect(Collectors.toList());
        assertEquals(1, logged.size(), "one line from the agent: " + logged + " (the JVM said: " + e + ")");
        assertTrue(logged.get(0).contains(name), "names the class: " + logged.get(0));

        String valid = "gen.AfterMalformed" + kind;
        Class<?> generated = loader.define(valid, GeneratedClasses.yieldingCallable(valid.replace('.', '/'), 61));
        assertEquals(GeneratedClasses.EXPECTED, GeneratedClasses.drive(generated), "a valid class is still woven");
    }

    private static byte[] malformed(String kind, String internalName) {
        byte[] valid = GeneratedClasses.yieldingCallable(internalName, 61);
        switch (kind) {
            case "garbage":
                return "this is not a class file, though it is long enough to look at".getBytes(StandardCharsets.US_ASCII);
            case "truncated":
                return Arrays.copyOf(valid, valid.length * 2 / 3);
            case "badConstantPoolTag": {
                byte[] b = valid.clone();
                b[10] = 99; // the first constant's tag
                return b;
            }
            case "unknownVersion": {
                byte[] b = valid.clone();
                b[6] = 0x7f; // major version 32 573, which no JVM or ASM knows
                return b;
            }
            default:
                throw new IllegalArgumentException(kind);
        }
    }
}
