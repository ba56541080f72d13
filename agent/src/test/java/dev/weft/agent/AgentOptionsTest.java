package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parsing {@code -javaagent:weft-agent.jar=...} options, and which classes they let be woven. */
class AgentOptionsTest {
    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  "})
    void noOptionsMeansDefaults(String args) {
        AgentOptions o = withoutVerifyProperty(() -> AgentOptions.parse(args));
        assertFalse(o.verify);
        assertFalse(o.verbose);
        assertEquals(List.of(), o.include);
        assertEquals(List.of(), o.exclude);
        assertNull(o.dump);
        assertTrue(o.accepts("com/acme/Foo"));
        assertTrue(o.accepts("Foo"));
    }

    @Test
    void verifyTurnsVerificationOn() {
        assertTrue(withoutVerifyProperty(() -> AgentOptions.parse("verify")).verify);
    }

    @Test
    void verifyPropertyTurnsVerificationOnWithoutTheOption() {
        String previous = System.getProperty("weft.verify");
        System.setProperty("weft.verify", "true");
        try {
            assertTrue(AgentOptions.parse("").verify);
        } finally {
            restore(previous);
        }
    }

    @Test
    void flagsTakeAnExplicitTrueOrFalse() {
        AgentOptions off = withoutVerifyProperty(() -> AgentOptions.parse("verify=false,verbose=false"));
        assertFalse(off.verify, "verify=false must not turn verification on");
        assertFalse(off.verbose);
        AgentOptions on = withoutVerifyProperty(() -> AgentOptions.parse("verify=true,verbose=TRUE"));
        assertTrue(on.verify);
        assertTrue(on.verbose);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("verify=yes"));
        assertTrue(e.getMessage().contains("verify=yes"), e.getMessage());
    }

    @Test
    void verboseTurnsLoggingOn() {
        assertTrue(AgentOptions.parse("verbose").verbose);
    }

    @Test
    void dumpNamesADirectory() {
        assertEquals(Path.of("/tmp/woven"), AgentOptions.parse("dump=/tmp/woven").dump);
    }

    @Test
    void cacheNamesADirectoryMadeAbsolute() {
        assertEquals(Path.of("/tmp/weft-cache"), AgentOptions.parse("cache=/tmp/weft-cache").cache);
        assertEquals(Path.of("rel").toAbsolutePath(), AgentOptions.parse("cache=rel").cache);
        assertNull(AgentOptions.parse("verbose").cache, "no cache unless asked for");
        for (String args : new String[] {"cache", "cache="}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(args));
            assertTrue(e.getMessage().contains("cache=DIR"), e.getMessage());
        }
    }

    @Test
    void includeAndExcludeTakePackagesSeparatedBySemicolons() {
        AgentOptions o = AgentOptions.parse("include=com.acme; org.example ,exclude=com.acme.generated");
        assertEquals(List.of("com/acme/", "org/example/"), o.include);
        assertEquals(List.of("com/acme/generated/"), o.exclude);
    }

    @Test
    void everyOptionTogetherWithSpaces() {
        AgentOptions o = withoutVerifyProperty(
                () -> AgentOptions.parse(" verify , verbose, include=a.b, exclude=a.b.c ,dump=out "));
        assertTrue(o.verify);
        assertTrue(o.verbose);
        assertEquals(List.of("a/b/"), o.include);
        assertEquals(List.of("a/b/c/"), o.exclude);
        assertEquals(Path.of("out"), o.dump);
    }

    @Test
    void repeatedIncludesAccumulate() {
        assertEquals(List.of("a/", "b/"), AgentOptions.parse("include=a,include=b").include);
    }

    @Test
    void emptyEntriesBetweenCommasAreIgnored() {
        AgentOptions o = AgentOptions.parse(",verbose,,");
        assertTrue(o.verbose);
    }

    @ParameterizedTest
    @ValueSource(strings = {"verfy", "Verbose", "dumps=x", "include_all", "verbose,bogus"})
    void unknownOptionIsRejectedNamingIt(String args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(args));
        String bad = args.contains(",") ? args.substring(args.indexOf(',') + 1) : args;
        assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("expected verify, verbose"), "lists what is known: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"include", "include=", "exclude", "exclude=", "include=;"})
    void packageOptionWithoutPackagesIsRejectedNamingIt(String args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(args));
        String key = args.substring(0, 7);
        assertTrue(e.getMessage().contains(key + "=pkg.a;pkg.b"), e.getMessage());
    }

    @Test
    void sleepIsCooperativeUnlessSetToThread() {
        assertTrue(AgentOptions.parse("").cooperativeSleep);
        assertTrue(AgentOptions.parse("sleep=cooperative").cooperativeSleep);
        assertFalse(AgentOptions.parse("verbose,sleep=thread").cooperativeSleep);
        for (String bad : new String[] {"sleep", "sleep=", "sleep=off"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(bad));
            assertTrue(e.getMessage().contains("'" + bad + "'") && e.getMessage().contains("sleep=thread"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dump", "dump="})
    void dumpWithoutDirectoryIsRejected(String args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(args));
        assertTrue(e.getMessage().contains("dump=DIR"), e.getMessage());
    }

    @Test
    void includeAcceptsItsPackagesAndTheirSubpackagesOnly() {
        AgentOptions o = AgentOptions.parse("include=com.acme");
        assertTrue(o.accepts("com/acme/Foo"));
        assertTrue(o.accepts("com/acme/sub/Bar$Inner"));
        assertFalse(o.accepts("com/acmecorp/Foo"), "a package name is matched whole");
        assertFalse(o.accepts("com/Foo"));
        assertFalse(o.accepts("org/other/Foo"));
    }

    @Test
    void excludeWinsOverInclude() {
        AgentOptions o = AgentOptions.parse("include=com.acme,exclude=com.acme.generated");
        assertTrue(o.accepts("com/acme/Foo"));
        assertFalse(o.accepts("com/acme/generated/Foo"));
        assertTrue(o.accepts("com/acme/generatedx/Foo"));
    }

    @Test
    void excludeAloneAcceptsEverythingElse() {
        AgentOptions o = AgentOptions.parse("exclude=com.slow");
        assertFalse(o.accepts("com/slow/A"));
        assertTrue(o.accepts("com/fast/A"));
        assertTrue(o.accepts("A"));
    }

    private static AgentOptions withoutVerifyProperty(java.util.function.Supplier<AgentOptions> parse) {
        String previous = System.getProperty("weft.verify");
        System.clearProperty("weft.verify");
        try {
            return parse.get();
        } finally {
            restore(previous);
        }
    }

    private static void restore(String previous) {
        if (previous == null) {
            System.clearProperty("weft.verify");
        } else {
            System.setProperty("weft.verify", previous);
        }
    }
}
