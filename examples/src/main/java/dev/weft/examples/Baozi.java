package dev.weft.examples;

import dev.weft.Coroutine;
import dev.weft.Suspendable;

/**
 * The brief's "yield实现简单的协程": a producer hands baozi (steamed buns) to two consumers, each a
 * coroutine that waits at a yield for the next one.
 *
 * <p>Line for line the Python program, with {@code Coroutine} for the generator: {@code next()}
 * runs a consumer to its first yield, {@code send(n)} makes that yield return {@code n}.
 */
public final class Baozi {
    private static Coroutine<Integer, Void> con;
    private static Coroutine<Integer, Void> con2;

    private Baozi() {
    }

    @Suspendable
    static void consumer(String name) {
        System.out.println("--->starting eating baozi...");
        while (true) {
            int newBaozi = Coroutine.yield();
            System.out.println("[" + name + "] is eating baozi " + newBaozi);
        }
    }

    static void producer() {
        con.next();
        con2.next();
        int n = 0;
        while (n < 5) {
            n += 1;
            con.send(n);
            con2.send(n);
            System.out.println("\033[32;1m[producer]\033[0m is making baozi " + n);
        }
    }

    public static void main(String[] args) {
        con = Coroutine.of(() -> consumer("c1"));
        con2 = Coroutine.of(() -> consumer("c2"));
        producer();
    }
}
