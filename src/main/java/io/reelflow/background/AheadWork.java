package io.reelflow.background;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Work done ahead of the moment it is needed, on threads of {@link MediaThreads#ahead} priority, one piece per key.
 * A caller that needs a piece before a thread has started it takes it over: no thread starts it then. A piece is
 * not started before a grace period from its queueing, so work that a caller needs at once is left to that caller
 * and the threads spend their cores on work that will really be waited for. A caller never waits for a thread: one
 * that comes while a thread is doing its piece does the work itself, at its own priority, rather than wait on a
 * thread below it (the work must give the same result either way).
 */
public final class AheadWork<K> implements AutoCloseable {

    private final ScheduledThreadPoolExecutor threads;
    private final int bound;
    private final Duration grace;
    private final Map<K, Piece> queued = new ConcurrentHashMap<>();

    /**
     * {@code threads} threads named {@code name}; at most {@code bound} pieces queued or in progress, beyond which
     * none is queued; none started before {@code grace} has passed since it was queued.
     */
    public AheadWork(String name, int threads, int bound, Duration grace) {
        this.threads = new ScheduledThreadPoolExecutor(threads, r -> MediaThreads.ahead(name, r));
        this.bound = bound;
        this.grace = grace;
    }

    /** Queues {@code work} for {@code key}; false when it was not queued (the queue full, stopped, or already queued). */
    public boolean queue(K key, Runnable work) {
        Piece piece = new Piece(key, work);
        if (queued.size() >= bound || queued.putIfAbsent(key, piece) != null) {
            return false;
        }
        try {
            threads.schedule(piece, grace.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (RejectedExecutionException e) {
            queued.remove(key, piece);
            return false;
        }
    }

    /** What a caller about to do a piece's work itself finds of it here. */
    public enum Found {
        /** Never queued, or already done: the caller looks for what the piece left, or does the work. */
        NONE,
        /** Queued and not started: the piece is the caller's now, and no thread will start it. */
        TAKEN,
        /** A thread is doing it right now: it goes on beside the caller's own work. */
        RUNNING
    }

    /**
     * Before the caller does the work of {@code key} itself: a piece not yet started is taken from the threads (none
     * will start it).
     */
    public Found takeOver(K key) {
        Piece piece = queued.get(key);
        if (piece == null) {
            return Found.NONE;
        }
        return piece.take() ? Found.TAKEN : Found.RUNNING;
    }

    /** Pieces queued or in progress. */
    public int pending() {
        return queued.size();
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    private final class Piece implements Runnable {

        private final K key;
        private final Runnable work;
        private final AtomicBoolean taken = new AtomicBoolean();

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
                queued.remove(key, this);
            }
        }
    }
}
