package dev.weft.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Tests Weft code with JUnit Jupiter, with no agent flag: on a test class or a test method, it brings
 * in {@link WeftExtension}.
 *
 * <ul>
 *   <li>The Weft agent is attached to the running JVM when it was started without
 *       {@code -javaagent}, with verification on; classes loaded before that (the test class itself)
 *       are woven again. When the agent cannot be attached, the tests are skipped with the reason.
 *   <li>Each test runs on a fresh thread of its own, with a fresh hub, together with its
 *       {@code @BeforeEach} and {@code @AfterEach} methods. A test method annotated
 *       {@link dev.weft.Suspendable @Suspendable} runs as a greenlet on that hub; parameters of
 *       type {@link dev.weft.Hub} receive the test's hub.
 *   <li>The test fails when a greenlet it spawned is still running at its end (it is then killed),
 *       when an exception escaped a greenlet and nobody looked at it with
 *       {@code get()} or {@code exception()}, or when a callback linked to a greenlet, an
 *       {@code Event} or an {@code AsyncResult} threw.
 *   <li>With {@link #virtualTime()}, sleeps, timeouts and {@code spawnLater} run on a virtual clock.
 * </ul>
 *
 * <pre>{@code
 * @WeftTest(virtualTime = true)
 * class PingTest {
 *     @Test
 *     @Suspendable
 *     void anHourPassesAtOnce(Hub hub) {
 *         long start = hub.nanoTime();
 *         Hub.sleep(Duration.ofHours(1));
 *         assertEquals(Duration.ofHours(1).toNanos(), hub.nanoTime() - start);
 *     }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(WeftExtension.class)
public @interface WeftTest {
    /**
     * Runs the test's hub on virtual time: whenever nothing is runnable, the clock moves at once to the
     * next timer, so {@code Hub.sleep}, timeouts and {@code spawnLater} take no real time and every
     * run of the test sees the same order of events. {@link dev.weft.Hub#nanoTime()} reads the
     * virtual clock; {@code System.nanoTime()} does not change with it. On a method it overrides the
     * class's setting.
     *
     * @return whether the test runs on virtual time
     */
    boolean virtualTime() default false;
}
