package elsewhere;

import java.util.List;

/**
 * A class the agent never selects: its constant pool mentions no {@code dev/weft/} name, so its
 * method, which is not suspendable, is not woven and gets no check. A suspension passing through it
 * is the mistake that trap 16 is about.
 */
public final class Untouched {
    private Untouched() {
    }

    /** Records an event before and after a call that suspends; not annotated. */
    public static void middle(List<String> events) {
        events.add("middle before");
        Yields.yieldValue("from middle");
        events.add("middle after the suspension");
    }

    /** Records an event before and after a sleep on the hub; not annotated. */
    public static void sleeps(List<String> events) {
        events.add("sleeps before");
        Yields.sleep(1);
        events.add("sleeps after the sleep");
    }
}
