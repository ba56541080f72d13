package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.agent.ClassFiles.InMemoryLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.objectweb.asm.Opcodes;

/**
 * The transformer never throws: bad class bytes are left unchanged and named once in the log; good
 * ones are woven, logged when verbose, dumped when asked; options and package rules are honoured.
 */
class WeftTransformerTest {
    private static final ClassLoader TEST_LOADER = WeftTransformerTest.class.getClassLoader();
    private static final byte[] POINT = ClassFiles.bytesOf(TEST_LOADER, "dev/weft/agent/fixtures/Point");
    private static final byte[] YIELDS = ClassFiles.yieldingRunnable("acme/Yields", Opcodes.V17);

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureStandardError() {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStandardError() {
        System.setErr(originalErr);
    }

    @Test
    void emptyBytesAreLeftUnchangedAndLoggedOnceNamingTheClass() {
        WeftTransformer t = transformer("");
        assertNull(t.transform(TEST_LOADER, "acme/Empty", null, null, new byte[0]));
        assertNull(t.transform(TEST_LOADER, "acme/Empty", null, null, new byte[0]));
        assertEquals(List.of("acme.Empty"), loggedClasses());
    }

    @Test
    void randomBytesAreLeftUnchangedAndLoggedOnceEach() {
        WeftTransformer t = transformer("");
        Random random = new Random(3);
        for (int i = 0; i < 50; i++) {
            byte[] b = new byte[random.nextInt(200)];
            random.nextBytes(b);
            assertNull(t.transform(TEST_LOADER, "acme/Random" + i, null, null, b));
            assertNull(t.transform(TEST_LOADER, "acme/Random" + i, null, null, b));
        }
        assertEquals(50, loggedClasses().size(), err.toString());
    }

    @Test
    void everyTruncationOfACandidateIsLeftUnchangedAndLoggedOnce() {
        WeftTransformer t = transformer("");
        for (int len = 0; len < POINT.length; len++) {
            byte[] cut = Arrays.copyOf(POINT, len);
            assertNull(t.transform(TEST_LOADER, "acme/Cut" + len, null, null, cut), "cut to " + len);
            assertNull(t.transform(TEST_LOADER, "acme/Cut" + len, null, null, cut), "cut to " + len + ", again");
        }
        List<String> named = loggedClasses();
        assertEquals(POINT.length, named.size(), "one line per truncated class");
        for (int len = 0; len < POINT.length; len++) {
            assertEquals("acme.Cut" + len, named.get(len));
        }
    }

    @Test
    void malformedCodeOfACandidateIsLeftUnchangedAndLogged() {
        WeftTransformer t = transformer("");
        byte[] b = POINT.clone();
        Arrays.fill(b, b.length / 2, b.length, (byte) 0xFF);
        assertNull(t.transform(TEST_LOADER, "acme/Malformed", null, null, b));
        assertEquals(List.of("acme.Malformed"), loggedClasses());
    }

    @Test
    void validCandidateIsWovenSilentlyByDefault() {
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER).with("acme/Yields", YIELDS);
        byte[] woven = transformer("").transform(loader, "acme/Yields", null, null, YIELDS);
        assertNotNull(woven);
        assertTrue(ClassFiles.mentions(woven, "dev/weft/internal/Stack"), "calls the runtime's frame stack");
        assertEquals("", ClassFiles.check(woven, TEST_LOADER));
        assertEquals("", err.toString());
    }

    @Test
    void verboseLogsEachWovenClass() {
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER).with("acme/Yields", YIELDS);
        assertNotNull(transformer("verbose").transform(loader, "acme/Yields", null, null, YIELDS));
        assertEquals("[weft] woven acme.Yields", err.toString().trim());
    }

    @Test
    void dumpWritesTheWovenClassFile(@TempDir Path dir) throws Exception {
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER).with("acme/Yields", YIELDS);
        byte[] woven = transformer("dump=" + dir).transform(loader, "acme/Yields", null, null, YIELDS);
        assertNotNull(woven);
        assertArrayEquals(woven, Files.readAllBytes(dir.resolve("acme/Yields.class")));
    }

    @Test
    void classThatIsNotACandidateIsLeftUnchangedSilently() {
        byte[] plain = ClassFiles.withWork("acme/Plain", "java/lang/Object", null, false);
        assertNull(transformer("verbose").transform(TEST_LOADER, "acme/Plain", null, null, plain));
        assertEquals("", err.toString());
    }

    @Test
    void excludedAndNotIncludedPackagesAreNotWoven() {
        InMemoryLoader loader = new InMemoryLoader(TEST_LOADER).with("acme/Yields", YIELDS);
        assertNull(transformer("exclude=acme").transform(loader, "acme/Yields", null, null, YIELDS));
        assertNull(transformer("include=other.pkg").transform(loader, "acme/Yields", null, null, YIELDS));
        assertNotNull(transformer("include=other.pkg;acme").transform(loader, "acme/Yields", null, null, YIELDS));
    }

    @Test
    void platformAgentAndBootstrapClassesAreNeverTouched() {
        WeftTransformer t = transformer("");
        assertNull(t.transform(TEST_LOADER, "java/lang/Yields", null, null, YIELDS));
        assertNull(t.transform(TEST_LOADER, "dev/weft/agent/Yields", null, null, YIELDS));
        assertNull(t.transform(null, "acme/Yields", null, null, YIELDS));
        assertNull(t.transform(TEST_LOADER, null, null, null, YIELDS));
        assertNull(t.transform(TEST_LOADER, "acme/Yields", null, null, null));
        assertEquals("", err.toString());
    }

    @Test
    void refusedMethodIsLoggedOnceAcrossRetransformations() {
        byte[] refused = ClassFiles.bytesOf(TEST_LOADER, "dev/weft/agent/fixtures/refused/SuspendsInSynchronizedBlock");
        WeftTransformer t = transformer("");
        assertNotNull(t.transform(TEST_LOADER, "acme/Refused", null, null, refused), "woven with a clear failure");
        assertNotNull(t.transform(TEST_LOADER, "acme/Refused", null, null, refused));
        List<String> lines = lines();
        assertEquals(1, lines.size(), err.toString());
        assertTrue(lines.get(0).startsWith("[weft] refused: dev.weft.agent.fixtures.refused.SuspendsInSynchronizedBlock.locked(I)I line "),
                lines.get(0));
    }

    private static WeftTransformer transformer(String options) {
        return new WeftTransformer(AgentOptions.parse(options));
    }

    private List<String> lines() {
        String text = err.toString(StandardCharsets.UTF_8);
        return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\R"));
    }

    /** The class each logged line names, asserting every line is a "[weft] left X unchanged: ..." line. */
    private List<String> loggedClasses() {
        return lines().stream().map(line -> {
            assertTrue(line.startsWith("[weft] left ") && line.contains(" unchanged: "), line);
            return line.substring("[weft] left ".length(), line.indexOf(" unchanged: "));
        }).collect(Collectors.toList());
    }
}
