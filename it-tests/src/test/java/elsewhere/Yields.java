package elsewhere;

import dev.weft.Coroutine;
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
}
