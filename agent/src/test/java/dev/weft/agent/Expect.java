package dev.weft.agent;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The trace of a fixture that cannot run without weaving (it drives a {@code Generator} or a
 * {@code Coroutine} of its own), stated instead of taken from the un-woven run.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Expect {
    /** The events, in order. */
    String[] value();
}
