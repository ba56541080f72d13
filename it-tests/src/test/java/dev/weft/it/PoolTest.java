package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CoroutineException;
import dev.weft.Generator;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.sync.Event;
import dev.weft.sync.Group;
import dev.weft.sync.MapResults;
import dev.weft.sync.Pool;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** gevent's {@code Group} and {@code Pool} with {@code map}, {@code imap} and {@code imapUnordered}, with the real agent. */
class PoolTest {
    private final List<Object> log = new ArrayList<>();
    /** Greenlets in flight in {@link #counted}, and the most at once. */
    private int inFlight;
    private int maxInFlight;
    /** Never set: greenlets awaiting it wait until they are killed. */
    private final Event never = new Event();

    @AfterEach
    void nothingLeftRunning() {
        Hub.sleep(0); // what a test leaves ready runs now, not in the next test
        // a test that left a greenlet behind would make the next one's hub run it
        assertEquals(0, inFlight, "greenlets still in flight");
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().collect(Collectors.toList());
    }

    /** Lets every other ready greenlet run {@code turns} times. */
    @Suspendable
    private static void pass(int turns) {
        for (int i = 0; i < turns; i++) {
            Hub.sleep(0);
        }
    }

    /** Counts itself in flight for {@code turns} passes of the hub, and returns {@code 10 * i}. */
    @Suspendable
    private int counted(int i, int turns) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
            pass(turns);
            return 10 * i;
        } finally {
            inFlight--;
        }
    }

    @Test
    void aGroupTracksItsGreenletsUntilEachFinishes() {
        Group group = new Group();
        Event go = new Event();
        SpawnedGreenlet<String> a = group.spawn(() -> "a");
        SpawnedGreenlet<Void> b = group.spawn(() -> go.await());
        assertEquals(2, group.size());
        assertTrue(group.contains(a));
        assertEquals(List.of(a, b), group.greenlets());
        a.join();
        assertFalse(group.contains(a), "a finished greenlet leaves the group by itself");
        assertTrue(group.contains(b));
        go.set();
        group.join();
        assertTrue(group.isEmpty());
        assertEquals("a", a.get());
    }

    @Test
    void aFailingMemberLeavesTheGroupToo() {
        Group group = new Group();
        SpawnedGreenlet<Object> failing = group.spawn(() -> {
            throw new IllegalStateException("expected by the test");
        });
        group.join();
        assertTrue(group.isEmpty());
        assertTrue(failing.exception() instanceof IllegalStateException);
    }

    @Test
    void addedGreenletsLeaveWhenTheyFinishAndDiscardedOnesAreForgotten() {
        Group group = new Group();
        Event go = new Event();
        SpawnedGreenlet<?> added = Hub.spawn(() -> go.await());
        SpawnedGreenlet<?> discarded = Hub.spawn(() -> go.await());
        group.add(added);
        group.add(discarded);
        group.add(added); // twice: once a member
        assertEquals(2, group.size());
        assertTrue(group.discard(discarded));
        assertFalse(group.discard(discarded));
        assertFalse(group.contains(discarded));
        go.set();
        group.join();
        assertTrue(added.isReady());
        assertTrue(group.isEmpty());
        Hub.joinAll(discarded);
        group.add(discarded); // finished: not added
        assertTrue(group.isEmpty());
    }

    @Test
    void joinWithATimeoutReturnsFalseWhileAMemberRuns() {
        Group group = new Group();
        Event go = new Event();
        group.spawn(() -> go.await());
        assertFalse(group.join(Duration.ofMillis(2)));
        assertEquals(1, group.size());
        Hub.spawn(go::set);
        assertTrue(group.join(Duration.ofSeconds(60)));
        assertTrue(group.join(Duration.ZERO), "an empty group is joined at once");
    }

    @Test
    void aMemberJoiningItsOwnGroupIsRefused() {
        Group group = new Group();
        SpawnedGreenlet<Void> member = group.spawn(() -> group.join());
        IllegalStateException e = assertThrows(IllegalStateException.class, member::get);
        assertTrue(e.getMessage().startsWith("Group.join() was called by a member of the group"), e.getMessage());
    }

    @Test
    void killAllKillsEveryMemberAndTheirFinallyBlocksRun() {
        Group group = new Group();
        for (int i = 0; i < 3; i++) {
            int n = i;
            group.spawn(() -> {
                try {
                    never.await();
                } finally {
                    log.add("finally " + n);
                }
            });
        }
        SpawnedGreenlet<?> quick = group.spawn(() -> log.add("quick ran"));
        Hub.sleep(0); // the first three are waiting; the fourth has finished
        SpawnedGreenlet<?> late = group.spawn(() -> log.add("late never runs"));
        group.killAll();
        assertTrue(group.isEmpty());
        assertTrue(late.isReady());
        assertTrue(quick.isReady());
        assertEquals(List.of("quick ran", "finally 0", "finally 1", "finally 2"), log);
    }

    @Test
    void killKillsOneMemberOnly() {
        Group group = new Group();
        SpawnedGreenlet<Void> a = group.spawn(() -> never.await());
        SpawnedGreenlet<Void> b = group.spawn(() -> never.await());
        Hub.sleep(0);
        group.kill(a);
        assertTrue(a.isReady());
        assertEquals(List.of(b), group.greenlets());
        group.kill(Hub.spawn(() -> log.add("not a member, not killed")));
        group.killAll();
        assertEquals(List.of("not a member, not killed"), log);
    }

    @Test
    void mapReturnsResultsInInputOrderWhateverOrderTheyFinishIn() {
        Group group = new Group();
        // item i finishes after 5 - i passes: the last item finishes first
        List<String> results = group.map(i -> {
            pass(5 - i);
            log.add("finished " + i);
            return "r" + i;
        }, range(5));
        assertEquals(List.of("r0", "r1", "r2", "r3", "r4"), results);
        assertEquals(List.of("finished 4", "finished 3", "finished 2", "finished 1", "finished 0"), log);
        assertTrue(group.isEmpty());
    }

    @Test
    void mapOfNoItemsIsEmpty() {
        assertEquals(List.of(), new Group().map(i -> i, List.of()));
        assertEquals(List.of(), new Pool(2).map(i -> i, List.of()));
        MapResults<Object> none = new Pool(1).imapUnordered(i -> i, List.of());
        assertFalse(none.hasNext());
        assertThrows(NoSuchElementException.class, none::next);
    }

    @Test
    void imapHandsOutEachResultInInputOrderAsSoonAsItIsReady() {
        Group group = new Group();
        Event second = new Event();
        MapResults<String> results = group.imap(i -> {
            if (i == 1) {
                second.await();
            }
            log.add("finished " + i);
            return "r" + i;
        }, range(3));
        assertTrue(results.hasNext());
        assertEquals("r0", results.next());
        // item 2 has finished too, but its turn comes after item 1's
        assertEquals(List.of("finished 0", "finished 2"), log);
        second.set();
        assertEquals("r1", results.next());
        assertEquals("r2", results.next());
        assertFalse(results.hasNext());
    }

    @Test
    void imapUnorderedHandsOutResultsInTheOrderTheyFinish() {
        Group group = new Group();
        MapResults<Integer> results = group.imapUnordered(i -> {
            pass(4 - i);
            return i;
        }, range(4));
        List<Integer> got = new ArrayList<>();
        while (results.hasNext()) {
            got.add(results.next());
        }
        assertEquals(List.of(3, 2, 1, 0), got);
    }

    @Test
    void imapCanBeIteratedByAGreenletAndTakesItemsFromAGenerator() {
        Pool pool = new Pool(2);
        Generator<Integer> items = Generator.of(() -> {
            for (int i = 1; i <= 4; i++) {
                Generator.yield(i);
            }
        });
        SpawnedGreenlet<List<Integer>> consumer = Hub.spawn(() -> {
            List<Integer> got = new ArrayList<>();
            try (MapResults<Integer> squares = pool.imap(i -> {
                pass(1);
                return i * i;
            }, items)) {
                while (squares.hasNext()) {
                    got.add(squares.next());
                }
            }
            return got;
        });
        assertEquals(List.of(1, 4, 9, 16), consumer.get());
    }

    @Test
    void aPoolNeverRunsMoreThanItsCapacityAtOnce() {
        Pool pool = new Pool(3);
        List<Integer> results = pool.map(i -> counted(i, 1 + i % 4), range(20));
        assertEquals(range(20).stream().map(i -> 10 * i).collect(Collectors.toList()), results);
        assertEquals(3, maxInFlight);

        maxInFlight = 0;
        MapResults<Integer> unordered = pool.imapUnordered(i -> counted(i, 1 + i % 3), range(10));
        int sum = 0;
        while (unordered.hasNext()) {
            sum += unordered.next();
        }
        assertEquals(450, sum);
        assertEquals(3, maxInFlight);
        assertEquals(3, pool.freeCount());
    }

    @Test
    void spawnWaitsWhileThePoolIsFullAndWaitersGetTheirTurnInOrder() {
        Pool pool = new Pool(2);
        Event go = new Event();
        SpawnedGreenlet<Void> a = pool.spawn(() -> go.await());
        pool.spawn(() -> go.await());
        assertTrue(pool.isFull());
        assertEquals(0, pool.freeCount());
        assertEquals(2, pool.capacity());
        List<SpawnedGreenlet<?>> spawners = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int n = i;
            spawners.add(Hub.spawn(() -> {
                log.add("spawner " + n + " waits");
                pool.spawn(() -> log.add("member " + n + " runs"));
                log.add("spawner " + n + " spawned");
            }));
        }
        Hub.sleep(0);
        assertEquals(List.of("spawner 0 waits", "spawner 1 waits"), log);
        pool.kill(a); // one place frees: spawner 0 gets it (while kill waits for a to finish)
        assertEquals(List.of("spawner 0 waits", "spawner 1 waits", "spawner 0 spawned"), log);
        go.set();
        Hub.joinAll(spawners.toArray(new SpawnedGreenlet<?>[0]));
        pool.join();
        assertEquals(List.of("spawner 0 waits", "spawner 1 waits", "spawner 0 spawned", "member 0 runs",
                "spawner 1 spawned", "member 1 runs"), log);
        assertEquals(2, pool.freeCount());
    }

    @Test
    void waitAvailableWaitsForRoomWithoutTakingIt() {
        Pool pool = new Pool(1);
        assertTrue(pool.waitAvailable(Duration.ZERO));
        Event go = new Event();
        pool.spawn(() -> go.await());
        assertFalse(pool.waitAvailable(Duration.ofMillis(2)));
        Hub.spawn(go::set);
        pool.waitAvailable();
        assertEquals(1, pool.freeCount());
        assertFalse(pool.isFull());
    }

    @Test
    void addToAFullPoolWaitsAndDiscardFreesAPlace() {
        Pool pool = new Pool(1);
        Event go = new Event();
        SpawnedGreenlet<Void> member = pool.spawn(() -> never.await());
        SpawnedGreenlet<Void> outsider = Hub.spawn(() -> go.await());
        SpawnedGreenlet<?> adder = Hub.spawn(() -> {
            pool.add(outsider);
            log.add("added");
        });
        Hub.sleep(0);
        assertEquals(List.of(), log, "the adder waits for room");
        assertTrue(pool.discard(member));
        assertFalse(pool.contains(member));
        adder.join();
        assertEquals(List.of("added"), log);
        assertEquals(List.of(outsider), pool.greenlets());
        assertTrue(pool.isFull());
        go.set();
        pool.join();
        assertEquals(1, pool.freeCount());
        member.kill();
    }

    @Test
    void killingAMemberBeforeItStartsFreesItsPlace() {
        Pool pool = new Pool(1);
        SpawnedGreenlet<?> unstarted = pool.spawn(() -> log.add("never runs"));
        pool.kill(unstarted);
        assertEquals(1, pool.freeCount());
        SpawnedGreenlet<?> killedElsewhere = pool.spawn(() -> log.add("never runs either"));
        killedElsewhere.kill(); // not through the pool: the pool notices when asked
        assertEquals(1, pool.freeCount());
        assertEquals(0, pool.size());
        assertEquals(List.of(), log);
    }

    @Test
    void mapThrowsTheFirstFailureInInputOrderAndKillsTheOtherWorkers() {
        Group group = new Group();
        IllegalArgumentException one = new IllegalArgumentException("item 1");
        SpawnedGreenlet<List<Object>> mapper = Hub.spawn(() -> group.map(i -> {
            try {
                switch (i) {
                    case 0:
                        pass(3);
                        return "r0";
                    case 1:
                        pass(2);
                        throw one;
                    case 3:
                        throw new IllegalStateException("item 3, which fails first");
                    default:
                        never.await();
                        return "never";
                }
            } finally {
                log.add("end " + i);
            }
        }, range(5)));
        assertSame(one, assertThrows(IllegalArgumentException.class, mapper::get));
        // item 3 fails first, so item 4 is killed; item 1 then fails, so item 2 is killed; item 0 ends
        // normally; all of them before map throws item 1's exception
        assertEquals("end 3", log.get(0));
        assertEquals(Set.of("end 0", "end 1", "end 2", "end 3", "end 4"), new HashSet<>(log));
        assertEquals(5, log.size());
        assertTrue(group.isEmpty());
    }

    @Test
    void imapHandsOutTheResultsBeforeAFailureAndThenThrowsIt() {
        Pool pool = new Pool(2);
        MapResults<Integer> results = pool.imap(i -> {
            if (i == 2) {
                throw new IOException("item 2");
            }
            return counted(i, 1);
        }, range(10));
        assertEquals(0, results.next());
        assertEquals(10, results.next());
        CoroutineException e = assertThrows(CoroutineException.class, results::next);
        assertEquals("item 2", e.getCause().getMessage());
        assertFalse(results.hasNext());
        assertTrue(pool.isEmpty(), "no item after the failing one is left running");
        assertEquals(2, pool.freeCount());
    }

    @Test
    void imapUnorderedThrowsAFailureInItsTurnAndKillsTheRest() {
        Group group = new Group();
        MapResults<String> results = group.imapUnordered(i -> {
            try {
                if (i == 0) {
                    pass(2);
                    throw new IllegalStateException("item 0");
                }
                if (i == 1) {
                    return "r1";
                }
                never.await();
                return "never";
            } finally {
                log.add("end " + i);
            }
        }, range(4));
        assertEquals("r1", results.next());
        IllegalStateException e = assertThrows(IllegalStateException.class, results::next);
        assertEquals("item 0", e.getMessage());
        assertEquals(List.of("end 1", "end 0", "end 2", "end 3"), log);
        assertFalse(results.hasNext());
        assertTrue(group.isEmpty());
    }

    @Test
    void aFailingInputEndsTheIterationAtItsPosition() {
        Group group = new Group();
        Iterable<Integer> failing = () -> new java.util.Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (i == 2) {
                    throw new IllegalStateException("the input broke at item 2");
                }
                return i++;
            }
        };
        MapResults<Integer> results = group.imap(i -> i, failing);
        assertEquals(0, results.next());
        assertEquals(1, results.next());
        assertEquals("the input broke at item 2", assertThrows(IllegalStateException.class, results::next).getMessage());
    }

    @Test
    void killingTheGroupDuringImapEndsItWithACancellation() {
        Group group = new Group();
        MapResults<Object> results = group.imap(i -> {
            never.await();
            return i;
        }, range(3));
        pass(2); // the feeder spawns the workers, which then wait
        group.killAll();
        CancellationException e = assertThrows(CancellationException.class, results::next);
        assertEquals("the greenlet mapping item 0 of Group.imap was killed while it ran", e.getMessage());
        assertFalse(results.hasNext());
    }

    @Test
    void killingTheWorkersBeforeTheyStartEndsImapWithACancellationToo() {
        Group group = new Group();
        MapResults<Object> results = group.imapUnordered(i -> i, range(3));
        pass(1); // the feeder has spawned the workers, which have not started
        group.killAll();
        CancellationException e = assertThrows(CancellationException.class, results::next);
        assertEquals("the greenlet mapping item 0 of Group.imapUnordered was killed before it started", e.getMessage());
        assertFalse(results.hasNext());
    }

    @Test
    void closingAnImapKillsTheWorkersStillRunning() {
        Pool pool = new Pool(2);
        MapResults<Object> results = pool.imap(i -> {
            try {
                never.await();
                return i;
            } finally {
                log.add("end " + i);
            }
        }, range(5));
        pass(2); // two workers are waiting; the other items wait for room
        results.close();
        assertEquals(List.of("end 0", "end 1"), log);
        assertTrue(pool.isEmpty());
        assertFalse(results.hasNext());
    }

    @Test
    void killingTheGreenletWaitingInMapKillsItsWorkers() {
        Pool pool = new Pool(3);
        SpawnedGreenlet<List<Object>> mapper = Hub.spawn(() -> pool.map(i -> {
            try {
                never.await();
                return i;
            } finally {
                log.add("end " + i);
            }
        }, range(5)));
        pass(3); // the mapper waits for results, three workers wait for the event
        mapper.kill();
        assertEquals(List.of("end 0", "end 1", "end 2"), log);
        assertTrue(pool.isEmpty());
    }

    @Test
    void applyRunsTheFunctionInAMemberAndReturnsItsResultOrThrows() {
        Pool pool = new Pool(1);
        assertEquals("applied", pool.apply(() -> {
            log.add(pool.size());
            return "applied";
        }));
        assertEquals(List.of(1), log);
        IOException io = new IOException("apply failed");
        assertSame(io, assertThrows(CoroutineException.class, () -> pool.apply(() -> {
            throw io;
        })).getCause());
        assertNull(new Group().apply(() -> null));
    }

    @Test
    void aMemberOfAFullPoolMapsInItsOwnGreenletInsteadOfWaitingForItself() {
        Pool pool = new Pool(1);
        SpawnedGreenlet<List<Integer>> member = pool.spawn(() -> {
            int outer = pool.apply(() -> 1);
            List<Integer> mapped = pool.map(i -> counted(i, 1), range(3));
            MapResults<Integer> more = pool.imap(i -> i + outer, range(2));
            while (more.hasNext()) {
                mapped.add(more.next());
            }
            return mapped;
        });
        assertEquals(List.of(0, 10, 20, 1, 2), member.get());
        assertEquals(1, maxInFlight);
    }

    @Test
    void aMemberOfAGroupStillMapsInWorkerGreenlets() {
        Group group = new Group();
        SpawnedGreenlet<List<Integer>> member = group.spawn(() -> group.map(i -> counted(i, 2), range(4)));
        assertEquals(List.of(0, 10, 20, 30), member.get());
        assertEquals(4, maxInFlight, "a group never waits for room, so its members need not map in their own greenlet");
    }

    @Test
    void aPoolNeedsACapacityOfAtLeastOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pool(0));
        assertEquals("a pool needs a capacity of at least 1, but was given 0 (for no limit, use Group)", e.getMessage());
    }
}
