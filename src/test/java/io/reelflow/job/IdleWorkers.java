package io.reelflow.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads waiting for work as idle workers do after a look that found nothing due within the hour, counting those
 * whose wait ended and those of them that are to make the instance's poll.
 */
final class IdleWorkers implements AutoCloseable {

    private final JobSignals signals;
    private final long seen;
    private final AtomicInteger woken = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    IdleWorkers(JobSignals signals) {
        this.signals = signals;
        this.seen = signals.generation();
    }

    /** Starts one more; returns once it waits or its wait already ended. */
    Thread add() {
        Thread waiter = new Thread(() -> {
            try {
                if (signals.awaitAfter(seen, Duration.ofHours(1))) {
                    polls.incrementAndGet();
                }
                woken.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        threads.add(waiter);
        waiter.start();
        awaitState(waiter, Thread.State.TIMED_WAITING, Thread.State.WAITING);
        return waiter;
    }

    /** Returns once {@code thread} is in one of {@code states} or has ended. */
    static void awaitState(Thread thread, Thread.State... states) {
        java.util.Set<Thread.State> wanted = java.util.EnumSet.of(Thread.State.TERMINATED, states);
        while (!wanted.contains(thread.getState())) {
            Thread.onSpinWait();
        }
    }

    /** Waits until at least {@code count} were woken; fails after a minute (a wake-up that never came). */
    void awaitWoken(int count) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (woken.get() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(woken.get() + " of " + count + " idle workers woken after a minute");
            }
            Thread.onSpinWait();
        }
    }

    /** How many of the ended waits were for the instance's poll. */
    int polls() {
        return polls.get();
    }

    /** Ends every wait still going (interrupted, not counted) and returns how many were woken. */
    int stop() throws InterruptedException {
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(60).toMillis());
        }
        return woken.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
