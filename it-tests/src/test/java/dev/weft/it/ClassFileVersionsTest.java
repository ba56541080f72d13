package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Class-file versions 52 (Java 8) to 69 (Java 25), woven by the real agent as the JVM defines them (trap 24). */
class ClassFileVersionsTest {
    /** The newest class-file version the running JVM defines: 61 on JDK 17, 69 on JDK 25. */
    private static final int NEWEST = Runtime.version().feature() + 44;

    static IntStream versions() {
        return IntStream.rangeClosed(52, 69);
    }

    @ParameterizedTest(name = "class-file version {0}")
    @MethodSource("versions")
    void classOfEveryVersionIsWovenAndSuspendsKeepingItsLocals(int version) throws Exception {
        assumeTrue(version <= NEWEST, "JDK " + Runtime.version().feature() + " defines class files up to version "
                + NEWEST + "; version " + version + " needs JDK " + (version - 44) + " (.ci/run runs these tests on JDK 25)");
        String name = "gen.Version" + version;
        Class<?> generated = new GeneratedClasses.BytesLoader()
                .define(name, GeneratedClasses.yieldingCallable(name.replace('.', '/'), version));
        assertEquals(GeneratedClasses.EXPECTED, GeneratedClasses.drive(generated));
    }
}
