package dev.weft.sync;

import dev.weft.Greenlet;
import dev.weft.GreenletExit;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.SuspendableCallable;
import dev.weft.SuspendableFunction;
import dev.weft.SuspendableRunnable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * gevent's {@code Group}: spawned greenlets tracked together, to be joined, killed or mapped over as
 * one.
 *
 * <p>A greenlet spawned by the group (or {@linkplain #add added} to it) is a member until it
 * finishes: it then leaves the group by itself. {@link #map}, {@link #imap} and {@link #imapUnordered}
 * run a function over items, one member greenlet per item, and hand back the results. A
 * {@link Pool} is a group that runs at most a given number of members at once.
 *
 * <pre>{@code
 * Group group = new Group();
 * List<Integer> lengths = group.map(url -> fetch(url).length(), urls); // in the order of urls
 * }</pre>
 *
 * <p><b>Failures.</b> When the function fails for an item, {@code map} throws the exception of the
 * first failing item in input order (what a plain loop would have thrown), after the results before
 * it have come; an {@code imap} iteration hands out the results before the failing item and then throws
 * its exception; an {@code imapUnordered} iteration throws it when its turn comes in finish order. In
 * every case the workers whose results can no longer be handed out are killed at once, no further item
 * is started, and when the exception is thrown every other worker has finished. A checked exception
 * is wrapped in {@link dev.weft.CoroutineException}; it is not printed by the hub, since it reaches the
 * caller. gevent raises the exception in the same places but lets the other workers run on, and
 * prints each failure.
 *
 * <p>A member killed before it started, by {@link SpawnedGreenlet#kill()} or {@link Hub#killAll}
 * rather than through its group, never ran the code that tells the group it ended: it leaves (and frees
 * its place in a pool) the next time the group is asked ({@code size}, {@code contains},
 * {@code spawn}, {@code join}...). {@link #kill} and {@link #killAll()} have no such delay.
 *
 * <p>Like the rest of this package a group belongs to one thread's hub and is not thread-safe.
 */
public sealed class Group permits Pool {
    /** Members in the order they joined. */
    private final LinkedHashMap<SpawnedGreenlet<?>, Member> members = new LinkedHashMap<>();
    /** Members that may finish without telling the group: spawned but not started yet, or added. */
    private int unsure;

    /** Creates an empty group. */
    public Group() {
    }

    /**
     * Spawns a greenlet running {@code run} on this thread's hub, as a member of this group.
     *
     * @param run the body
     * @return the spawned greenlet, whose value is null
     */
    @Suspendable
    public SpawnedGreenlet<Void> spawn(SuspendableRunnable run) {
        Objects.requireNonNull(run, "run");
        return spawn(() -> {
            run.run();
            return null;
        });
    }

    /**
     * Spawns a greenlet computing {@code call} on this thread's hub, as a member of this group; in a
     * {@link Pool}, first waits while the pool is full.
     *
     * @param call the body; its result is the greenlet's value
     * @param <T> the type of the value
     * @return the spawned greenlet
     */
    @Suspendable
    public <T> SpawnedGreenlet<T> spawn(SuspendableCallable<T> call) {
        Objects.requireNonNull(call, "call");
        reserve();
        return spawnReserved(call, null);
    }

    /**
     * Makes {@code greenlet}, spawned elsewhere, a member until it finishes; in a {@link Pool}, first
     * waits while the pool is full. Does nothing for a member or a finished greenlet.
     *
     * @param greenlet a greenlet of this thread's hub
     */
    @Suspendable
    public void add(SpawnedGreenlet<?> greenlet) {
        Objects.requireNonNull(greenlet, "greenlet");
        if (members.containsKey(greenlet) || greenlet.isReady()) {
            return;
        }
        reserve();
        if (members.containsKey(greenlet) || greenlet.isReady()) {
            unreserve();
            return;
        }
        Member m = new Member(greenlet, null);
        enter(m);
        // no link to its end (the body is not ours): a small greenlet waits for it to finish
        Hub.spawn(() -> {
            greenlet.join();
            leave(m);
        });
    }

    /**
     * Stops tracking {@code greenlet}, which goes on running (in a {@link Pool}, its place is freed).
     *
     * @param greenlet the greenlet
     * @return true when it was a member
     */
    public boolean discard(SpawnedGreenlet<?> greenlet) {
        Member m = members.get(greenlet);
        if (m == null) {
            return false;
        }
        remove(m);
        return true;
    }

    /** {@return the number of members: greenlets of the group that have not finished} */
    public int size() {
        purge();
        return members.size();
    }

    /** {@return true when the group has no members} */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Returns whether {@code greenlet} is a member.
     *
     * @param greenlet the greenlet
     * @return true while it belongs to the group and has not finished
     */
    public boolean contains(SpawnedGreenlet<?> greenlet) {
        purge();
        return members.containsKey(greenlet);
    }

    /** {@return a copy of the members, in the order they joined the group} */
    public List<SpawnedGreenlet<?>> greenlets() {
        purge();
        return new ArrayList<>(members.keySet());
    }

    /**
     * Waits until the group is empty, members that join meanwhile included.
     *
     * @throws IllegalStateException when called by a member, which would wait for itself
     */
    @Suspendable
    public void join() {
        joinFor(null);
    }

    /**
     * Waits at most {@code timeout} until the group is empty.
     *
     * @param timeout the longest time to wait
     * @return true when the group is empty, false when the time ran out
     * @throws IllegalStateException when called by a member, which would wait for itself
     */
    @Suspendable
    public boolean join(Duration timeout) {
        return joinFor(Objects.requireNonNull(timeout, "timeout"));
    }

    @Suspendable
    private boolean joinFor(Duration timeout) {
        if (memberRunning(Greenlet.current())) {
            throw new IllegalStateException("Group.join() was called by a member of the group, which would wait "
                    + "for itself forever; join the group from a greenlet outside it");
        }
        long deadline = timeout == null ? 0 : Hub.current().nanoTime() + Math.min(nanos(timeout), Long.MAX_VALUE / 4);
        while (true) {
            purge();
            if (members.isEmpty()) {
                return true;
            }
            // joining members one by one also catches those killed before they started
            SpawnedGreenlet<?> first = members.keySet().iterator().next();
            if (timeout == null) {
                first.join();
            } else {
                long left = deadline - Hub.current().nanoTime();
                if (left <= 0 || !first.join(Duration.ofNanos(left))) {
                    purge();
                    return members.isEmpty();
                }
            }
        }
    }

    /**
     * Kills {@code greenlet} (see {@link SpawnedGreenlet#kill()}) and waits until it has finished, when
     * it is a member (gevent's {@code killone}); does nothing otherwise.
     *
     * @param greenlet the member to kill
     */
    @Suspendable
    public void kill(SpawnedGreenlet<?> greenlet) {
        Member m = members.get(greenlet);
        if (m == null) {
            return;
        }
        greenlet.kill();
        leaveIfFinished(m);
    }

    /**
     * Kills every member and waits until they have finished, until the group is empty (members spawned
     * meanwhile are killed too); gevent's {@code Group.kill}. Called by a member, it kills itself last.
     * A member that catches its {@code GreenletExit} and goes on keeps this waiting: to stop waiting at a
     * time limit, use {@link #killAll(Duration)}.
     */
    @Suspendable
    public void killAll() {
        while (true) {
            purge();
            if (members.isEmpty()) {
                return;
            }
            killMembers(new ArrayList<>(members.keySet()));
        }
    }

    /**
     * Kills every member as {@link #killAll()} does, newcomers too, but waits at most {@code timeout}
     * for the group to become empty, and returns the members left when the time ran out: those that
     * caught their {@code GreenletExit} and went on, or whose {@code finally} blocks still wait (see
     * {@link Hub#killAll(Duration, SpawnedGreenlet...)}; every kill is delivered before it returns, so
     * a zero timeout gives the members one pass of the hub). They stay members, running.
     *
     * @param timeout the longest time to wait, counted from this call
     * @return the members that had not finished, in the order they joined; empty when the group is empty
     */
    @Suspendable
    public List<SpawnedGreenlet<?>> killAll(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = Hub.current().nanoTime() + Math.min(nanos(timeout), Long.MAX_VALUE / 4);
        while (true) {
            purge();
            if (members.isEmpty()) {
                return List.of();
            }
            long left = Math.max(0, deadline - Hub.current().nanoTime());
            List<SpawnedGreenlet<?>> notEnded = killMembers(new ArrayList<>(members.keySet()), Duration.ofNanos(left));
            if (!notEnded.isEmpty() || deadline - Hub.current().nanoTime() <= 0) {
                // members spawned during the last round, too late to be killed, are left too
                return greenlets();
            }
        }
    }

    /** Kills those of {@code greenlets} that are members, waits until they have finished, and lets them leave. */
    @Suspendable
    void killMembers(Collection<? extends SpawnedGreenlet<?>> greenlets) {
        killMembers(greenlets, null);
    }

    /**
     * Kills those of {@code greenlets} that are members, waits until they have finished (for at most
     * {@code timeout} unless it is null), and lets those that have leave; returns those that have not.
     */
    @Suspendable
    private List<SpawnedGreenlet<?>> killMembers(Collection<? extends SpawnedGreenlet<?>> greenlets, Duration timeout) {
        List<Member> victims = new ArrayList<>(greenlets.size());
        for (SpawnedGreenlet<?> g : greenlets) {
            Member m = members.get(g);
            if (m != null) {
                victims.add(m);
            }
        }
        SpawnedGreenlet<?>[] all = new SpawnedGreenlet<?>[victims.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = victims.get(i).greenlet;
        }
        List<SpawnedGreenlet<?>> notEnded;
        if (timeout == null) {
            Hub.killAll(all);
            notEnded = List.of();
        } else {
            notEnded = Hub.killAll(timeout, all);
        }
        for (Member m : victims) {
            leaveIfFinished(m);
        }
        return notEnded;
    }

    /**
     * Runs {@code call} in a member greenlet and returns its result, or throws its exception (a checked
     * one wrapped in {@link dev.weft.CoroutineException}); gevent's {@code apply}. Called by a member of
     * a {@link Pool}, it runs {@code call} in the calling greenlet instead, so that a full pool cannot
     * wait for itself.
     *
     * @param call the computation
     * @param <T> the type of the result
     * @return the result
     * @throws CancellationException when the greenlet running it was killed before it finished
     */
    @Suspendable
    public <T> T apply(SuspendableCallable<T> call) {
        Objects.requireNonNull(call, "call");
        if (runsDirectly()) {
            try {
                return call.call();
            } catch (Throwable e) {
                throw MapResults.unchecked(e);
            }
        }
        Applied<T> outcome = new Applied<>();
        SpawnedGreenlet<Void> g = spawn(() -> {
            try {
                outcome.value = call.call();
                outcome.done = true;
            } catch (GreenletExit killed) {
                throw killed;
            } catch (Throwable e) {
                outcome.failure = e;
            }
        });
        g.join();
        if (outcome.failure != null) {
            throw MapResults.unchecked(outcome.failure);
        }
        if (!outcome.done) {
            throw new CancellationException("the greenlet running Group.apply was killed before it finished");
        }
        return outcome.value;
    }

    /**
     * Applies {@code fn} to every item, each in its own member greenlet, and returns the results in
     * the order of the items; see the class comment for failures.
     *
     * @param fn the function
     * @param items the items; an empty iterable gives an empty list
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the results, in input order
     */
    @Suspendable
    public <T, R> List<R> map(SuspendableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        MapResults<R> results = imap(fn, items);
        try {
            List<R> all = new ArrayList<>();
            while (results.hasNext()) {
                all.add(results.next());
            }
            return all;
        } finally {
            results.close();
        }
    }

    /**
     * Starts applying {@code fn} to every item, each in its own member greenlet, and returns the
     * results in the order of the items, each as soon as it and those before it are ready.
     *
     * @param fn the function
     * @param items the items, taken one at a time as workers start
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the iteration over the results
     */
    public <T, R> MapResults<R> imap(SuspendableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return MapResults.start(this, fn, items, true);
    }

    /**
     * Starts applying {@code fn} to every item, each in its own member greenlet, and returns the
     * results in the order they finish.
     *
     * @param fn the function
     * @param items the items, taken one at a time as workers start
     * @param <T> the type of the items
     * @param <R> the type of the results
     * @return the iteration over the results
     */
    public <T, R> MapResults<R> imapUnordered(SuspendableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return MapResults.start(this, fn, items, false);
    }

    /** Waits for room for one more member: never in a group, while full in a pool. */
    @Suspendable
    void reserve() {
    }

    /** Gives back room taken by {@link #reserve()} and not used, or freed by a member leaving. */
    void unreserve() {
    }

    /** True when map, imap and apply should run in the calling greenlet instead of spawning. */
    boolean runsDirectly() {
        return false;
    }

    /**
     * Spawns a member in room already reserved; {@code unrun} is called if it is killed before it
     * started and the group notices it (see {@link #purge()}).
     */
    <T> SpawnedGreenlet<T> spawnReserved(SuspendableCallable<T> call, Runnable unrun) {
        Member m = new Member(null, unrun);
        SpawnedGreenlet<T> g = Hub.spawn(() -> runMember(m, call));
        m.greenlet = g;
        enter(m);
        return g;
    }

    @Suspendable
    private <T> T runMember(Member m, SuspendableCallable<T> call) throws Exception {
        m.runner = Greenlet.current();
        if (m.unsure) {
            m.unsure = false;
            unsure--;
        }
        try {
            return call.call();
        } finally {
            // the member leaves at the end of its body: gevent does it with a link
            leave(m);
        }
    }

    /** True when {@code g} runs the body of a member of this group. */
    final boolean memberRunning(Greenlet g) {
        for (Member m : members.values()) {
            if (m.runner == g) {
                return true;
            }
        }
        return false;
    }

    /**
     * Lets members that finished without telling the group leave: greenlets killed before they
     * started (their body, which would have left, never ran) and added greenlets whose watcher has not
     * run yet.
     */
    void purge() {
        if (unsure == 0) {
            return;
        }
        for (Member m : new ArrayList<>(members.values())) {
            if (m.unsure && m.greenlet.isReady()) {
                leave(m);
            }
        }
    }

    private void enter(Member m) {
        members.put(m.greenlet, m);
        m.unsure = true;
        unsure++;
    }

    private void leaveIfFinished(Member m) {
        if (m.greenlet.isReady()) {
            leave(m);
        }
    }

    /** {@code m} has finished: it leaves, unless it left already (discarded, or added again since). */
    private void leave(Member m) {
        if (members.get(m.greenlet) != m) {
            return;
        }
        remove(m);
        if (m.runner == null && m.unrun != null) {
            m.unrun.run();
        }
    }

    private void remove(Member m) {
        members.remove(m.greenlet);
        if (m.unsure) {
            m.unsure = false;
            unsure--;
        }
        unreserve();
    }

    static long nanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + size() + " members]";
    }

    /** What {@link #apply}'s greenlet produced. */
    private static final class Applied<T> {
        T value;
        Throwable failure;
        boolean done;
    }

    /** A member greenlet, and what the group knows of it. */
    private static final class Member {
        SpawnedGreenlet<?> greenlet;
        /** Called when it turns out to have been killed before it started. */
        final Runnable unrun;
        /** The greenlet running its body, once started; null for added greenlets. */
        Greenlet runner;
        /** Counted in {@code unsure}. */
        boolean unsure;

        Member(SpawnedGreenlet<?> greenlet, Runnable unrun) {
            this.greenlet = greenlet;
            this.unrun = unrun;
        }
    }
}
