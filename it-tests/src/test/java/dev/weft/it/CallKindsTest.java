package dev.weft.it;

import static dev.weft.it.Probe.pass;
import static dev.weft.it.Probe.point;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Generator;
import dev.weft.Suspendable;
import dev.weft.SuspendableCallable;
import dev.weft.SuspendableRunnable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every way of calling suspendable code (traps 13, 14, 17 and 21). */
class CallKindsTest {

    // ---- trap 13: call kinds ---------------------------------------------------------------------------------

    /** An interface whose abstract method alone carries the annotation. */
    interface Shape {
        @Suspendable
        int area(int scale);

        @Suspendable
        default String describe(int scale) {
            return name() + ":" + point("describe", area(scale));
        }

        String name();
    }

    /** Implements {@link Shape#area} without annotating it: the agent must weave it anyway. */
    static final class Square implements Shape {
        private final int side;

        Square(int side) {
            this.side = side;
        }

        @Override
        public int area(int scale) {
            int a = side * side;
            return point("square", a) * scale;
        }

        @Override
        public String name() {
            return "square";
        }
    }

    /** Overrides the default method, calling it with {@code super}. */
    static final class Circle implements Shape {
        @Override
        public int area(int scale) {
            return 3 * point("circle", scale);
        }

        @Override
        public String describe(int scale) {
            return "(" + Shape.super.describe(scale) + ")";
        }

        @Override
        public String name() {
            return "circle";
        }
    }

    static class Base {
        protected int base = 1;

        @Suspendable
        int value(int x) {
            return base + point("base", x);
        }

        @Suspendable
        int inherited(int x) {
            return privateStep(x) + 1;
        }

        @Suspendable
        private int privateStep(int x) {
            return point("private", x) * 2;
        }
    }

    static class Derived extends Base {
        @Override
        int value(int x) { // not annotated: overrides an annotated method
            return super.value(x) * 10 + point("derived", x);
        }
    }

    static final class Leaf extends Derived {
        @Override
        int value(int x) {
            return super.value(x) + 1000;
        }
    }

    static abstract class Template {
        @Suspendable
        abstract String step(String s);

        @Suspendable
        String run() {
            return step("a") + step(pass("b", "b"));
        }
    }

    @Suspendable
    static int recurse(int n) {
        if (n == 0) {
            return point("bottom", 0);
        }
        int here = n;
        return recurse(n - 1) + point("level", here);
    }

    @Test
    void interfaceMethodAnnotatedOnlyOnTheInterfaceIsWoven() {
        Differential.Run run = Differential.check(() -> {
            Shape s = new Square(3);
            Square direct = new Square(2);
            return s.area(2) + "," + direct.area(5);
        });
        assertEquals("returned 18,20", run.outcome);
    }

    @Test
    void defaultMethodsAndInterfaceSuperCallsSuspend() {
        Differential.Run run = Differential.check(() -> {
            List<Shape> shapes = List.of(new Square(2), new Circle());
            StringBuilder out = new StringBuilder();
            for (Shape s : shapes) {
                out.append(s.describe(point("scale", 3))).append(';');
            }
            return out.toString();
        });
        assertEquals("returned square:12;(circle:9);", run.outcome);
    }

    @Test
    void virtualSuperPrivateAndInheritedCallsSuspend() {
        Differential.Run run = Differential.check(() -> {
            Base b = new Leaf();
            Derived d = new Derived();
            return b.value(2) + "," + d.value(3) + "," + d.inherited(4) + "," + new Base().value(5);
        });
        assertEquals("returned " + ((1 + 2) * 10 + 2 + 1000) + "," + ((1 + 3) * 10 + 3) + ",9,6", run.outcome);
    }

    @Test
    void abstractMethodImplementedByAnonymousClassSuspends() {
        Differential.Run run = Differential.check(() -> new Template() {
            @Override
            String step(String s) {
                return pass("step", s.toUpperCase());
            }
        }.run());
        assertEquals("returned AB", run.outcome);
    }

    @Test
    void staticRecursionSuspendsAtEveryLevel() {
        Differential.Run run = Differential.check(() -> recurse(5));
        assertEquals("returned 15", run.outcome);
        assertEquals(6, run.points.size());
    }

    // ---- trap 14: lambdas and method references ----------------------------------------------------------

    private final String field = "field";

    @Suspendable
    String instanceStep(String s) {
        return pass("instance", s + field);
    }

    @Suspendable
    static String staticStep(String s) {
        return pass("static", s + "!");
    }

    @Suspendable
    static <T> T callIt(SuspendableCallable<T> c) throws Exception {
        return c.call();
    }

    @Test
    void lambdasCapturingVariablesSuspend() {
        Differential.Run run = Differential.check(() -> {
            int captured = point("captured", 4);
            long wide = 1L << 35;
            String text = "t";
            SuspendableCallable<String> c = () -> text + point("inLambda", captured) + wide;
            SuspendableRunnable r = () -> point("runnable", captured * 2);
            r.run();
            String first = c.call();
            // a lambda inside a lambda, and a lambda capturing this
            SuspendableCallable<String> outer = () -> callIt(() -> first + pass("nested", field));
            return outer.call();
        });
        assertEquals("returned t4" + (1L << 35) + "field", run.outcome);
    }

    @Test
    void methodReferencesSuspend() {
        Differential.Run run = Differential.check(() -> {
            SuspendableCallable<String> bound = this::toSuspendingString;
            SuspendableCallable<Integer> otherClass = OtherClassFixtures::threePoints;
            SuspendableCallable<String> sameClass = CallKindsTest::noArgStep;
            Shape shape = new Square(1);
            SuspendableCallable<Integer> boundInterface = () -> shape.area(7);
            return bound.call() + otherClass.call() + sameClass.call() + boundInterface.call();
        });
        assertEquals("returned fieldfield6no-arg7", run.outcome);
    }

    @Suspendable
    String toSuspendingString() {
        return instanceStep(field);
    }

    @Suspendable
    static String noArgStep() {
        return staticStep("no-arg").replace("!", "");
    }

    @Test
    void methodReferenceToAnotherClassIsACoroutineBody() {
        Coroutine<Object, Object> co = Coroutine.of(OtherClassFixtures::body);
        assertEquals("body 1", co.next());
        assertEquals("body 2", co.next());
        assertNull(co.next());
        assertTrue(co.isDone());
        Generator<String> g = Generator.of(OtherClassFixtures::produce);
        assertEquals(List.of("x", "y"), g.stream().collect(Collectors.toList()));
    }

    @Test
    void serializableLambdaSuspendsAfterARoundTrip() throws Exception {
        int captured = 6;
        SuspendableCallable<Object> original = (SuspendableCallable<Object> & Serializable) () ->
                pass("serial", "s" + captured) + point("second", captured);
        SuspendableCallable<Object> copy = roundTrip(original);
        Differential.Run run = Differential.check(copy);
        assertEquals("returned s66", run.outcome);
    }

    @Test
    void serializableLambdaWithTheMarkerFirstSuspends() throws Exception {
        int captured = 7;
        SuspendableCallable<Object> original = (Serializable & SuspendableCallable<Object>) () ->
                pass("serial", "m" + captured);
        Differential.Run run = Differential.check(roundTrip(original));
        assertEquals("returned m7", run.outcome);
        assertEquals("returned m7", Differential.check(original).outcome);
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    // ---- trap 17: suspendable methods that do not suspend this time --------------------------------------

    @Suspendable
    static int maybeSuspend(boolean suspend, int v) {
        int doubled = v * 2;
        if (suspend) {
            point("maybe", v);
        }
        return doubled;
    }

    @Test
    void suspendableMethodsThatDoNotSuspendThisTimeReturnNormally() {
        Differential.Run run = Differential.check(() -> {
            int sum = 0;
            for (int i = 0; i < 6; i++) {
                sum += maybeSuspend(i % 3 == 0, i);
            }
            return sum;
        });
        assertEquals("returned 30", run.outcome);
        assertEquals(List.of("maybe=0", "maybe=3"), run.points);
    }

    @Test
    void fixtureThatNeverSuspendsRunsToTheEndInOneStep() {
        Differential.Run run = Differential.compare(() -> maybeSuspend(false, 21));
        assertEquals("returned 42", run.outcome);
        assertEquals(List.of(), run.points);
    }

    // ---- trap 21: generics and bridge methods -------------------------------------------------------------

    /** Implements the generic interface with a covariant {@code String call()}: javac adds a bridge. */
    static final class Greeting implements SuspendableCallable<String> {
        @Override
        public String call() {
            return "hello " + pass("who", "world");
        }
    }

    static class Box<T> {
        @Suspendable
        T get(T fallback) {
            return fallback;
        }
    }

    static final class StringBox extends Box<String> {
        @Override
        String get(String fallback) { // bridge get(Object)Object -> get(String)String
            return pass("box", fallback.toUpperCase());
        }
    }

    /** A sub-interface that narrows the return type: lambdas get a bridge in the metafactory class. */
    interface TextCallable extends SuspendableCallable<String> {
        @Override
        String call();
    }

    @Suspendable
    static <T extends Comparable<T>> T max(T a, T b) {
        return point("compare", a.compareTo(b)) >= 0 ? a : b;
    }

    @Test
    void bridgeMethodOfAGenericImplementationSuspends() {
        Differential.Run run = Differential.check(new Greeting());
        assertEquals("returned hello world", run.outcome);
    }

    @Test
    void bridgeMethodsOfGenericOverridesSuspend() {
        Differential.Run run = Differential.check(() -> {
            Box<String> box = new StringBox();
            StringBox direct = new StringBox();
            Function<String, String> plain = String::trim;
            return box.get("a") + direct.get("b") + plain.apply(" c ") + max("x", "y") + max(3, 2);
        });
        assertEquals("returned ABcy3", run.outcome);
    }

    @Test
    void lambdaOfANarrowingSubInterfaceSuspends() {
        TextCallable text = () -> pass("text", "narrowed");
        Differential.Run run = Differential.check(text);
        assertEquals("returned narrowed", run.outcome);
        Differential.Run direct = Differential.check(() -> text.call() + point("after", 1));
        assertEquals("returned narrowed1", direct.outcome);
    }

    @Test
    void genericListOfCallablesSuspends() {
        Differential.Run run = Differential.check(() -> {
            List<SuspendableCallable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int k = i;
                calls.add(() -> point("call", k) * k);
            }
            int sum = 0;
            for (SuspendableCallable<Integer> c : calls) {
                sum += c.call();
            }
            return sum;
        });
        assertEquals("returned 5", run.outcome);
    }
}
