package dev.weft;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method that may suspend the coroutine running it.
 *
 * <p>The Weft agent rewrites every method carrying this annotation, every override or implementation
 * of such a method, and every lambda or method reference implementing a functional interface whose
 * abstract method carries it, so that it can be suspended and resumed. A caller that is not itself
 * suspendable sees the original behaviour; a suspension that would pass through a method the agent
 * did not rewrite is reported as an error.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Suspendable {
}
