package dev.weft.examples;

import dev.weft.Suspendable;

/**
 * The brief's "greenlet（手动切换）": two functions that hand control to each other explicitly, printing
 * 12, 56, 34, 78.
 *
 * <p>Line for line the Python program, with {@link dev.weft.Greenlet} for greenlet (the example is
 * named after it, so that {@code ./demo greenlet} runs it): {@code main} is the root greenlet, its
 * {@code gr1.switchTo()} starts {@code gr1}, and when {@code gr2} ends, control goes back to its parent,
 * {@code main}.
 */
public final class Greenlet {
    private static dev.weft.Greenlet gr1;
    private static dev.weft.Greenlet gr2;

    private Greenlet() {
    }

    @Suspendable
    static void xiechengTest() {
        System.out.println(12);
        gr2.switchTo();
        System.out.println(34);
        gr2.switchTo();
    }

    @Suspendable
    static void xiechengTest2() {
        System.out.println(56);
        gr1.switchTo();
        System.out.println(78);
    }

    public static void main(String[] args) {
        gr1 = new dev.weft.Greenlet(Greenlet::xiechengTest);
        gr2 = new dev.weft.Greenlet(Greenlet::xiechengTest2);
        gr1.switchTo();
    }
}
