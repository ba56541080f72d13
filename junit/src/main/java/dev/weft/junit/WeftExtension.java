package dev.weft.junit;

import dev.weft.Hub;
import dev.weft.Suspendable;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

/**
 * The JUnit Jupiter extension behind {@link WeftTest}: attaches the agent, runs each test on a fresh
 * thread and hub of its own, and fails tests that leave greenlets running or ignore their failures.
 *
 * <p>Register it with {@link WeftTest} rather than by hand; its behaviour is described there.
 */
public final class WeftExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, InvocationInterceptor, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WeftExtension.class);

    /** Creates the extension; JUnit does, for {@link WeftTest}. */
    public WeftExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        attach();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        attach();
        boolean virtualTime = settings(context).map(WeftTest::virtualTime).orElse(false);
        TestHub hub = new TestHub(context.getDisplayName(), virtualTime);
        context.getStore(NAMESPACE).put(TestHub.class, new Closing(hub));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Closing closing = context.getStore(NAMESPACE).get(TestHub.class, Closing.class);
        if (closing == null) {
            return; // beforeEach did not get as far (the agent could not be attached)
        }
        TestHub hub = closing.hub;
        Optional<AssertionError> problem;
        try {
            problem = hub.check(hub.spawnedSoFar(), "after @AfterEach");
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            hub.close();
        }
        if (problem.isPresent()) {
            throw problem.get();
        }
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        run(invocation, call, context, "at its end");
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        run(invocation, call, context, "at its end");
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        runOnly(invocation, call, testHub(context));
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context) throws Throwable {
        runOnly(invocation, call, testHub(context));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Hub.class && parameter.getDeclaringExecutable() instanceof Method;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (!context.getTestMethod().isPresent()) {
            throw new ParameterResolutionException("a Hub parameter is resolved for test methods and their "
                    + "@BeforeEach and @AfterEach methods only, which run on the test's thread; "
                    + parameter.getDeclaringExecutable() + " runs on no such thread");
        }
        try {
            return testHub(context).hub();
        } catch (Throwable e) {
            throw new ParameterResolutionException("could not create the test's hub", e);
        }
    }

    /** Runs the test method, then fails it for greenlets it left running or failures nobody looked at. */
    private static void run(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
            ExtensionContext context, String when) throws Throwable {
        TestHub hub = testHub(context);
        List<?> before = hub.spawnedSoFar();
        Throwable failure = null;
        try {
            runOnly(invocation, call, hub);
        } catch (Throwable t) {
            failure = t;
        }
        List<dev.weft.SpawnedGreenlet<?>> mine = hub.spawnedSoFar();
        mine.removeAll(before);
        Optional<AssertionError> problem = hub.check(mine, when);
        if (failure != null) {
            if (problem.isPresent()) {
                failure.addSuppressed(problem.get());
            }
            throw failure;
        }
        if (problem.isPresent()) {
            throw problem.get();
        }
    }

    /** Runs the invocation on the test's thread: as a greenlet when the method is {@code @Suspendable}. */
    private static void runOnly(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, TestHub hub)
            throws Throwable {
        Method method = call.getExecutable();
        if (method.isAnnotationPresent(Suspendable.class)) {
            invocation.skip();
            hub.runAsGreenlet(new TestBody(method, call.getTarget().orElse(null), call.getArguments()));
        } else {
            hub.call(invocation::proceed);
        }
    }

    private static void attach() {
        String failure = AgentAttacher.ensureInstalled();
        if (failure != null) {
            throw new TestAbortedException(failure);
        }
    }

    /** The nearest {@link WeftTest}: on the method, its class, or a class enclosing that one. */
    private static Optional<WeftTest> settings(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Optional<AnnotatedElement> element = c.getElement();
            if (element.isPresent()) {
                Optional<WeftTest> found = AnnotationSupport.findAnnotation(element.get(), WeftTest.class);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static TestHub testHub(ExtensionContext context) {
        Closing closing = context.getStore(NAMESPACE).get(TestHub.class, Closing.class);
        if (closing == null) {
            throw new IllegalStateException("no test hub for " + context.getDisplayName()
                    + ": WeftExtension must be registered for the test method or its class (use @WeftTest)");
        }
        return closing.hub;
    }

    /** Ends the test's thread when JUnit closes the test's store, should afterEach not have run. */
    @SuppressWarnings("deprecation") // CloseableResource for JUnit before 5.13, AutoCloseable after
    private static final class Closing implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        final TestHub hub;

        Closing(TestHub hub) {
            this.hub = hub;
        }

        @Override
        public void close() {
            hub.close();
        }
    }
}
