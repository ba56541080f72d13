package dev.weft.internal;

import dev.weft.WeaveError;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * What woven code calls when a suspension unwinds through {@code Method.invoke}. Not API.
 *
 * <p>A woven method treats its calls to {@code Method.invoke} as suspension points: the reflection
 * frames in between only forward the dummy value the suspending method returns, and on resume the
 * same {@code Method} is invoked again with the saved receiver and arguments, so reflection
 * dispatches to the same method, whose entry restores its own frame. Which method that is cannot be
 * known when weaving; it is known here, from the {@code Method} object, when the suspension unwinds.
 * Checking it keeps the chain of saved frames as strict as for a direct call: a reflected method
 * that was not woven, and so went on running after the suspension instead of saving itself, is
 * reported instead of being run again from its start on resume.
 */
public final class ReflectiveCalls {
    private ReflectiveCalls() {
    }

    /**
     * Returns the identity the frame saved by the reflected method must carry, after checking that the
     * frame on top of the stack is that one.
     *
     * @param invoked the {@code Method} the woven caller invoked
     * @param s the current stack, which is unwinding
     * @param caller {@code Owner.name(descriptor)} of the woven caller, for the error message
     * @return the reflected method's identity, for {@link Stack#unwind}
     * @throws IllegalStateException when the reflected method did not save its frame
     */
    public static int calleeId(Method invoked, Stack s, String caller) {
        String descriptor = MethodType.methodType(invoked.getReturnType(), invoked.getParameterTypes())
                .toMethodDescriptorString();
        int id = Stack.idOf(invoked.getName() + descriptor);
        if (!s.topIs(id)) {
            String name = invoked.getDeclaringClass().getName() + "." + invoked.getName() + descriptor;
            throw Stack.lost("a suspension was lost in " + name + ", which " + caller + " called through "
                    + "Method.invoke: that method, or one between it and the suspension point, is not woven "
                    + "and went on running after the suspension. " + Stack.fixForUnwoven());
        }
        return id;
    }

    /**
     * Returns what a woven caller rethrows when {@code Method.invoke} throws: the {@link WeaveError} a
     * method refused by the agent threw at a suspension (Weft's own diagnostic, which reflection would
     * hide in an {@code InvocationTargetException} the caller may well catch), or the exception itself.
     *
     * @param e what {@code Method.invoke} threw
     * @return the exception to rethrow
     */
    public static Throwable unwrap(InvocationTargetException e) {
        Throwable cause = e.getCause();
        return cause instanceof WeaveError ? cause : e;
    }
}
