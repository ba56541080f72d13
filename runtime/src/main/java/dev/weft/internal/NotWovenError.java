package dev.weft.internal;

import dev.weft.WeaveError;

/**
 * Thrown at the first switch, yield or wait of a JVM in which nothing is woven: the Weft agent is not
 * installed (and the code was not woven when it was built), so no {@code @Suspendable} method can
 * suspend. The message says how to install the agent, and nothing else: everything else would follow
 * from that one mistake. Thrown before anything runs, so no body has run half way; the hub does not
 * catch it.
 */
public final class NotWovenError extends WeaveError {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the error.
     *
     * @param message what is missing and how to install it
     */
    public NotWovenError(String message) {
        super(message);
    }
}
