package io.reelflow.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Threads waiting for work as idle workers do, each up to an hour, counting those whose wait ended. */
final class IdleWorkers implements AutoCloseable {

    private final JobSignals signals;
    private final long seen;
    private final AtomicInteger woken = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();

    IdleWorkers(JobSignals signals) {
        this.signals = signals;
        this.seen = signals.generation();
    }

    /** Starts one more; returns once it waits or its wait already ended. */
    Thread add() {
        Thread waiter = new Thread(() -> {
            try {
                signals.awaitAfter(seen, Duration.ofHours(1));
                woken.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        threads.add(waiter);
        waiter.start();
        while (waiter.getState() != Thread.State.TIMED_WAITING && waiter.getState() != Thread.State.TERMINATED) {
            Thread.onSpinWait();
        }
        return waiter;
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
