package dev.weft;

/**
 * Thrown by a method the Weft agent could not make resumable, when a suspension reaches it: a
 * constructor or static initialiser that suspends, a monitor held across a suspension point, a
 * method too large, or a plain method that calls suspendable code without being {@link Suspendable}
 * itself. The message names the method, the line and the fix.
 */
public class WeaveError extends Error {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message the method, the line and the fix
     */
    public WeaveError(String message) {
        super(message);
    }
}
