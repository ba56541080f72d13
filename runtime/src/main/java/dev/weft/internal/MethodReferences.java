package dev.weft.internal;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaConversionException;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bootstrap methods for method references that implement a suspendable functional interface: what
 * woven code links its {@code invokedynamic} sites with instead of {@link LambdaMetafactory}. Not API.
 *
 * <p>A call through the interface ({@code SuspendableCallable.call()}) reaches the referenced method
 * ({@code Other.compute()}) through a class the metafactory spins, which is not woven. The referenced
 * method saves its frame under its own identity, while the caller checks for the interface method's
 * identity: the two would never match, and every suspension through a method reference to another
 * class would look lost. So each site records, when it is linked, that the referenced method's
 * identity stands for the interface method's (and its bridges'); the checks accept such an alias.
 * Everything else is delegated to {@link LambdaMetafactory} with the original arguments, so the
 * objects created, serialization included, are exactly the ones javac asked for.
 */
public final class MethodReferences {
    private static final Set<Long> ALIASES = ConcurrentHashMap.newKeySet();

    private MethodReferences() {
    }

    /**
     * Links a method reference like {@link LambdaMetafactory#metafactory}, after recording that frames
     * saved under {@code targetId} stand for the interface method {@code name sam}.
     *
     * @param caller the lookup of the class whose {@code invokedynamic} site is linked
     * @param name the name of the functional interface's method
     * @param type the site's type: the captured values in, the functional interface out
     * @param sam the erased type of the functional interface's method
     * @param impl the referenced method
     * @param instantiated the type calls through the interface are checked against: {@code sam}, or
     *     narrower where generics fix a type argument
     * @param targetId the identity the referenced method's frames carry
     * @return the call site {@link LambdaMetafactory#metafactory} returns for the same arguments
     * @throws LambdaConversionException when the metafactory refuses the arguments
     */
    public static CallSite metafactory(MethodHandles.Lookup caller, String name, MethodType type, MethodType sam,
            MethodHandle impl, MethodType instantiated, int targetId) throws LambdaConversionException {
        alias(name, sam, targetId);
        return LambdaMetafactory.metafactory(caller, name, type, sam, impl, instantiated);
    }

    /**
     * Links a method reference like {@link LambdaMetafactory#altMetafactory}, after recording that
     * frames saved under the referenced method's identity stand for the interface method and each of
     * its bridges.
     *
     * @param caller the lookup of the class whose {@code invokedynamic} site is linked
     * @param name the name of the functional interface's method
     * @param type the site's type: the captured values in, the functional interface out
     * @param args the metafactory's static arguments, followed by the identity (an {@code Integer}) the
     *     referenced method's frames carry
     * @return the call site {@link LambdaMetafactory#altMetafactory} returns for the original arguments
     * @throws LambdaConversionException when the metafactory refuses the arguments
     */
    public static CallSite altMetafactory(MethodHandles.Lookup caller, String name, MethodType type, Object... args)
            throws LambdaConversionException {
        int targetId = (Integer) args[args.length - 1];
        Object[] original = Arrays.copyOf(args, args.length - 1);
        alias(name, (MethodType) original[0], targetId);
        int flags = (Integer) original[3];
        int i = 4;
        if ((flags & LambdaMetafactory.FLAG_MARKERS) != 0) {
            i += 1 + (Integer) original[i];
        }
        if ((flags & LambdaMetafactory.FLAG_BRIDGES) != 0) {
            int bridges = (Integer) original[i];
            for (int b = 1; b <= bridges; b++) {
                alias(name, (MethodType) original[i + b], targetId);
            }
        }
        return LambdaMetafactory.altMetafactory(caller, name, type, original);
    }

    private static void alias(String name, MethodType sam, int targetId) {
        ALIASES.add(key(Stack.idOf(name + sam.toMethodDescriptorString()), targetId));
    }

    /** True when frames of {@code targetId} may stand where the caller expects {@code calleeId}. */
    static boolean isAlias(int calleeId, int targetId) {
        return ALIASES.contains(key(calleeId, targetId));
    }

    private static long key(int calleeId, int targetId) {
        return ((long) calleeId << 32) | (targetId & 0xffffffffL);
    }
}
