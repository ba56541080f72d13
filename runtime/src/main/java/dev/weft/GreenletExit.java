package dev.weft;

/**
 * Kills the greenlet it is raised in without disturbing its parent, like greenlet's
 * {@code GreenletExit}: when it escapes a greenlet's body, the parent's pending switch returns the
 * exception object as a value instead of throwing it; a spawned greenlet that it ends counts as
 * successful, with no value.
 *
 * <p>It is an {@link Error}, not an {@code Exception}, for the reason greenlet's is a
 * {@code BaseException} and Java's own {@code ThreadDeath} an {@code Error}: ordinary error handling
 * ({@code catch (Exception e)}) must not swallow a kill, or {@code kill()} would wait for ever. Code
 * that has to see a kill catches it by name ({@code catch (GreenletExit e)}) and rethrows it; a
 * {@code catch (Throwable t)} sees it too, and must rethrow it as well.
 */
public class GreenletExit extends Error {
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
