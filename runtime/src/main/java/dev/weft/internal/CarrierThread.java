package dev.weft.internal;

/**
 * A thread that keeps its own {@link Stack} slot in a field, for threads that run a hub alongside
 * other busy threads ({@code dev.weft.HubGroup}'s). Not API.
 *
 * <p>Woven code finds the running stack through a cache shared by all threads (see {@code Carrier}):
 * one thread using Weft at a time hits it, but two busy threads would each find the other's slot
 * there, overwrite it, and make every woven method's entry a {@code ThreadLocal} lookup and a store
 * to a cache line the other core keeps taking back. A carrier thread finds its slot in this field
 * instead and leaves the shared cache alone.
 */
public class CarrierThread extends Thread {
    final Carrier carrier = new Carrier(this);

    /**
     * Creates a thread that runs {@code body} (see {@link Thread#Thread(Runnable, String)}).
     *
     * @param body what the thread runs
     * @param name the thread's name
     */
    public CarrierThread(Runnable body, String name) {
        super(body, name);
    }
}
