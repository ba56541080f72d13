package dev.weft;

import dev.weft.internal.Task;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The text of {@link Hub#dump()}: every greenlet of a hub with its state and stack, like a thread
 * dump. Built on the hub's thread, from the hub's lists of parked waiters and unfinished greenlets.
 */
final class HubDump {
    private final Hub hub;
    /** The thread's stack where {@code dump} was called: the running greenlet's and plain code's frames. */
    private final StackTraceElement[] here;

    HubDump(Hub hub, StackTraceElement[] here) {
        this.hub = hub;
        this.here = here;
    }

    @Override
    public String toString() {
        Map<Greenlet, Waiter> waiting = new IdentityHashMap<>();
        List<Waiter> parked = hub.parkedWaiters();
        for (Waiter w : parked) {
            waiting.put(w.greenlet, w);
        }
        List<Greenlet> all = new ArrayList<>();
        all.add(hub.home.root);
        for (SpawnedGreenlet<?> g = hub.firstLive; g != null; g = g.nextLive) {
            all.add(g);
        }
        for (Waiter w : parked) {
            if (w.greenlet != hub.home.root && w.greenlet.spawned() == null && !all.contains(w.greenlet)) {
                all.add(w.greenlet); // a greenlet made by hand, waiting on the hub
            }
        }
        int[] timers = {0};
        hub.timers.forEach((entry, sequence) -> {
            if (!Hub.isCancelled(entry, sequence)) {
                timers[0]++;
                if (entry instanceof Greenlet) {
                    addMadeByHand(all, (Greenlet) entry); // asleep: a sleeping greenlet has no waiter
                }
            }
        });
        for (int i = 0; i < hub.readySize(); i++) {
            Object entry = hub.readyAt(i);
            if (entry instanceof Greenlet && ((Greenlet) entry).isAsleep()) {
                addMadeByHand(all, (Greenlet) entry); // woken from its sleep, not yet run
            }
        }
        int timerCount = timers[0];
        StringBuilder b = new StringBuilder();
        b.append("Hub of thread \"").append(hub.home.thread.getName()).append("\": ").append(all.size() - 1)
                .append(all.size() == 2 ? " greenlet" : " greenlets").append(" and plain code, ")
                .append(hub.readySize()).append(" ready, ").append(timerCount).append(timerCount == 1 ? " timer" : " timers")
                .append('\n');
        for (Greenlet g : all) {
            b.append('\n');
            describe(b, g, waiting.get(g));
        }
        return b.toString();
    }

    private void addMadeByHand(List<Greenlet> all, Greenlet g) {
        if (g != hub.home.root && g.spawned() == null && !all.contains(g)) {
            all.add(g);
        }
    }

    private void describe(StringBuilder b, Greenlet g, Waiter w) {
        b.append('"').append(hub.nameOf(g)).append('"');
        if (g == hub.home.root) {
            b.append(" (plain code)");
        }
        List<String> frames;
        if (g == hub.home.current) {
            b.append(" running");
            frames = runningFrames(here, g == hub.home.root);
        } else if (!g.isStarted()) {
            b.append(" not started");
            frames = List.of();
        } else {
            if (w == null && g.isAsleep()) {
                // a greenlet in Hub.sleep keeps no waiter: its sleep says where it is
                String sleep = "Hub.sleep" + ((g.sleep & Hub.SLEEP_TIMED) != 0 ? " (with a timeout)" : "");
                b.append((g.sleep & Hub.SLEEP_WOKEN) != 0 ? " ready, woken from " : " waiting in ").append(sleep);
            } else if (w == null) {
                b.append(" suspended");
            } else if (w.isWoken()) {
                b.append(" ready, woken from ").append(w.describe());
            } else {
                b.append(" waiting in ").append(w.describe());
            }
            frames = g == hub.home.root ? rootFrames(here) : g.task.suspendedAt();
        }
        b.append('\n');
        for (String f : frames) {
            b.append("\tat ").append(f).append('\n');
        }
    }

    /** The caller's frames below {@code dump}: up to the task that runs it, or all of them for plain code. */
    private static List<String> runningFrames(StackTraceElement[] here, boolean plain) {
        List<String> frames = new ArrayList<>();
        for (StackTraceElement e : here) {
            if (e.getClassName().equals(Hub.class.getName()) && e.getMethodName().startsWith("dump")) {
                frames.clear();
                continue;
            }
            if (!plain && e.getClassName().equals(Task.class.getName())) {
                break;
            }
            frames.add(e.toString());
        }
        return frames;
    }

    /** Plain code's frames while a greenlet runs: those beneath the trampoline that runs the greenlets. */
    private static List<String> rootFrames(StackTraceElement[] here) {
        List<String> frames = new ArrayList<>();
        boolean below = false;
        for (StackTraceElement e : here) {
            if (below) {
                frames.add(e.toString());
            } else if (e.getClassName().equals(Trampoline.class.getName()) && e.getMethodName().equals("run")) {
                below = true;
            }
        }
        return frames;
    }
}
