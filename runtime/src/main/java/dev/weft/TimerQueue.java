package dev.weft;

import java.util.Arrays;

/**
 * A hub's timers, first due first: by deadline (a {@link Hub#nanoTime} value, compared by
 * difference), then in the order they were scheduled (their sequence, also compared by difference).
 * On the hub's thread only.
 *
 * <p>An entry is any object with its deadline and sequence beside it: a {@link Timer}, or a
 * {@link Greenlet} in {@code Hub.sleep}, which is its own entry (no object more per sleep; see
 * {@code Hub.isCancelled}). The queue only orders them; what an entry means, and whether it still
 * counts, is the hub's business.
 *
 * <p>Most timers of a hub are scheduled in the order they come due: greenlets that sleep, or wait
 * with a time limit, for the same duration. Those go on an ascending run, a ring buffer, where adding
 * and taking are constant time and the memory is walked in order. Only a timer due before the last of
 * the run goes on a binary heap beside it. Both keep deadlines and sequences in arrays of their own,
 * so that a comparison reads numbers next to each other instead of loading one object per step: with
 * a million timers, most of those would miss the cache. The first due is the earlier of the two heads.
 */
final class TimerQueue {
    private static final int FIRST_CAPACITY = 12;
    /** Arrays grown beyond this are let go when they empty, so a burst of timers does not stay in memory. */
    private static final int KEPT_CAPACITY = 1024;

    /** What {@link #forEach} calls for each entry. */
    interface Visitor {
        /** Called with one entry and the sequence it was added with. */
        void visit(Object entry, int sequence);
    }

    /** The ascending run: {@code count} entries from {@code head}, each due no earlier than the one before. */
    private Object[] run = new Object[FIRST_CAPACITY];
    private long[] runDeadlines = new long[FIRST_CAPACITY];
    private int[] runSequences = new int[FIRST_CAPACITY];
    private int head;
    private int count;

    /** The heap of the others, with their deadlines and sequences at the same indexes. */
    private Object[] heap = new Object[FIRST_CAPACITY];
    private long[] deadlines = new long[FIRST_CAPACITY];
    private int[] sequences = new int[FIRST_CAPACITY];
    private int size;

    /** True when (d1, s1) comes due before (d2, s2). */
    private static boolean before(long d1, int s1, long d2, int s2) {
        long d = d1 - d2;
        return d != 0 ? d < 0 : s1 - s2 < 0;
    }

    /** Adds {@code entry}, due at {@code deadline}, scheduled {@code sequence}-th. */
    void add(Object entry, long deadline, int sequence) {
        if (count == 0) {
            head = 0;
        } else {
            int last = slot(count - 1);
            if (before(deadline, sequence, runDeadlines[last], runSequences[last])) {
                heapAdd(entry, deadline, sequence);
                return;
            }
            if (count == run.length) {
                growRun();
            }
        }
        int i = slot(count);
        run[i] = entry;
        runDeadlines[i] = deadline;
        runSequences[i] = sequence;
        count++;
    }

    /** True when the first due is the run's head (there is one), false when it is the heap's. */
    private boolean runFirst() {
        return count > 0 && (size == 0 || !before(deadlines[0], sequences[0], runDeadlines[head], runSequences[head]));
    }

    /** {@return the first due entry, or null} */
    Object peek() {
        if (count + size == 0) {
            return null;
        }
        return runFirst() ? run[head] : heap[0];
    }

    /** {@return the deadline of the first due entry; the queue must not be empty} */
    long peekDeadline() {
        return runFirst() ? runDeadlines[head] : deadlines[0];
    }

    /** {@return the sequence of the first due entry; the queue must not be empty} */
    int peekSequence() {
        return runFirst() ? runSequences[head] : sequences[0];
    }

    /** Removes and returns the first due entry, or returns null. */
    Object poll() {
        if (count + size == 0) {
            return null;
        }
        if (!runFirst()) {
            Object e = heap[0];
            heapPoll();
            return e;
        }
        Object e = run[head];
        run[head] = null;
        head = slot(1);
        if (--count == 0) {
            head = 0;
            if (run.length > KEPT_CAPACITY) {
                run = new Object[FIRST_CAPACITY];
                runDeadlines = new long[FIRST_CAPACITY];
                runSequences = new int[FIRST_CAPACITY];
            }
        }
        return e;
    }

    /** {@return the number of entries} */
    int size() {
        return count + size;
    }

    /** {@return true when there is no entry} */
    boolean isEmpty() {
        return count + size == 0;
    }

    /** Calls {@code visitor} with every entry, in no particular order. */
    void forEach(Visitor visitor) {
        for (int k = 0; k < count; k++) {
            int i = slot(k);
            visitor.visit(run[i], runSequences[i]);
        }
        for (int k = 0; k < size; k++) {
            visitor.visit(heap[k], sequences[k]);
        }
    }

    /** The index in the run's arrays of its {@code k}-th entry from the head. */
    private int slot(int k) {
        int i = head + k;
        return i < run.length ? i : i - run.length;
    }

    /**
     * Grows the run: twice the room and 4 more, so that each of its arrays (4- and 8-byte elements)
     * is a power of two in bytes, header included. A million timers make arrays of megabytes, which
     * the collector (G1) keeps in whole regions of a power of two: an array just over one would take a
     * region more, mostly empty (12 bytes per timer at a million).
     */
    private void growRun() {
        int n = run.length * 2 + 4;
        Object[] r = new Object[n];
        long[] d = new long[n];
        int[] s = new int[n];
        for (int k = 0; k < count; k++) {
            int i = slot(k);
            r[k] = run[i];
            d[k] = runDeadlines[i];
            s[k] = runSequences[i];
        }
        run = r;
        runDeadlines = d;
        runSequences = s;
        head = 0;
    }

    private boolean heapBefore(int i, int j) {
        return before(deadlines[i], sequences[i], deadlines[j], sequences[j]);
    }

    private void heapAdd(Object entry, long deadline, int sequence) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
            deadlines = Arrays.copyOf(deadlines, size * 2);
            sequences = Arrays.copyOf(sequences, size * 2);
        }
        int i = size++;
        heap[i] = entry;
        deadlines[i] = deadline;
        sequences[i] = sequence;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!heapBefore(i, parent)) {
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
        sequences[0] = sequences[last];
        heap[last] = null;
        if (size == 0) {
            if (heap.length > KEPT_CAPACITY) {
                heap = new Object[FIRST_CAPACITY];
                deadlines = new long[FIRST_CAPACITY];
                sequences = new int[FIRST_CAPACITY];
            }
            return;
        }
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heapBefore(child + 1, child)) {
                child++;
            }
            if (!heapBefore(child, i)) {
                break;
            }
            swap(i, child);
            i = child;
        }
    }

    private void swap(int i, int j) {
        Object t = heap[i];
        heap[i] = heap[j];
        heap[j] = t;
        long d = deadlines[i];
        deadlines[i] = deadlines[j];
        deadlines[j] = d;
        int s = sequences[i];
        sequences[i] = sequences[j];
        sequences[j] = s;
    }
}
