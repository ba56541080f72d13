package dev.weft.agent.weave;

/** Hands out local-variable slots past the ones the method already uses. */
final class LocalAllocator {
    private int next;

    LocalAllocator(int first) {
        this.next = first;
    }

    int allocate(int size) {
        int v = next;
        next += size;
        return v;
    }

    int maxLocals() {
        return next;
    }
}
