package dev.weft.internal;

/**
 * Virtual time for one hub: it stands still while anything is runnable, and the hub moves it to the
 * next timer's deadline at once when nothing is (instead of waiting). Not API; used by the JUnit
 * extension's {@code @WeftTest(virtualTime = true)}. Read and moved on the hub's thread only.
 */
public final class VirtualClock {
    private long now;

    /**
     * Creates a clock that reads {@code start}.
     *
     * @param start the first reading, in nanoseconds
     */
    public VirtualClock(long start) {
        now = start;
    }

    /**
     * Returns the time, in nanoseconds; only differences between readings mean anything.
     *
     * @return the reading
     */
    public long nanoTime() {
        return now;
    }

    /**
     * Moves the clock forward to {@code deadline}; a deadline that has passed leaves it where it is.
     *
     * @param deadline the reading to move to
     */
    public void advanceTo(long deadline) {
        if (deadline - now > 0) {
            now = deadline;
        }
    }
}
