package dev.weft;

import java.util.List;

/**
 * Thrown in plain code waiting on its thread's hub when the wait can never end (gevent's
 * {@code LoopExit}): no greenlet is ready to run and no timer is set, so nothing could ever wake
 * anyone. The message, and {@link #waits()}, name every greenlet still waiting and what it waits for,
 * for example {@code main waits in SpawnedGreenlet.join for greenlet-5} and
 * {@code greenlet-5 waits in Event.await}.
 *
 * <p>It is an {@code IllegalStateException}: a wait like that is a bug in the program (two greenlets
 * joining each other, an event nobody sets). The greenlets that wait stay as they are.
 */
public final class LoopExit extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The waits named in the message, as {@link #waits()} returns them. */
    private final List<String> waits;

    LoopExit(String threadName, List<String> waits) {
        super("the hub of thread \"" + threadName + "\" has nothing ready to run and no timers: the wait can never end"
                + (waits.isEmpty() ? "" : ". Waiting: " + String.join("; ", waits)));
        this.waits = List.copyOf(waits);
    }

    /**
     * Returns one line per waiting greenlet, in the order they started waiting:
     * {@code <greenlet> waits in <operation>[ for <what>]}.
     *
     * @return the waits, unmodifiable
     */
    public List<String> waits() {
        return waits;
    }
}
