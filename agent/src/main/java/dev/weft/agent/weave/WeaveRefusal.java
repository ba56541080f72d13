package dev.weft.agent.weave;

/**
 * Thrown when a method cannot be made resumable; its message names the method, the line and the
 * fix, and becomes the message of the {@code dev.weft.WeaveError} the method then throws when it
 * would suspend.
 */
final class WeaveRefusal extends Exception {
    private static final long serialVersionUID = 1L;

    WeaveRefusal(String message) {
        super(message, null, false, false);
    }
}
