package dev.weft;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@link Hub#blocking} call: the task runs on another thread, the waiting greenlet is woken by a
 * callback that the task's thread submits to the hub when it is done.
 *
 * <p>The result is written by the task's thread before it submits, and read on the hub's thread after
 * the callback ran, so the submit orders the two. Everything else is touched on the hub's thread only.
 */
final class BlockingCall<T> implements Runnable {
    private final Hub hub;
    private final Hub.Waiter waiter;
    private final Callable<T> task;
    private T value;
    private Throwable exception;
    private boolean finished;
    /** The waiting greenlet left (killed): the result is dropped when it comes. */
    private boolean abandoned;

    private BlockingCall(Hub hub, Hub.Waiter waiter, Callable<T> task) {
        this.hub = hub;
        this.waiter = waiter;
        this.task = task;
    }

    /** Runs {@code task} on {@code executor} and waits for it; see {@link Hub#blocking(Executor, Callable)}. */
    @Suspendable
    static <T> T await(Executor executor, Callable<T> task) {
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(task, "task");
        Hub hub = Hub.get();
        BlockingCall<T> call = new BlockingCall<>(hub, Hub.Waiter.forCurrent("Hub.blocking"), task);
        hub.outstanding.incrementAndGet();
        try {
            executor.execute(call);
        } catch (RuntimeException | Error e) {
            hub.outstanding.decrementAndGet();
            throw e;
        }
        try {
            call.waiter.park(null);
        } finally {
            if (!call.finished) {
                call.abandoned = true;
            }
        }
        if (call.exception != null) {
            throw Greenlet.unchecked(call.exception);
        }
        return call.value;
    }

    /** On the task's thread. */
    @Override
    public void run() {
        try {
            value = task.call();
        } catch (Throwable e) {
            exception = e;
        }
        try {
            hub.submit(this::complete);
        } catch (IllegalStateException threadEnded) {
            // the waiting greenlet's thread has ended: nobody is left to take the result
        }
    }

    /** On the hub's thread: hands the result to the waiting greenlet, or drops it when that one left. */
    private void complete() {
        hub.outstanding.decrementAndGet();
        finished = true;
        if (abandoned) {
            value = null;
            exception = null;
        } else {
            waiter.wake();
        }
    }

    /** The default pool, once created. */
    private static volatile ThreadPoolExecutor pool;

    /** The default pool: created on first use, shared by every hub. */
    static Executor pool() {
        ThreadPoolExecutor p = pool;
        if (p == null) {
            synchronized (BlockingCall.class) {
                p = pool;
                if (p == null) {
                    p = createPool(threads(System.getProperty("weft.blocking.threads", "16")));
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Parses the most threads of the default pool, {@code -Dweft.blocking.threads=N}.
     *
     * @throws IllegalArgumentException unless it is a number of at least 1
     */
    static int threads(String setting) {
        int n;
        try {
            n = Integer.parseInt(setting.trim());
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException("weft.blocking.threads must be a number of threads, at least 1, "
                    + "but was '" + setting + "'");
        }
        return n;
    }

    private static ThreadPoolExecutor createPool(int threads) {
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor p = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "weft-blocking-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        p.allowCoreThreadTimeOut(true);
        return p;
    }
}
