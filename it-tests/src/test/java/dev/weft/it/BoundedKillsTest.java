package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.junit.WeftTest;
import dev.weft.sync.Event;
import dev.weft.sync.Group;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code Hub.killAll(timeout, ...)}, {@code Group.killAll(timeout)} and {@code Hub.joinAll(timeout, ...)}
 * return by their time limit even when a greenlet ignores its kill, and name what did not end.
 */
@WeftTest(virtualTime = true)
class BoundedKillsTest {
    private final List<Object> log = new ArrayList<>();
    /** Set at the end of each test: lets the stubborn greenlets go. */
    private final Event release = new Event();

    /** A greenlet that catches every kill and goes on waiting, until {@link #release} is set. */
    private SpawnedGreenlet<?> stubborn(String name) {
        return Hub.spawn(() -> {
            while (!release.isSet()) {
                try {
                    release.await();
                } catch (Throwable ignored) {
                    log.add(name + " ignored " + ignored.getClass().getSimpleName());
                }
            }
        });
    }

    /** A greenlet that sleeps a day, logging its {@code finally}. */
    private SpawnedGreenlet<?> polite(String name) {
        return Hub.spawn(() -> {
            try {
                Hub.sleep(Duration.ofDays(1));
            } finally {
                log.add(name + " finally");
            }
        });
    }

    @Test
    void killAllWithATimeoutReturnsTheGreenletsThatIgnoredTheKillWhenTheTimeIsUp(Hub hub) {
        SpawnedGreenlet<?> a = polite("a");
        SpawnedGreenlet<?> s = stubborn("s");
        SpawnedGreenlet<?> b = polite("b");
        Hub.sleep(0);
        SpawnedGreenlet<?> late = Hub.spawn(() -> log.add("late ran")); // killed before it starts
        long start = hub.nanoTime();
        List<SpawnedGreenlet<?>> left = Hub.killAll(Duration.ofSeconds(1), a, s, b, late);
        assertEquals(Duration.ofSeconds(1).toNanos(), hub.nanoTime() - start, "waited the whole time for s");
        assertEquals(List.of(s), left);
        assertEquals(List.of("a finally", "s ignored GreenletExit", "b finally"), log, "the kills went in order");
        assertTrue(a.isReady() && b.isReady() && late.isReady());
        assertFalse(s.isReady());
        release.set();
        s.join();
    }

    @Test
    void killAllWithNoTimeLeftStillDeliversEveryKillInOnePass(Hub hub) {
        SpawnedGreenlet<?> s = stubborn("s");
        SpawnedGreenlet<?> a = polite("a");
        Hub.sleep(0);
        long start = hub.nanoTime();
        List<SpawnedGreenlet<?>> left = Hub.killAll(Duration.ZERO, s, a);
        assertEquals(0, hub.nanoTime() - start);
        assertEquals(List.of(s), left);
        assertEquals(List.of("s ignored GreenletExit", "a finally"), log);
        assertTrue(a.isReady());
        release.set();
        s.join();
    }

    @Test
    void killAllWithATimeoutReturnsAnEmptyListAsSoonAsAllHaveEnded(Hub hub) {
        SpawnedGreenlet<?> a = polite("a");
        SpawnedGreenlet<?> b = polite("b");
        Hub.sleep(0);
        long start = hub.nanoTime();
        assertEquals(List.of(), Hub.killAll(Duration.ofDays(1), a, b));
        assertEquals(0, hub.nanoTime() - start);
        assertEquals(List.of("a finally", "b finally"), log);
    }

    @Test
    void groupKillAllWithATimeoutReturnsTheMembersLeftWhenTheTimeIsUp(Hub hub) {
        Group group = new Group();
        group.spawn(() -> {
            try {
                Hub.sleep(Duration.ofDays(1));
            } finally {
                log.add("polite finally");
            }
        });
        SpawnedGreenlet<Void> s = group.spawn(() -> {
            while (!release.isSet()) {
                try {
                    release.await();
                } catch (Throwable ignored) {
                    log.add("stubborn ignored " + ignored.getClass().getSimpleName());
                }
            }
        });
        Hub.sleep(0);
        long start = hub.nanoTime();
        List<SpawnedGreenlet<?>> left = group.killAll(Duration.ofMillis(500));
        assertEquals(Duration.ofMillis(500).toNanos(), hub.nanoTime() - start);
        assertEquals(List.of(s), left);
        assertEquals(List.of(s), group.greenlets(), "it stays a member");
        assertEquals(List.of("polite finally", "stubborn ignored GreenletExit"), log);
        release.set();
        group.join();
        assertTrue(group.isEmpty());
    }

    @Test
    void groupKillAllWithATimeoutKillsMembersSpawnedMeanwhileToo(Hub hub) {
        Group group = new Group();
        group.spawn(() -> {
            try {
                Hub.sleep(Duration.ofDays(1));
            } finally {
                log.add("first finally");
                group.spawn(() -> {
                    try {
                        Hub.sleep(Duration.ofDays(1));
                    } finally {
                        log.add("newcomer finally");
                    }
                });
            }
        });
        Hub.sleep(0);
        assertEquals(List.of(), group.killAll(Duration.ofSeconds(1)));
        assertTrue(group.isEmpty());
        assertEquals(List.of("first finally", "newcomer finally"), log);
    }

    @Test
    void joinAllWithATimeoutReturnsByItsLimitWhileAKillIsIgnored(Hub hub) {
        SpawnedGreenlet<?> s = stubborn("s");
        Hub.sleep(0);
        SpawnedGreenlet<?> killer = Hub.spawn(s::kill); // waits for ever: s ignores the kill
        long start = hub.nanoTime();
        List<SpawnedGreenlet<?>> done = Hub.joinAll(Duration.ofSeconds(1), s, killer);
        assertEquals(Duration.ofSeconds(1).toNanos(), hub.nanoTime() - start);
        assertEquals(List.of(), done);
        assertEquals(List.of("s ignored GreenletExit"), log);
        release.set();
        Hub.joinAll(s, killer);
    }
}
