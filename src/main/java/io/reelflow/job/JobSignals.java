package io.reelflow.job;

import java.time.Duration;

import io.reelflow.persistence.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Wakes this instance's idle worker threads when new work was committed here, one per piece of work (a new job, a
 * freed slot, a landing's room), and keeps one poll for all of them: work that other replicas commit and work that
 * falls due later (a status poll, a retry) is looked for by one idle worker at a time, when the last look that
 * found nothing said it would be due, at the latest after the idle poll. A poll that finds work has another idle
 * worker look at once, so work that fell due together is taken together; a poll that finds nothing costs one claim
 * transaction for the instance, not one for each idle thread.
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
    /** Whether a poll is due at {@link #nextPoll}; not while a worker is making the last one. */
    private boolean pollScheduled;
    /** When the next poll is due ({@link System#nanoTime()}). */
    private long nextPoll;

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

    /** A poll found work: more may be due, so an idle worker makes the next poll now. */
    public void pollNow() {
        synchronized (monitor) {
            schedulePoll(System.nanoTime());
        }
    }

    /** The count of wake-ups so far: taken before looking for work, handed to {@link #awaitAfter}. */
    public long generation() {
        synchronized (monitor) {
            return generation;
        }
    }

    /**
     * Waits, after a look for work that found none, until woken after {@code seen} (a {@link #generation()} taken
     * before that look), until a {@link #wakeOne()} not taken by another worker, or until the instance's next poll
     * is due and this worker is the one to make it. That look counts as the instance's latest, so the next poll is
     * due {@code nextLook} after it. Returns true when the caller is to make the poll; at once when work was
     * committed while the caller was looking, so that a wake-up between an empty look and the wait is not lost.
     */
    public boolean awaitAfter(long seen, Duration nextLook) throws InterruptedException {
        synchronized (monitor) {
            long now = System.nanoTime();
            long next = now + nextLook.toNanos();
            // The look just made is the poll that was due, if one was: the next is due from it. A poll due sooner
            // than that stays.
            if (!pollScheduled || nextPoll - now <= 0 || next - nextPoll < 0) {
                schedulePoll(next);
            }
            waiting++;
            try {
                while (generation == seen) {
                    if (pendingOne > 0) {
                        pendingOne--;
                        return false;
                    }
                    if (!pollScheduled) {
                        monitor.wait();
                        continue;
                    }
                    long left = nextPoll - System.nanoTime();
                    if (left <= 0) {
                        pollScheduled = false;
                        return true;
                    }
                    monitor.wait(Math.max(1, left / 1_000_000));
                }
                return false;
            } finally {
                waiting--;
            }
        }
    }

    private void schedulePoll(long at) {
        boolean sooner = !pollScheduled || at - nextPoll < 0;
        pollScheduled = true;
        nextPoll = at;
        if (sooner) {
            // Waiting workers wait for the poll they knew of, or for none.
            monitor.notifyAll();
        }
    }
}
