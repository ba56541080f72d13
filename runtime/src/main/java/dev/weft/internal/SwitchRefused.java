package dev.weft.internal;

/**
 * Raised at a wait (or a switch) in a generator's or a coroutine's body that runs in a greenlet, when
 * the greenlet cannot switch away from under the body: the generator is iterated, or the coroutine
 * driven, by code that cannot suspend (a stream, a method that is not woven). The message names the
 * wait, the body, the greenlet and the code that drives the body.
 *
 * <p>Nothing of the wait is left behind: the greenlet it was about to hand control to runs in its turn,
 * and the body's {@code finally} blocks run as the exception passes.
 */
public final class SwitchRefused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was refused, why, and the fix
     */
    public SwitchRefused(String message) {
        super(message);
    }
}
