package dev.weft.internal;

import dev.weft.SpawnedGreenlet;

/**
 * What a test harness (the JUnit extension, {@code weft-junit}) plugs into the hub of a thread it
 * starts. Not API.
 *
 * <p>A harness binds an {@link Observer} to a fresh thread before that thread's hub exists; the hub,
 * created on first use, takes the observer and its clock for its whole life. Hubs of other threads
 * have none, and pay one null check per spawn and per failed greenlet.
 */
public final class HubHooks {
    private static final ThreadLocal<Observer> BOUND = new ThreadLocal<>();

    private HubHooks() {
    }

    /** Told what happens on one hub; every call comes on that hub's thread. */
    public interface Observer {
        /**
         * A greenlet was spawned on the hub (by {@code Hub.spawn} or {@code Hub.spawnLater}).
         *
         * @param greenlet the new greenlet, not started yet
         */
        void spawned(SpawnedGreenlet<?> greenlet);

        /**
         * An exception escaped the body of {@code greenlet}.
         *
         * @param greenlet the greenlet, now finished
         * @param exception what escaped
         */
        void failed(SpawnedGreenlet<?> greenlet, Throwable exception);

        /**
         * Someone looked at the exception of a failed greenlet ({@code get} or {@code exception}).
         *
         * @param greenlet the failed greenlet
         */
        void observed(SpawnedGreenlet<?> greenlet);

        /**
         * A callback linked to a greenlet ({@code onComplete}, {@code onSuccess}, {@code onFailure},
         * {@code rawLink}), an {@code Event} or an {@code AsyncResult} threw; the hub has printed it and goes
         * on with the other callbacks and waiters. Nobody else can look at such an exception.
         *
         * @param description what the callback was linked to, as the hub names it
         *     ({@code a callback linked to greenlet-3[done]})
         * @param exception what it threw
         */
        void callbackFailed(String description, Throwable exception);

        /**
         * The clock the hub runs its timers on.
         *
         * @return a virtual clock, or null for real time ({@code System.nanoTime})
         */
        VirtualClock clock();
    }

    /**
     * Binds {@code observer} to the current thread, for the hub this thread creates next.
     *
     * @param observer the observer, or null to unbind
     */
    public static void bind(Observer observer) {
        if (observer == null) {
            BOUND.remove();
        } else {
            BOUND.set(observer);
        }
    }

    /**
     * Returns the observer bound to the current thread, for a hub being created on it.
     *
     * @return the observer, or null
     */
    public static Observer bound() {
        return BOUND.get();
    }
}
