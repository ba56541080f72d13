package dev.weft.it;

import static dev.weft.it.Probe.point;

import dev.weft.Coroutine;
import dev.weft.Generator;
import dev.weft.Suspendable;

/** Suspendable methods that other classes refer to with method references. */
final class OtherClassFixtures {
    private OtherClassFixtures() {
    }

    @Suspendable
    static Integer threePoints() {
        return point("one", 1) + point("two", 2) + point("three", 3);
    }

    @Suspendable
    static void body() {
        Coroutine.yield("body 1");
        Coroutine.yield("body 2");
    }

    @Suspendable
    static void produce() {
        Generator.yield("x");
        Generator.yield("y");
    }
}
