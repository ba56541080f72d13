package dev.weft.agent.fuzz;

import dev.weft.Coroutine;
import dev.weft.CoroutineException;
import dev.weft.SuspendableRunnable;
import dev.weft.agent.analysis.ClassHierarchy;
import dev.weft.agent.weave.ClassWeaver;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;
import org.objectweb.asm.util.TraceClassVisitor;

/**
 * Runs one generated program twice and compares: plain, in its own loader outside any coroutine,
 * and woven with {@link ClassWeaver}, driven as a coroutine that suspends at every point and is
 * resumed alternately on the calling thread and on another thread (steps handed over with
 * {@code Future.get}). The result, the exception thrown (type and message), the checksum {@code H}
 * and the trace of points must be identical, and the woven class must pass ASM's verifier.
 */
final class FuzzRunner {
    private static final String POINTS = ProgramGenerator.POINTS;
    private static final byte[] POINTS_BYTES = resource(POINTS);
    private static final byte[] POINTS_WOVEN = weavePoints();
    private static final int MAX_STEPS = Points.MAX_POINTS + 10;

    /** What one run showed. */
    static final class Run {
        final String outcome;
        final long checksum;
        final List<String> trace;
        final List<Object> yields;

        Run(String outcome, long checksum, List<String> trace, List<Object> yields) {
            this.outcome = outcome;
            this.checksum = checksum;
            this.trace = trace;
            this.yields = yields;
        }

        String summary() {
            return outcome + ", H=" + checksum + ", " + trace.size() + " points";
        }
    }

    private final ExecutorService other;
    /** Statistics over the programs checked: points passed, programs that suspended, that threw. */
    long points;
    int suspended;
    int threw;
    /** Programs whose P overrides a suspendable method through a bridge. */
    int bridged;
    /** How many programs ended with each exception type. */
    final java.util.Map<String, Integer> thrown = new java.util.TreeMap<>();

    FuzzRunner(ExecutorService other) {
        this.other = other;
    }

    /**
     * Generates, runs and compares the program of {@code seed}.
     *
     * @return null when the two runs agree, otherwise a report that reproduces the mismatch
     */
    String check(long seed) {
        Map<String, byte[]> program = ProgramGenerator.generate(seed);
        Run plain;
        try {
            plain = plain(program);
        } catch (LinkageError | ReflectiveOperationException e) {
            return report(seed, "the generator produced an invalid program: " + e, program, Map.of());
        }
        FuzzLoader loader = loader();
        program.forEach((name, bytes) -> loader.add(name, bytes, bytes));
        Map<String, byte[]> woven = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> c : program.entrySet()) {
            ClassWeaver.Result result;
            try {
                result = ClassWeaver.weave(c.getValue(), ClassHierarchy.of(loader));
            } catch (RuntimeException e) {
                return report(seed, "the weaver threw on " + c.getKey() + ": " + stackTrace(e), program, woven);
            }
            if (result.bytes == null) {
                continue;
            }
            woven.put(c.getKey(), result.bytes);
            if (!result.refusals.isEmpty()) {
                return report(seed, "the weaver refused: " + result.refusals, program, woven);
            }
            loader.redefine(c.getKey(), result.bytes);
        }
        if (!woven.containsKey(ProgramGenerator.CLASS)) {
            return report(seed, "the weaver left " + ProgramGenerator.CLASS + " unchanged", program, woven);
        }
        for (Map.Entry<String, byte[]> c : woven.entrySet()) {
            String verify = verify(c.getValue(), loader);
            if (!verify.isEmpty()) {
                return report(seed, "the woven " + c.getKey() + " does not verify:\n" + verify, program, woven);
            }
            if (ClassWeaver.weave(c.getValue(), ClassHierarchy.of(loader)).bytes != null) {
                return report(seed, "the woven " + c.getKey() + " was woven again", program, woven);
            }
        }
        Run co;
        try {
            co = coroutine(loader);
        } catch (LinkageError | ReflectiveOperationException e) {
            return report(seed, "the woven classes failed to load: " + stackTrace(e), program, woven);
        }
        bridged += hasBridge(program.get(ProgramGenerator.CLASS)) ? 1 : 0;
        points += plain.trace.size();
        suspended += plain.trace.isEmpty() ? 0 : 1;
        if (plain.outcome.startsWith("threw")) {
            threw++;
            thrown.merge(plain.outcome.substring(6, plain.outcome.indexOf(':')), 1, Integer::sum);
        }
        String difference = compare(plain, co);
        return difference == null ? null : report(seed, difference, program, woven);
    }

    private static String compare(Run plain, Run co) {
        if (!plain.outcome.equals(co.outcome) || plain.checksum != co.checksum || !plain.trace.equals(co.trace)
                || !plain.trace.equals(co.yields)) {
            int at = 0;
            while (at < plain.trace.size() && at < co.trace.size() && plain.trace.get(at).equals(co.trace.get(at))) {
                at++;
            }
            return "the woven run differs from the plain run\n  plain:   " + plain.summary() + "\n  woven:   "
                    + co.summary() + "\n  traces agree on the first " + at + " points; then plain "
                    + tail(plain.trace, at) + ", woven " + tail(co.trace, at)
                    + (co.trace.equals(co.yields) ? "" : "\n  woven yields " + co.yields);
        }
        return null;
    }

    private static boolean hasBridge(byte[] bytes) {
        boolean[] found = {false};
        new ClassReader(bytes).accept(new org.objectweb.asm.ClassVisitor(org.objectweb.asm.Opcodes.ASM9) {
            @Override
            public org.objectweb.asm.MethodVisitor visitMethod(int access, String name, String descriptor,
                    String signature, String[] exceptions) {
                found[0] |= (access & org.objectweb.asm.Opcodes.ACC_BRIDGE) != 0;
                return null;
            }
        }, ClassReader.SKIP_CODE);
        return found[0];
    }

    private static String tail(List<?> trace, int from) {
        return trace.subList(from, Math.min(trace.size(), from + 5)).toString();
    }

    private static FuzzLoader loader() {
        return new FuzzLoader(FuzzRunner.class.getClassLoader());
    }

    private static Run plain(Map<String, byte[]> program) throws ReflectiveOperationException {
        FuzzLoader loader = loader();
        program.forEach((name, bytes) -> loader.add(name, bytes, bytes));
        loader.add(POINTS, POINTS_BYTES, POINTS_BYTES);
        Class<?> p = loader.loadClass("fuzz.P");
        SuspendableRunnable body = (SuspendableRunnable) p.getConstructor().newInstance();
        String outcome;
        try {
            body.run();
            outcome = "returned " + p.getField("RESULT").getLong(null);
        } catch (LinkageError e) {
            throw e;
        } catch (Throwable t) {
            outcome = describe(t);
        }
        return new Run(outcome, p.getField("H").getLong(null), trace(loader), List.of());
    }

    private Run coroutine(FuzzLoader loader) throws ReflectiveOperationException {
        loader.add(POINTS, POINTS_WOVEN, POINTS_BYTES);
        loader.loadClass(POINTS.replace('/', '.')).getField("suspend").setBoolean(null, true);
        Class<?> p = loader.loadClass("fuzz.P");
        SuspendableRunnable body = (SuspendableRunnable) p.getConstructor().newInstance();
        Coroutine<Object, Object> co = Coroutine.of(body);
        Object done = new Object();
        Callable<Object> step = () -> {
            try {
                Object y = co.next();
                return co.isDone() ? done : y;
            } catch (Throwable t) {
                return t;
            }
        };
        List<Object> yields = new ArrayList<>();
        String outcome = null;
        for (int n = 0; outcome == null; n++) {
            Object y = n % 2 == 0 ? callHere(step) : await(other.submit(step));
            if (y == done) {
                outcome = "returned " + p.getField("RESULT").getLong(null);
            } else if (y instanceof Throwable) {
                Throwable t = (Throwable) y;
                outcome = describe(t instanceof CoroutineException ? t.getCause() : t);
                if (!co.isDone()) {
                    outcome += " (and the coroutine is not done)";
                }
            } else if (n > MAX_STEPS) {
                outcome = "did not end after " + n + " steps";
            } else {
                yields.add(y);
            }
        }
        return new Run(outcome, p.getField("H").getLong(null), trace(loader), yields);
    }

    @SuppressWarnings("unchecked")
    private static List<String> trace(FuzzLoader loader) throws ReflectiveOperationException {
        return List.copyOf((List<String>) loader.loadClass(POINTS.replace('/', '.')).getField("trace").get(null));
    }

    private static Object callHere(Callable<Object> step) {
        try {
            return step.call();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Object await(java.util.concurrent.Future<Object> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | InterruptedException | TimeoutException e) {
            throw new AssertionError("a step on the other thread failed: " + e, e);
        }
    }

    private static String describe(Throwable t) {
        return "threw " + t.getClass().getName() + ": " + t.getMessage();
    }

    private static String verify(byte[] woven, ClassLoader loader) {
        StringWriter out = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(woven), loader, false, new PrintWriter(out));
        return out.toString();
    }

    /** A reproducible report: the seed, the command that reruns this program alone, and both classes. */
    static String report(long seed, String problem, Map<String, byte[]> program, Map<String, byte[]> woven) {
        StringBuilder s = new StringBuilder();
        s.append("weaver fuzz: program seed ").append(seed).append(": ").append(problem).append('\n');
        s.append("reproduce with: mvn -B -o -pl runtime,agent -am verify -Dtest=WeaverFuzzTest "
                + "-Dsurefire.failIfNoSpecifiedTests=false -Dweft.fuzz.seed=").append(seed)
                .append(" -Dweft.fuzz.count=1\n");
        program.forEach((name, bytes) -> s.append("---- generated ").append(name).append(" ----\n").append(textify(bytes)));
        woven.forEach((name, bytes) -> s.append("---- woven ").append(name).append(" ----\n").append(textify(bytes)));
        return s.toString();
    }

    static String textify(byte[] bytes) {
        StringWriter out = new StringWriter();
        new ClassReader(bytes).accept(new TraceClassVisitor(new PrintWriter(out)), 0);
        return out.toString();
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    private static byte[] resource(String internalName) {
        try (InputStream in = FuzzRunner.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] weavePoints() {
        ClassWeaver.Result r = ClassWeaver.weave(POINTS_BYTES, ClassHierarchy.of(FuzzRunner.class.getClassLoader()));
        if (r.bytes == null || !r.refusals.isEmpty()) {
            throw new IllegalStateException("Points must be woven without refusals: " + r.refusals);
        }
        return r.bytes;
    }
}
