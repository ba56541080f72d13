package dev.weft;

/**
 * Raised in a greenlet that waits on its hub (in {@code Hub.sleep}, a join, an {@code Event}, a
 * {@code Queue}, ...) when something other than the hub resumes it: a {@code switchTo} into it, or a
 * child greenlet ending into it as its parent. gevent raises its {@code InvalidSwitchError} then. The
 * wait is over and leaves nothing behind; the message names the greenlet, its wait and the value the
 * switch passed. A greenlet waiting on the hub is resumed by the hub alone: wake it through what it
 * waits for, or kill it.
 *
 * <p>An {@link AssertionError}, as gevent's is: the program broke a rule of the hub.
 */
public final class InvalidSwitchError extends AssertionError {
    private static final long serialVersionUID = 1L;

    InvalidSwitchError(String greenlet, String waitingIn, Object value) {
        super("Invalid switch into " + greenlet + ": it waits in " + waitingIn + ", and a switch resumed it with "
                + (value instanceof String ? "\"" + value + "\"" : String.valueOf(value)) + " instead of the hub. "
                + "A greenlet waiting on the hub is resumed by the hub alone: wake it through what it waits for, or "
                + "kill it");
    }

    /** The error for {@code g}, which waits in {@code waitingIn}, resumed by a switch passing {@code value}. */
    static InvalidSwitchError of(Greenlet g, String waitingIn, Object value) {
        Hub hub = g.home.hub;
        return new InvalidSwitchError(hub != null ? hub.nameOf(g) : g.toString(), waitingIn, value);
    }
}
