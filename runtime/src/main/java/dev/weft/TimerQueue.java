package dev.weft;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A hub's timers, first due first ({@link Timer#compareTo}: deadline, then the order they were
 * scheduled in). On the hub's thread only.
 *
 * <p>Most timers of a hub are scheduled in the order they come due: greenlets that sleep, or wait
 * with a time limit, for the same duration. Those go on an ascending run, a ring buffer, where adding
 * and taking are constant time and the memory is walked in order. Only a timer due before the last of
 * the run goes on a binary heap beside it, whose deadlines are kept in a {@code long[]} of their own,
 * so that a sift compares numbers next to each other instead of loading one timer object per step:
 * with a million timers, most of those would miss the cache. The first due is the earlier of the two
 * heads.
 */
final class TimerQueue implements Iterable<Timer> {
    private static final int FIRST_CAPACITY = 16;
    /** Arrays grown beyond this are let go when they empty, so a burst of timers does not stay in memory. */
    private static final int KEPT_CAPACITY = 1024;

    /** The ascending run: {@code count} entries from {@code head}, each due no earlier than the one before. */
    private Timer[] run = new Timer[FIRST_CAPACITY];
    private int head;
    private int count;

    /** The heap of the others, and their deadlines at the same indexes. */
    private Timer[] heap = new Timer[FIRST_CAPACITY];
    private long[] deadlines = new long[FIRST_CAPACITY];
    private int size;

    /** Adds {@code t}, whose deadline and sequence are set and do not change while it is here. */
    void add(Timer t) {
        if (count == 0 || t.compareTo(run[(head + count - 1) & (run.length - 1)]) >= 0) {
            if (count == run.length) {
                growRun();
            }
            run[(head + count) & (run.length - 1)] = t;
            count++;
        } else {
            heapAdd(t);
        }
    }

    /** {@return the timer due first, or null when there is none} */
    Timer peek() {
        if (count == 0) {
            return size == 0 ? null : heap[0];
        }
        Timer r = run[head];
        return size == 0 || r.compareTo(heap[0]) <= 0 ? r : heap[0];
    }

    /** Removes and returns the timer due first, or returns null when there is none. */
    Timer poll() {
        Timer t = peek();
        if (t == null) {
            return null;
        }
        if (count > 0 && t == run[head]) {
            run[head] = null;
            head = (head + 1) & (run.length - 1);
            if (--count == 0) {
                head = 0;
                if (run.length > KEPT_CAPACITY) {
                    run = new Timer[FIRST_CAPACITY];
                }
            }
        } else {
            heapPoll();
        }
        return t;
    }

    /** {@return how many timers there are, cancelled ones included} */
    int size() {
        return count + size;
    }

    /** {@return true when there are none} */
    boolean isEmpty() {
        return count + size == 0;
    }

    /** Every timer, in no particular order. */
    @Override
    public Iterator<Timer> iterator() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < count + size;
            }

            @Override
            public Timer next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int k = i++;
                return k < count ? run[(head + k) & (run.length - 1)] : heap[k - count];
            }
        };
    }

    private void growRun() {
        Timer[] bigger = new Timer[run.length * 2];
        for (int k = 0; k < count; k++) {
            bigger[k] = run[(head + k) & (run.length - 1)];
        }
        run = bigger;
        head = 0;
    }

    /** True when the entry at {@code i} is due before the one at {@code j}: deadline, then sequence. */
    private boolean before(int i, int j) {
        long d = deadlines[i] - deadlines[j];
        return d != 0 ? d < 0 : heap[i].sequence - heap[j].sequence < 0;
    }

    private void heapAdd(Timer t) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
            deadlines = Arrays.copyOf(deadlines, size * 2);
        }
        int i = size++;
        heap[i] = t;
        deadlines[i] = t.deadline;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(i, parent)) {
                break;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void heapPoll() {
        int last = --size;
        heap[0] = heap[last];
        deadlines[0] = deadlines[last];
        heap[last] = null;
        if (size == 0) {
            if (heap.length > KEPT_CAPACITY) {
                heap = new Timer[FIRST_CAPACITY];
                deadlines = new long[FIRST_CAPACITY];
            }
            return;
        }
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(child + 1, child)) {
                child++;
            }
            if (!before(child, i)) {
                break;
            }
            swap(i, child);
            i = child;
        }
    }

    private void swap(int i, int j) {
        Timer t = heap[i];
        heap[i] = heap[j];
        heap[j] = t;
        long d = deadlines[i];
        deadlines[i] = deadlines[j];
        deadlines[j] = d;
    }
}
