package dev.weft.it;

import static dev.weft.it.Probe.pass;
import static dev.weft.it.Probe.point;

import dev.weft.Suspendable;
import dev.weft.SuspendableCallable;
import dev.weft.SuspendableFunction;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * One fixture per shape of bridge method javac writes for an override of a suspendable method (trap
 * 21): the override carries no annotation and has another erasure than the method it overrides, so the
 * call reaches it through a synthetic bridge. {@link BridgeMethodsTest} runs each plain and suspended;
 * {@link VerifyBridgesProgram} runs them again with verification on, which must let them pass.
 */
final class BridgeFixtures {
    private BridgeFixtures() {
    }

    /** A generic interface: bridge {@code apply(Object)Object} to {@code apply(String)Integer}. */
    static final class Len implements SuspendableFunction<String, Integer> {
        @Override
        public Integer apply(String s) {
            return pass("len", s).length();
        }
    }

    /** A generic superclass: bridge {@code get(Object)Object} to {@code get(String)String}. */
    abstract static class Box<T> {
        @Suspendable
        abstract T get(T fallback);
    }

    static final class StringBox extends Box<String> {
        @Override
        String get(String fallback) {
            return pass("box", fallback.toUpperCase());
        }
    }

    /** Overrides the bridge's target by its exact descriptor: no bridge of its own, woven all the same. */
    static final class LoudBox extends Box<String> {
        @Override
        String get(String fallback) {
            return pass("loud", fallback + "!");
        }
    }

    static final class LouderBox extends Box<String> {
        private final LoudBox inner = new LoudBox();

        @Override
        String get(String fallback) {
            return inner.get(fallback) + pass("louder", "!");
        }
    }

    /** A covariant return: bridge {@code make()Object} to {@code make()String}. */
    static class Maker {
        @Suspendable
        Object make() {
            return point("maker", 1);
        }
    }

    static final class TextMaker extends Maker {
        @Override
        String make() {
            return "made" + point("text maker", 2);
        }
    }

    /** A default method in a generic sub-interface: the bridge is a default method of the interface. */
    interface Mapper<T> {
        @Suspendable
        int map(T t);
    }

    interface StringMapper extends Mapper<String> {
        @Override
        default int map(String s) {
            return point("default map", s.length());
        }
    }

    static final class Mapping implements StringMapper {
    }

    /** An abstract generic class: the bridge and its target ({@code apply(CharSequence)}) are its own. */
    abstract static class AbstractCounter<S extends CharSequence> implements SuspendableFunction<S, Integer> {
        @Override
        public Integer apply(S s) {
            return point("count", s.length()) + extra();
        }

        abstract int extra();
    }

    static final class Counter extends AbstractCounter<String> {
        @Override
        int extra() {
            return 100;
        }
    }

    /** A generic interface re-declared with its type argument: javac writes the bridge in the implementation. */
    interface StringFunction extends SuspendableFunction<String, String> {
        @Override
        String apply(String s);
    }

    static final class Echo implements StringFunction {
        @Override
        public String apply(String s) {
            return pass("echo", s) + s;
        }
    }

    /** A type argument that is itself generic and an array: {@code apply(List[])}. */
    static final class FirstOfAll implements SuspendableFunction<java.util.List<String>[], String> {
        @Override
        public String apply(java.util.List<String>[] lists) {
            return pass("first", lists[0].get(0));
        }
    }

    /** Every shape by name, each calling its override through the bridge and directly. */
    static Map<String, SuspendableCallable<?>> all() {
        Map<String, SuspendableCallable<?>> all = new LinkedHashMap<>();
        all.put("generic interface", () -> {
            SuspendableFunction<String, Integer> f = new Len();
            return f.apply("abc") + new Len().apply("de");
        });
        all.put("generic superclass", () -> {
            Box<String> box = new StringBox();
            return box.get("a") + new StringBox().get("b");
        });
        all.put("override of a bridge target", () -> {
            Box<String> box = new LouderBox();
            return box.get("x") + new LouderBox().get("y");
        });
        all.put("covariant return", () -> {
            Maker m = new TextMaker();
            return m.make() + new TextMaker().make();
        });
        all.put("default method bridge", () -> {
            Mapper<String> m = new Mapping();
            StringMapper s = new Mapping();
            return m.map("four") + s.map("xy");
        });
        all.put("abstract generic class", () -> {
            SuspendableFunction<String, Integer> f = new Counter();
            AbstractCounter<String> c = new Counter();
            return f.apply("abc") + c.apply("z") + new Counter().apply("");
        });
        all.put("re-declared generic interface", () -> {
            SuspendableFunction<String, String> f = new Echo();
            StringFunction s = new Echo();
            return f.apply("a") + s.apply("b");
        });
        all.put("array of a generic type", () -> {
            @SuppressWarnings("unchecked")
            java.util.List<String>[] lists = new java.util.List[] {java.util.List.of("head")};
            SuspendableFunction<java.util.List<String>[], String> f = new FirstOfAll();
            return f.apply(lists);
        });
        return all;
    }

    // ---- losses that verification must still name ------------------------------------------------------------

    /**
     * Implements a generic interface that is not suspendable: neither the bridge nor its target is woven,
     * so a suspension inside the target is lost there.
     */
    static final class PlainLen implements Function<String, Integer> {
        @Override
        public Integer apply(String s) {
            return pass("plain len", s).length();
        }
    }

    /** A suspendable {@code get()String}, and a generic interface whose {@code get()} is not suspendable. */
    interface Named {
        @Suspendable
        String get();
    }

    interface Supplier<T> {
        T get();
    }

    /**
     * Its {@code get()String} is woven (it implements {@code Named.get}); the bridge {@code get()Object}
     * that implements {@code Supplier.get} is not, so a suspension through the bridge is lost there.
     */
    static final class Both implements Named, Supplier<String> {
        @Override
        public String get() {
            return pass("both", "value");
        }
    }
}
