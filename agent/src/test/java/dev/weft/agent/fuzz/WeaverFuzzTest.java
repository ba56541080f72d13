package dev.weft.agent.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The differential fuzzer's CI batch: a fixed seed batch of random programs, each run plain and woven
 * (see {@link FuzzRunner}). {@code -Dweft.fuzz.seed=S -Dweft.fuzz.count=N} runs the N programs with
 * seeds S, S+1, ...; a failure prints the command that reruns the failing program alone, and
 * {@code -Dweft.fuzz.print=true} prints every program generated. The build runs a second, smaller batch
 * with {@code -Dweft.verify=true} (execution {@code fuzz-verified}), where a woven method that verification
 * took for a plain one fails the program.
 */
class WeaverFuzzTest {
    private static final long SEED = Long.getLong("weft.fuzz.seed", 0x5EEDL);
    private static final int COUNT = Integer.getInteger("weft.fuzz.count", 2000);
    private static final int MAX_REPORTED = 3;
    private static final ExecutorService OTHER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "weft-fuzz-other");
        t.setDaemon(true);
        return t;
    });

    @AfterAll
    static void stopThread() {
        OTHER.shutdownNow();
    }

    @Test
    void wovenProgramsBehaveLikePlainOnes() {
        FuzzRunner runner = new FuzzRunner(OTHER);
        List<String> failures = new ArrayList<>();
        List<Long> failingSeeds = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < COUNT; i++) {
            if (Boolean.getBoolean("weft.fuzz.print")) {
                ProgramGenerator.generate(SEED + i).values().forEach(c -> System.out.println(FuzzRunner.textify(c)));
            }
            String failure = runner.check(SEED + i);
            if (failure != null) {
                failingSeeds.add(SEED + i);
                if (failures.size() < MAX_REPORTED) {
                    failures.add(failure);
                }
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("weaver fuzz: %d programs from seed %d in %d ms: %d suspended (%d points), %d threw, "
                + "%d with a bridge, %d failed; thrown: %s%n", COUNT, SEED, millis, runner.suspended, runner.points,
                runner.threw, runner.bridged, failingSeeds.size(), runner.thrown);
        if (!failingSeeds.isEmpty()) {
            fail(failingSeeds.size() + " of " + COUNT + " programs failed; seeds " + failingSeeds + "\n\n"
                    + String.join("\n\n", failures));
        }
        assertTrue(runner.suspended * 2 >= COUNT, "fewer than half the programs suspended: the batch tests little");
        assertTrue(COUNT < 20 || runner.bridged * 5 >= COUNT, "fewer than a fifth of the programs have a bridge");
    }
}
