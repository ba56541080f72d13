package dev.weft.it.cached;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.SuspendableRunnable;
import java.util.ArrayList;
import java.util.List;

/**
 * Run by {@code AgentCacheTest} from a jar of its own, with the agent's {@code cache=DIR}: two workers
 * that take turns through {@code Hub.sleep(0)}. {@link Worker} is not annotated: its {@code run} is
 * woven because it implements {@link SuspendableRunnable}, a fact of its supertypes that a warm cache
 * answers without reading them.
 */
public final class CachedProgram {
    private CachedProgram() {
    }

    /** Prints the order in which the two workers ran. */
    public static void main(String[] args) {
        List<String> order = new ArrayList<>();
        SpawnedGreenlet<?> a = Hub.spawn(new Worker("a", order));
        SpawnedGreenlet<?> b = Hub.spawn(new Worker("b", order));
        Hub.joinAll(a, b);
        System.out.println("order: " + String.join(" ", order) + (a.isSuccessful() && b.isSuccessful() ? "" : " (failed)"));
    }

    /** Logs a step, lets the other worker run, logs the next. */
    public static final class Worker implements SuspendableRunnable {
        private final String name;
        private final List<String> order;

        Worker(String name, List<String> order) {
            this.name = name;
            this.order = order;
        }

        @Override
        public void run() {
            for (int i = 1; i <= 3; i++) {
                order.add(name + i);
                Hub.sleep(0);
            }
        }
    }
}
