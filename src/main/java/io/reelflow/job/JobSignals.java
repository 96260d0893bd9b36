package io.reelflow.job;

import java.time.Duration;

import io.reelflow.persistence.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;

/** Wakes this instance's idle worker threads when new work was committed here; other replicas poll. */
@ApplicationScoped
public class JobSignals {

    private final AfterCommit afterCommit;
    private final Object monitor = new Object();
    private long generation;
    /** A wake-up for one idle worker that no worker has taken yet. */
    private boolean oneCalled;

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
     * Wakes one idle worker, or the next to go idle when none is: for work that one claim takes, such as the room
     * a landing left. Waking them all would cost a claim transaction each.
     */
    public void wakeOne() {
        synchronized (monitor) {
            oneCalled = true;
            monitor.notify();
        }
    }

    public void wakeAfterCommit() {
        afterCommit.run(this::wake);
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
            while (generation == seen) {
                if (oneCalled) {
                    oneCalled = false;
                    return;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                monitor.wait(Math.max(1, left / 1_000_000));
            }
        }
    }
}
