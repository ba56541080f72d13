package dev.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.Suspendable;
import dev.weft.sync.Event;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hub.dump: every greenlet with its state and its stack, like a thread dump, with the real agent. */
class HubDumpTest {
    /** The line of the call that suspends, as {@link #waitOn} records it. */
    private int waitLine;

    @Suspendable
    private void waitOn(Event e) {
        waitLine = new Throwable().getStackTrace()[0].getLineNumber(); e.await(); // same line: the suspension point
    }

    @Suspendable
    private void outer(Event e) {
        waitOn(e);
    }

    /** The block of {@code dump} that describes {@code name}. */
    private static String block(String dump, String name) {
        int start = dump.indexOf("\n\"" + name + "\"");
        assertTrue(start >= 0, name + " is not in the dump:\n" + dump);
        int end = dump.indexOf("\n\n", start + 1);
        return dump.substring(start + 1, end < 0 ? dump.length() : end).stripTrailing();
    }

    @Test
    void aSuspendedGreenletsStackNamesClassMethodAndLineInnermostFirst() {
        Event never = new Event();
        SpawnedGreenlet<?> g = Hub.spawn(() -> outer(never));
        Hub.sleep(0); // g waits in waitOn
        String dump = Hub.dump();
        String mine = block(dump, g.name());
        assertTrue(mine.startsWith("\"" + g.name() + "\" waiting in Event.await\n"), mine);
        String at = "\tat " + HubDumpTest.class.getName();
        int waitOnAt = mine.indexOf(at + ".waitOn(HubDumpTest.java:" + waitLine + ")");
        int outerAt = mine.indexOf(at + ".outer(HubDumpTest.java:");
        // the wait is a primitive of its own: its frame is named by the primitive, first
        int eventAt = mine.indexOf("\tat Event.await\n");
        assertEquals(mine.indexOf('\n') + 1, eventAt, mine);
        int lambdaAt = mine.indexOf(at + ".lambda$");
        assertTrue(eventAt > 0 && waitOnAt > eventAt && outerAt > waitOnAt && lambdaAt > outerAt,
                "innermost first, with lines:\n" + mine);
        g.kill();
        assertTrue(!Hub.dump().contains("\"" + g.name() + "\""), "a finished greenlet is not listed");
    }

    @Test
    void aGreenletMadeByHandIsListedWhileItSleeps() {
        List<Greenlet> made = new ArrayList<>();
        SpawnedGreenlet<?> maker = Hub.spawn(() -> {
            Greenlet byHand = new Greenlet(() -> Hub.sleep(Duration.ofSeconds(60)));
            made.add(byHand);
            byHand.switchTo(); // back here once byHand has finished
        });
        Hub.sleep(0); // maker runs, byHand goes to sleep
        String dump = Hub.dump();
        assertTrue(dump.contains('"' + maker.name() + "\" suspended"), dump);
        String byHand = made.get(0).toString();
        assertTrue(dump.contains("\n\"" + byHand + "\" waiting in Hub.sleep (with a timeout)\n\tat Hub.sleep\n"), dump);
        maker.kill();
    }

    @Test
    void aGreenletMadeByHandIsListedWhileItAwaitsAnEventAndNotOnceItIsWoken() {
        // a hand-made greenlet's own waiter is on the hub's list of parked waiters (a spawned greenlet's
        // is found through the greenlet): the event's wait must link it as it parks and unlink it as it
        // is woken
        Event event = new Event();
        List<Greenlet> made = new ArrayList<>();
        List<String> log = new ArrayList<>();
        SpawnedGreenlet<?> maker = Hub.spawn(() -> {
            Greenlet byHand = new Greenlet(() -> {
                event.await();
                log.add("woken");
            });
            made.add(byHand);
            byHand.switchTo(); // back here once byHand has finished
            log.add("maker ends");
        });
        Hub.sleep(0); // maker runs, byHand waits
        String byHand = made.get(0).toString();
        String waiting = "\n\"" + byHand + "\" waiting in Event.await\n\tat Event.await\n";
        assertTrue(Hub.dump().contains(waiting), Hub.dump());
        event.set();
        maker.join();
        assertEquals(List.of("woken", "maker ends"), log);
        assertTrue(!Hub.dump().contains(byHand), Hub.dump());
        assertTrue(!HubInternals.parkedGreenlets().contains(made.get(0)),
                "no waiter of it is left on the hub's list of parked waiters: " + HubInternals.parkedGreenlets());
    }

    @Test
    void everyStateIsShownAndPlainCodeRunsWithItsOwnStack() {
        Event never = new Event();
        Event soon = new Event();
        SpawnedGreenlet<?> waiting = Hub.spawn(() -> never.await());
        SpawnedGreenlet<?> woken = Hub.spawn(() -> soon.await());
        SpawnedGreenlet<?> sleeping = Hub.spawn(() -> Hub.sleep(Duration.ofSeconds(60)));
        Hub.sleep(0); // all three wait
        soon.set(); // woken is ready but has not run
        SpawnedGreenlet<?> unstarted = Hub.spawn(() -> { });
        String dump = Hub.dump();
        String main = Thread.currentThread().getName();
        assertTrue(dump.startsWith("Hub of thread \"" + main + "\": "), dump);
        String root = block(dump, main);
        assertTrue(root.startsWith("\"" + main + "\" (plain code) running\n\tat " + HubDumpTest.class.getName()
                + ".everyStateIsShownAndPlainCodeRunsWithItsOwnStack(HubDumpTest.java:"), root);
        assertTrue(block(dump, waiting.name()).startsWith("\"" + waiting.name() + "\" waiting in Event.await\n"), dump);
        assertTrue(block(dump, woken.name()).startsWith("\"" + woken.name() + "\" ready, woken from Event.await\n"), dump);
        assertTrue(block(dump, sleeping.name()).startsWith("\"" + sleeping.name() + "\" waiting in Hub.sleep (with a timeout)\n\tat "), dump);
        assertEquals("\"" + unstarted.name() + "\" not started", block(dump, unstarted.name()));
        Hub.killAll(waiting, woken, sleeping, unstarted);
    }

    @Test
    void dumpedFromAGreenletItIsRunningAndPlainCodeWaitsWithItsStack() {
        String[] dump = new String[1];
        SpawnedGreenlet<?> g = Hub.spawn(() -> dump[0] = Hub.dump());
        Hub.joinAll(g);
        String main = Thread.currentThread().getName();
        String mine = block(dump[0], g.name());
        assertTrue(mine.startsWith("\"" + g.name() + "\" running\n\tat " + HubDumpTest.class.getName() + ".lambda$"), mine);
        assertTrue(!mine.contains("dev.weft.internal.Task"), "the running greenlet's frames end at its body:\n" + mine);
        String root = block(dump[0], main);
        assertTrue(root.startsWith("\"" + main + "\" (plain code) waiting in Hub.joinAll for " + g.name() + "\n"), root);
        assertTrue(root.contains("\tat " + HubDumpTest.class.getName()
                + ".dumpedFromAGreenletItIsRunningAndPlainCodeWaitsWithItsStack(HubDumpTest.java:"), root);
    }

    @Test
    void dumpToAStreamPrintsTheSameText() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Hub.dump(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String printed = bytes.toString(StandardCharsets.UTF_8);
        List<String> lines = printed.lines().toList();
        assertTrue(lines.get(0).startsWith("Hub of thread \""), printed);
        assertTrue(lines.contains("\"" + Thread.currentThread().getName() + "\" (plain code) running"), printed);
    }
}
