package io.reelflow.background;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work done ahead of the moment it is needed, on one thread of {@link MediaThreads#ahead} priority, one piece per
 * key. Whoever needs a piece first does it: the thread, or a caller that comes to it while it is still queued (the
 * thread then skips it). A caller that comes while the thread is doing it waits for it rather than do it twice.
 */
public final class AheadWork<K> implements AutoCloseable {

    private final ThreadPoolExecutor thread;
    private final Map<K, Piece> queued = new ConcurrentHashMap<>();

    /** One thread named {@code name}; at most {@code bound} pieces wait for it, beyond which none is queued. */
    public AheadWork(String name, int bound) {
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(bound),
                r -> MediaThreads.ahead(name, r));
    }

    /** Queues {@code work} for {@code key}; false when it was not queued (the queue full, stopped, or already queued). */
    public boolean queue(K key, Runnable work) {
        Piece piece = new Piece(key, work);
        if (queued.putIfAbsent(key, piece) != null) {
            return false;
        }
        try {
            thread.execute(piece);
            return true;
        } catch (RejectedExecutionException e) {
            queued.remove(key, piece);
            return false;
        }
    }

    /**
     * Before the caller does the work of {@code key} itself: takes it from the queue (the thread will not do it), or,
     * when the thread is doing it now, waits for it up to {@code wait}. Returns whether the thread did it (finished
     * within the wait); false leaves the work to the caller.
     */
    public boolean takeOrAwait(K key, Duration wait) throws InterruptedException {
        Piece piece = queued.get(key);
        if (piece == null || piece.take()) {
            return false;
        }
        return piece.done.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Pieces queued or in progress. */
    public int pending() {
        return queued.size();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private final class Piece implements Runnable {

        private final K key;
        private final Runnable work;
        private final AtomicBoolean taken = new AtomicBoolean();
        private final CountDownLatch done = new CountDownLatch(1);

        Piece(K key, Runnable work) {
            this.key = key;
            this.work = work;
        }

        boolean take() {
            if (!taken.compareAndSet(false, true)) {
                return false;
            }
            queued.remove(key, this);
            return true;
        }

        @Override
        public void run() {
            if (!taken.compareAndSet(false, true)) {
                return;
            }
            try {
                work.run();
            } finally {
                done.countDown();
                queued.remove(key, this);
            }
        }
    }
}
