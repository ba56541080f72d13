package dev.weft.net;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.util.concurrent.CompletableFuture;

/** Waiting in a greenlet for something another hub's thread completes. Internal. */
final class CrossHub {
    private CrossHub() {
    }

    /**
     * Suspends the current greenlet (or plain code, running its hub) until {@code future} completes,
     * whichever thread completes it; the hub keeps waiting for it meanwhile.
     */
    @Suspendable
    static void await(CompletableFuture<?> future, String what, Object on) {
        if (future.isDone()) {
            return;
        }
        Hub.Waiter waiter = Hub.Waiter.forCurrent(what, on);
        Hub.KeepAlive alive = Hub.current().keepAlive();
        future.whenComplete((v, e) -> {
            try {
                alive.submit(waiter::wake);
            } finally {
                alive.close();
            }
        });
        try {
            waiter.park(null);
        } finally {
            alive.close();
        }
    }
}
