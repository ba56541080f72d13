package elsewhere;

import dev.weft.Coroutine;
import dev.weft.Hub;
import dev.weft.Suspendable;

/** A suspendable method outside {@code dev.weft}, so that {@link Untouched} can call it without mentioning Weft. */
public final class Yields {
    private Yields() {
    }

    /** Yields {@code value} and returns what is sent back. */
    @Suspendable
    public static Object yieldValue(Object value) {
        return Coroutine.yield(value);
    }

    /** Sleeps {@code millis} on the current thread's hub. */
    @Suspendable
    public static void sleep(long millis) {
        Hub.sleep(millis);
    }
}
