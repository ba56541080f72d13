package dev.weft;

/**
 * Kills the greenlet it is raised in without disturbing its parent, like greenlet's
 * {@code GreenletExit}: when it escapes a greenlet's body, the parent's pending switch returns the
 * exception object as a value instead of throwing it.
 */
public class GreenletExit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exit signal. */
    public GreenletExit() {
        super("greenlet exit");
    }

    /**
     * Creates the exit signal with a message.
     *
     * @param message the detail message
     */
    public GreenletExit(String message) {
        super(message);
    }
}
