package dev.weft.examples;

import dev.weft.Hub;
import dev.weft.Suspendable;

/**
 * The brief's two gevent programs: greenlets spawned on the hub, switching whenever one sleeps.
 *
 * <p>Line for line the Python programs, with {@code Hub.spawn}, {@code Hub.sleep} and
 * {@code Hub.joinAll} for gevent's module functions. The sleeps overlap, so each program takes about
 * 2 s, not 3; {@code func3}'s {@code sleep(0)} lets every other ready greenlet run once before it
 * goes on.
 */
public final class Gevent {
    private Gevent() {
    }

    @Suspendable
    static void foo() {
        System.out.println("Running in foo");
        Hub.sleep(2000);
        System.out.println("Explicit context switch to foo again");
    }

    @Suspendable
    static void bar() {
        System.out.println("Explicit context to bar");
        Hub.sleep(1000);
        System.out.println("Implicit context switch back to bar");
    }

    @Suspendable
    static void func3() {
        System.out.println("running func3");
        Hub.sleep(0);
        System.out.println("running func3 again");
    }

    public static void main(String[] args) {
        System.out.println("-- foo, bar --");
        Hub.joinAll(
                Hub.spawn(Gevent::foo),
                Hub.spawn(Gevent::bar));
        System.out.println("-- foo, bar, func3 --");
        Hub.joinAll(
                Hub.spawn(Gevent::foo),
                Hub.spawn(Gevent::bar),
                Hub.spawn(Gevent::func3));
    }
}
