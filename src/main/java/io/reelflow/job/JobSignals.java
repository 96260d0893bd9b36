package io.reelflow.job;

import java.time.Duration;

import io.reelflow.persistence.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Wakes this instance's idle worker threads when new work was committed here, one per piece of work (a new job, a
 * freed slot, a landing's room); other replicas poll.
 */
@ApplicationScoped
public class JobSignals {

    private final AfterCommit afterCommit;
    private final Object monitor = new Object();
    private long generation;
    /** Workers waiting in {@link #awaitAfter}. */
    private int waiting;
    /**
     * Wake-ups for one worker each, not taken yet: never more than the workers waiting, and one when none is (a
     * busy worker claims again when its step ends anyway).
     */
    private int pendingOne;

    public JobSignals(AfterCommit afterCommit) {
        this.afterCommit = afterCommit;
    }

    public void wake() {
        synchronized (monitor) {
            generation++;
            monitor.notifyAll();
        }
    }

    /**
     * Wakes one idle worker, or the next to go idle when none is: for work that one claim takes (a new job, a
     * freed slot, the room a landing left). Waking them all would cost a claim transaction each, most finding
     * nothing; n calls wake up to n workers.
     */
    public void wakeOne() {
        synchronized (monitor) {
            pendingOne = Math.min(pendingOne + 1, Math.max(1, waiting));
            monitor.notify();
        }
    }

    /** Wake-ups for one worker not taken yet. */
    int pendingWakeUps() {
        synchronized (monitor) {
            return pendingOne;
        }
    }

    /** {@link #wakeOne()} once the current transaction commits. */
    public void wakeOneAfterCommit() {
        afterCommit.run(this::wakeOne);
    }

    /** The count of wake-ups so far: taken before looking for work, handed to {@link #awaitAfter}. */
    public long generation() {
        synchronized (monitor) {
            return generation;
        }
    }

    /**
     * Waits until woken after {@code seen} (a {@link #generation()} taken before looking for work), until a
     * {@link #wakeOne()} not taken by another worker, or until {@code timeout} passes. Returns at once when work was committed while the caller was looking, so that a
     * wake-up between an empty look and the wait is not lost.
     */
    public void awaitAfter(long seen, Duration timeout) throws InterruptedException {
        synchronized (monitor) {
            long deadline = System.nanoTime() + timeout.toNanos();
            waiting++;
            try {
                while (generation == seen) {
                    if (pendingOne > 0) {
                        pendingOne--;
                        return;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    monitor.wait(Math.max(1, left / 1_000_000));
                }
            } finally {
                waiting--;
            }
        }
    }
}
