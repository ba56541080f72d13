package dev.weft.it;

import dev.weft.Hub;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/** What tests read of a hub's package-private state, through reflection. */
final class HubInternals {
    private HubInternals() {
    }

    /**
     * {@return the greenlets of the waiters on the current thread's hub's list of parked waiters} A
     * spawned greenlet's own waiter is never on it; a waiter a wait failed to unlink stays there.
     */
    static List<Object> parkedGreenlets() {
        try {
            Field first = Hub.class.getDeclaredField("firstParked");
            Class<?> waiter = Class.forName("dev.weft.Waiter");
            Field next = waiter.getDeclaredField("next");
            Field greenlet = waiter.getDeclaredField("greenlet");
            first.setAccessible(true);
            next.setAccessible(true);
            greenlet.setAccessible(true);
            List<Object> all = new ArrayList<>();
            for (Object w = first.get(Hub.current()); w != null; w = next.get(w)) {
                all.add(greenlet.get(w));
            }
            return all;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
