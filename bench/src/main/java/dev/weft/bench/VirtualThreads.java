package dev.weft.bench;

import java.util.concurrent.ThreadFactory;

/**
 * Virtual threads (JDK 21+), reached by reflection once so that this module still compiles for
 * Java 17: {@code Thread.ofVirtual().factory()}, used without reflection afterwards.
 */
final class VirtualThreads {
    private VirtualThreads() {
    }

    /** A factory of unstarted virtual threads. */
    static ThreadFactory factory() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        } catch (NoSuchMethodException | ClassNotFoundException e) {
            throw new IllegalStateException("virtual threads need JDK 21 or later, but this JVM is Java "
                    + System.getProperty("java.version") + ": run bench/run.sh with JDK=/path/to/jdk21+", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("could not get a virtual-thread factory through Thread.ofVirtual()", e);
        }
    }
}
