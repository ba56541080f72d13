package dev.weft;

/**
 * An entry of a hub's timers ({@link TimerQueue}): a deadline, a {@link Hub#nanoTime} value, and what happens then.
 * A {@link Waiter} with a time limit is its own entry (its wait expires: no object more per timed
 * wait); an {@link Action} starts a greenlet ({@link Hub#spawnLater}) or raises a {@link Timeout}.
 * A cancelled entry stays queued until it comes up and is dropped.
 *
 * <p>An entry is queued once at most ({@link Hub#schedule(Timer, long)}): its deadline, which
 * orders the queue, never changes while it is there.
 */
abstract class Timer implements Comparable<Timer> {
    long deadline;
    /**
     * The order of entries with the same deadline, first scheduled first; 0 until scheduled. Compared
     * by difference, so it may wrap around (entries queued at once are far fewer than 2^31 apart).
     */
    int sequence;

    /** {@return true when the entry is to be dropped instead of fired} */
    abstract boolean isCancelled();

    @Override
    public final int compareTo(Timer o) {
        long d = deadline - o.deadline;
        if (d != 0) {
            return d < 0 ? -1 : 1;
        }
        return Integer.signum(sequence - o.sequence);
    }

    /** A timer whose action is a greenlet to put on the run queue or a {@link Timeout} to raise. */
    static final class Action extends Timer {
        final Object action;
        private boolean cancelled;

        Action(Object action) {
            this.action = action;
        }

        /** Cancels it: it will be dropped when it comes up. */
        void cancel() {
            cancelled = true;
        }

        /** Cancelled, or a greenlet to start that has ended already (killed before its {@code spawnLater} delay). */
        @Override
        boolean isCancelled() {
            return cancelled || (action instanceof Greenlet && ((Greenlet) action).isDead());
        }
    }
}
