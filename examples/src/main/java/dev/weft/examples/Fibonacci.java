package dev.weft.examples;

import dev.weft.Generator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An endless generator, which only works because a {@code Generator} computes its values lazily, one
 * per step. The Python it mirrors:
 *
 * <pre>
 * def fib():
 *     a, b = 0, 1
 *     while True:
 *         yield a
 *         a, b = b, a + b
 * </pre>
 */
public final class Fibonacci {
    private Fibonacci() {
    }

    static Generator<Long> fib() {
        return Generator.of(() -> {
            long a = 0;
            long b = 1;
            while (true) {
                Generator.yield(a);
                long next = a + b;
                a = b;
                b = next;
            }
        });
    }

    public static void main(String[] args) {
        try (Stream<Long> first = fib().stream().limit(10)) {
            System.out.println(first.map(String::valueOf).collect(Collectors.joining(" ")));
        }
    }
}
