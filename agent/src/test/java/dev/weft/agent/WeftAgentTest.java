package dev.weft.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The entry points register one retransform-capable transformer, however often they are called. */
class WeftAgentTest {
    @Test
    void installingTwiceRegistersOneTransformer() {
        List<Object[]> first = new ArrayList<>();
        List<Object[]> second = new ArrayList<>();
        Instrumentation before = WeftAgent.instrumentation();
        Instrumentation a = recording(first);
        WeftAgent.premain("verbose", a);
        WeftAgent.agentmain("", recording(second));
        assertEquals(0, second.size(), "a second install adds nothing");
        if (before == null) {
            assertSame(a, WeftAgent.instrumentation());
            assertEquals(1, first.size());
            assertTrue(first.get(0)[0] instanceof WeftTransformer);
            assertEquals(Boolean.TRUE, first.get(0)[1], "registered as able to retransform");
        } else {
            assertEquals(0, first.size(), "already installed by an earlier test");
            assertSame(before, WeftAgent.instrumentation());
        }
    }

    private static Instrumentation recording(List<Object[]> added) {
        return (Instrumentation) Proxy.newProxyInstance(WeftAgentTest.class.getClassLoader(),
                new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                    if (method.getName().equals("addTransformer")) {
                        added.add(new Object[] {args[0], args.length > 1 ? args[1] : Boolean.FALSE});
                        return null;
                    }
                    if (method.getName().equals("hashCode")) {
                        return System.identityHashCode(proxy);
                    }
                    if (method.getName().equals("equals")) {
                        return proxy == args[0];
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

}
