package dev.weft.samples;

import dev.weft.Hub;
import dev.weft.Suspendable;
import dev.weft.SuspendableCallable;
import java.time.Duration;

/** Calls something that may fail, again and again, waiting longer after each failure (a sample of Weft code to test). */
public final class Retry {
    private Retry() {
    }

    /**
     * Calls {@code call} up to {@code attempts} times; after the n-th failure the calling greenlet
     * sleeps {@code firstDelay} times 2^(n-1) before trying again.
     *
     * @param attempts how many calls at most, at least 1
     * @param firstDelay the wait after the first failure
     * @param call what to call
     * @param <T> the type of its result
     * @return the first result
     * @throws Exception the last failure, when every attempt failed
     */
    @Suspendable
    public static <T> T withBackoff(int attempts, Duration firstDelay, SuspendableCallable<T> call) throws Exception {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, but was " + attempts);
        }
        Duration delay = firstDelay;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (Exception e) {
                if (attempt == attempts) {
                    throw e;
                }
            }
            Hub.sleep(delay);
            delay = delay.multipliedBy(2);
        }
    }
}
