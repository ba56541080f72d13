package dev.weft.internal;

import dev.weft.Suspendable;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Whether a method is {@code @Suspendable} as the agent sees it, for {@link Verifier}: annotated itself,
 * or overriding an annotated method of a supertype. Overriding is the language's: same name, and either
 * the same erased parameter and return types (a plain override, or a bridge, which has the erasure of
 * the method it implements) or the parameter types of the supertype's method as a member of this class
 * (its type variables bound by the {@code extends} and {@code implements} clauses on the way), erased,
 * with a return type assignable to that method's. The second is the target of a bridge:
 * {@code Integer apply(String)} in a {@code SuspendableFunction<String, Integer>}, which the agent weaves
 * because the bridge {@code apply(Object)} forwards to it.
 */
final class Overrides {
    /** Deeper type-variable chains than this are not followed (only malformed signatures have them). */
    private static final int MAX_DEPTH = 32;

    private Overrides() {
    }

    /** True when {@code m}, declared in {@code owner}, is annotated or overrides an annotated method. */
    static boolean isAnnotated(Class<?> owner, Method m) {
        if (m.isAnnotationPresent(Suspendable.class)) {
            return true;
        }
        try {
            return overridesAnnotated(owner, Map.of(), m, 0);
        } catch (RuntimeException | LinkageError e) {
            // a generic signature that does not parse, or names a class that cannot be loaded: no override found
            return false;
        }
    }

    private static boolean overridesAnnotated(Class<?> c, Map<TypeVariable<?>, Class<?>> bindings, Method m, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        Type[] supers = c.getGenericInterfaces();
        Type superclass = c.getGenericSuperclass();
        if (superclass != null) {
            supers = Arrays.copyOf(supers, supers.length + 1);
            supers[supers.length - 1] = superclass;
        }
        for (Type s : supers) {
            Class<?> raw = erase(s, bindings, 0);
            Map<TypeVariable<?>, Class<?>> bound = bind(raw, s, bindings);
            for (Method candidate : raw.getDeclaredMethods()) {
                if (candidate.getName().equals(m.getName()) && candidate.getParameterCount() == m.getParameterCount()
                        && candidate.isAnnotationPresent(Suspendable.class) && overrides(m, candidate, bound)) {
                    return true;
                }
            }
            if (overridesAnnotated(raw, bound, m, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private static boolean overrides(Method m, Method candidate, Map<TypeVariable<?>, Class<?>> bindings) {
        if (Arrays.equals(m.getParameterTypes(), candidate.getParameterTypes())
                && m.getReturnType() == candidate.getReturnType()) {
            return true;
        }
        Type[] generic = candidate.getGenericParameterTypes();
        Class<?>[] params = m.getParameterTypes();
        if (generic.length != params.length) {
            return false;
        }
        for (int i = 0; i < params.length; i++) {
            if (erase(generic[i], bindings, 0) != params[i]) {
                return false;
            }
        }
        return erase(candidate.getGenericReturnType(), bindings, 0).isAssignableFrom(m.getReturnType());
    }

    /** The type variables of {@code raw} bound to the erasure of the arguments {@code type} gives them. */
    private static Map<TypeVariable<?>, Class<?>> bind(Class<?> raw, Type type, Map<TypeVariable<?>, Class<?>> outer) {
        if (!(type instanceof ParameterizedType)) {
            return Map.of(); // raw inheritance: every variable stands for its bound's erasure
        }
        Type[] args = ((ParameterizedType) type).getActualTypeArguments();
        TypeVariable<?>[] vars = raw.getTypeParameters();
        Map<TypeVariable<?>, Class<?>> bound = new HashMap<>();
        for (int i = 0; i < vars.length && i < args.length; i++) {
            bound.put(vars[i], erase(args[i], outer, 0));
        }
        return bound;
    }

    /** The erasure of a type, with the type variables in {@code bindings} replaced by what they are bound to. */
    private static Class<?> erase(Type t, Map<TypeVariable<?>, Class<?>> bindings, int depth) {
        if (t instanceof Class) {
            return (Class<?>) t;
        }
        if (depth > MAX_DEPTH) {
            return Object.class;
        }
        if (t instanceof ParameterizedType) {
            return erase(((ParameterizedType) t).getRawType(), bindings, depth + 1);
        }
        if (t instanceof GenericArrayType) {
            Class<?> component = erase(((GenericArrayType) t).getGenericComponentType(), bindings, depth + 1);
            return java.lang.reflect.Array.newInstance(component, 0).getClass();
        }
        if (t instanceof TypeVariable) {
            Class<?> bound = bindings.get(t);
            return bound != null ? bound : erase(((TypeVariable<?>) t).getBounds()[0], bindings, depth + 1);
        }
        if (t instanceof WildcardType) {
            return erase(((WildcardType) t).getUpperBounds()[0], bindings, depth + 1);
        }
        return Object.class;
    }
}
