package dev.weft.it;

import static dev.weft.it.HubThreadsTest.capturingErr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Coroutine;
import dev.weft.Hub;
import dev.weft.SpawnedGreenlet;
import dev.weft.sync.Channel;
import dev.weft.sync.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A {@code Channel} is a rendezvous, in gevent's order: a put to a waiting getter hands the item over and
 * lets the getter run before the putter goes on; a put with no getter waiting goes on only once a getter
 * has the item. Plain code yields as it does in any wait; the hub's own greenlet, which cannot wait, hands
 * the item over and goes on.
 */
class ChannelRendezvousTest {
    private final List<String> log = new ArrayList<>();

    @Test
    void aPutToAWaitingGetterLetsTheGetterRunBeforeThePutterGoesOn() {
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> getter = Hub.spawn(() -> log.add(ch.get()));
        SpawnedGreenlet<?> putter = Hub.spawn(() -> {
            ch.put("hello");
            log.add("sent hello");
        });
        Hub.joinAll(getter, putter);
        assertEquals(List.of("hello", "sent hello"), log);
    }

    @Test
    void aPutWithNoGetterWaitingGoesOnOnlyOnceAGetterHasTheItem() {
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> putter = Hub.spawn(() -> {
            ch.put("hello");
            log.add("sent hello");
        });
        SpawnedGreenlet<?> getter = Hub.spawn(() -> {
            Hub.sleep(0); // the putter waits first
            log.add(ch.get());
        });
        Hub.joinAll(getter, putter);
        assertEquals(List.of("hello", "sent hello"), log);
    }

    @Test
    void aTimedPutToAWaitingGetterLetsTheGetterRunFirstToo() {
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> getter = Hub.spawn(() -> log.add(ch.get()));
        SpawnedGreenlet<?> putter = Hub.spawn(() -> log.add("put returned " + ch.put("hello", Duration.ofSeconds(60))));
        Hub.joinAll(getter, putter);
        assertEquals(List.of("hello", "put returned true"), log);
    }

    @Test
    void plainCodesPutToAWaitingGetterRunsTheHubUntilTheGetterHasRun() {
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> getter = Hub.spawn(() -> log.add("got " + ch.get()));
        Hub.sleep(0);
        ch.put("x");
        log.add("plain code's put returned");
        assertEquals(List.of("got x", "plain code's put returned"), log);
        assertTrue(getter.isReady());
    }

    @Test
    void aPutToPlainCodeWaitingInGetLetsPlainCodeGoOnFirst() {
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> putter = Hub.spawn(() -> {
            ch.put("x");
            log.add("putter went on");
        });
        log.add("plain code got " + ch.get());
        assertEquals(List.of("plain code got x"), log, "the putter goes on only when plain code waits again");
        putter.join();
        assertEquals(List.of("plain code got x", "putter went on"), log);
    }

    @Test
    void theHubsOwnGreenletHandsTheItemToAWaitingGetterAndGoesOnAtOnce() {
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> getter = Hub.spawn(() -> log.add("got " + ch.get()));
        Hub.sleep(0);
        String err = capturingErr(() -> {
            Hub.current().submit(() -> {
                ch.put("x");
                log.add("hub's put returned");
            });
            getter.join();
        });
        assertEquals(List.of("hub's put returned", "got x"), log, err);
        assertEquals("", err);
    }

    @Test
    void aPutterKilledWhileTheGetterRunsFirstHasStillHandedItsItemOver() {
        Channel<String> ch = new Channel<>();
        Event go = new Event();
        SpawnedGreenlet<?> getter = Hub.spawn(() -> log.add("got " + ch.get()));
        SpawnedGreenlet<?>[] putter = new SpawnedGreenlet<?>[1];
        SpawnedGreenlet<?> killer = Hub.spawn(() -> {
            go.await();
            putter[0].kill(); // queued before the put: the putter takes it while the getter's turn comes
        });
        putter[0] = Hub.spawn(() -> {
            go.await();
            try {
                ch.put("x");
                log.add("putter went on");
            } finally {
                log.add("putter's finally");
            }
        });
        Hub.sleep(0);
        go.set();
        Hub.joinAll(getter, killer, putter[0]);
        assertEquals(List.of("putter's finally", "got x"), log);
        assertEquals("Channel[0/0 items, 0 getters, 0 putters waiting, 1 unfinished]", ch.toString());
    }

    @Test
    void aCoroutinesBodyInAGreenletHandsTheItemToAWaitingGetterAndGoesOn() {
        Channel<String> ch = new Channel<>();
        SpawnedGreenlet<?> getter = Hub.spawn(() -> log.add("got " + ch.get()));
        SpawnedGreenlet<?> g = Hub.spawn(() -> {
            Coroutine<Object, Object> put = Coroutine.of(() -> ch.put("x"));
            put.next(); // cannot wait inside the coroutine: hands the item over and returns
            log.add("coroutine's put returned " + put.isDone());
        });
        Hub.joinAll(getter, g);
        assertEquals(List.of("coroutine's put returned true", "got x"), log);
    }
}
