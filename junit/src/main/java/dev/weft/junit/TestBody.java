package dev.weft.junit;

import dev.weft.Greenlet;
import dev.weft.Suspendable;
import dev.weft.SuspendableRunnable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;

/**
 * The greenlet body of a {@code @Suspendable} test (or lifecycle) method: invokes it reflectively, so
 * that it can suspend (a woven method's {@code Method.invoke} is a suspension point), and keeps what
 * it threw for the test instead of letting the hub report it.
 */
final class TestBody implements SuspendableRunnable {
    private final Method method;
    private final Object target;
    private final Object[] arguments;
    private Throwable thrown;
    /** The greenlet the method runs in, once it has started. */
    volatile Greenlet greenlet;

    TestBody(Method method, Object target, List<Object> arguments) {
        this.method = method;
        method.setAccessible(true); // as JUnit does: test classes and methods need not be public
        this.target = target;
        this.arguments = arguments.toArray();
    }

    @Override
    @Suspendable
    public void run() {
        greenlet = Greenlet.current();
        try {
            method.invoke(target, arguments);
        } catch (InvocationTargetException e) {
            thrown = e.getCause();
        } catch (Throwable e) {
            thrown = e;
        }
    }

    /** Rethrows what the method threw, if anything. */
    void rethrow() throws Throwable {
        if (thrown != null) {
            throw thrown;
        }
    }
}
