package dev.weft.internal;

/**
 * Raised at a wait (or a switch) in a generator's or a coroutine's body that runs in a greenlet, when
 * the greenlet cannot switch away from under the body: the generator is iterated, or the coroutine
 * driven, by code that cannot suspend (a stream, a method that is not woven). The message names the
 * wait, the body, the greenlet and the code that drives the body.
 *
 * <p>Nothing of the wait is left behind: the greenlet it was about to hand control to runs in its turn,
 * and the body's {@code finally} blocks run as the exception passes.
 *
 * <p>The wait is named as the body called it ({@code TcpSocket.read}, not the switch inside it): the
 * exception is made by the driver, after the body's frames have unwound, and takes its stack trace and
 * that name again when it is raised at the wait ({@link #raisedAtWait}).
 */
public final class SwitchRefused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** The wait, as named so far: the primitive's name until {@link #raisedAtWait}. */
    private String what;
    /** The message after the wait's name. */
    private final String rest;
    /** False when the message was given whole: nothing is named again. */
    private final boolean renamed;

    /**
     * Creates the exception.
     *
     * @param message what was refused, why, and the fix
     */
    public SwitchRefused(String message) {
        super(message);
        this.what = "";
        this.rest = message;
        this.renamed = false;
    }

    /**
     * Creates the exception for a wait that is named again where it is raised.
     *
     * @param what the wait's name as its primitive knows it, used when no better one is found
     * @param rest the rest of the message: why, and the fix
     */
    public SwitchRefused(String what, String rest) {
        super(what + rest);
        this.what = what;
        this.rest = rest;
        this.renamed = true;
    }

    @Override
    public String getMessage() {
        return what + rest;
    }

    /**
     * Called as the exception is raised at the wait, in the body's restored frames: its stack trace
     * becomes the wait's, and the wait is named as the body called it.
     */
    void raisedAtWait() {
        fillInStackTrace();
        if (renamed) {
            what = ApiEntry.name(getStackTrace(), what);
        }
    }
}
