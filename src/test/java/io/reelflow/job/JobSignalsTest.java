package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * A worker that found no work does not sleep through a wake-up that came while it was looking; a wake-up for one
 * worker wakes exactly one.
 */
class JobSignalsTest {

    private final JobSignals signals = new JobSignals(null);

    @Test
    void aWakeUpWhileLookingEndsTheWaitAtOnce() {
        long seen = signals.generation();
        signals.wake(); // committed work arrives after the look found nothing, before the wait

        // Without the generation seen before the look this would wait the whole hour.
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> signals.awaitAfter(seen, Duration.ofHours(1)));
        assertThat(signals.generation()).isEqualTo(seen + 1);
    }

    @Test
    void aWakeUpFromAnotherThreadEndsAWaitInProgress() throws Exception {
        Thread waiter = waitAnHour(signals.generation(), new AtomicInteger());
        assertThat(waiter.getState()).isEqualTo(Thread.State.TIMED_WAITING);

        signals.wake();

        waiter.join(Duration.ofSeconds(60).toMillis());
        assertThat(waiter.isAlive()).as("the waiter still waits").isFalse();
    }

    @Test
    void aWakeUpForOneEndsTheWaitOfOneWorkerOnly() throws Exception {
        long seen = signals.generation();
        AtomicInteger woken = new AtomicInteger();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(waitAnHour(seen, woken));
        }

        signals.wakeOne();

        // The other two wait for their hour: nothing else can end their wait, however long this looks.
        assertThat(wokenOnceSettled(woken, 1)).isEqualTo(1);
        assertThat(waiters.stream().filter(Thread::isAlive)).hasSize(2);
        stop(waiters);
    }

    @Test
    void aWakeUpForOneWithNobodyWaitingIsTakenByTheNextWorkerToWait() {
        long seen = signals.generation();
        signals.wakeOne();

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> signals.awaitAfter(seen, Duration.ofHours(1)));
        // Taken: the next worker to wait waits.
        Thread next = waitAnHour(seen, new AtomicInteger());
        assertThat(next.getState()).isEqualTo(Thread.State.TIMED_WAITING);
        next.interrupt();
    }

    @Test
    void nWakeUpsForOneWakeNWorkersAndWithNobodyWaitingOneIsKept() throws Exception {
        long seen = signals.generation();
        AtomicInteger woken = new AtomicInteger();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(waitAnHour(seen, woken));
        }

        signals.wakeOne();
        signals.wakeOne();

        assertThat(wokenOnceSettled(woken, 2)).as("two wake-ups, two workers").isEqualTo(2);
        stop(waiters);

        // Nobody waits: of five wake-ups one is kept (a new job for each would not need five claims at once).
        for (int i = 0; i < 5; i++) {
            signals.wakeOne();
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> signals.awaitAfter(seen, Duration.ofHours(1)));
        Thread next = waitAnHour(seen, woken);
        assertThat(next.getState()).isEqualTo(Thread.State.TIMED_WAITING);
        next.interrupt();
    }

    /** The count of woken workers once it reached {@code atLeast} and a moment passed for any more to wake. */
    private static int wokenOnceSettled(AtomicInteger woken, int atLeast) throws InterruptedException {
        while (woken.get() < atLeast) {
            Thread.onSpinWait();
        }
        Thread.sleep(200);
        return woken.get();
    }

    private static void stop(List<Thread> waiters) throws InterruptedException {
        waiters.forEach(Thread::interrupt);
        for (Thread waiter : waiters) {
            waiter.join(Duration.ofSeconds(60).toMillis());
        }
    }

    /** A worker waiting up to an hour, counted in {@code woken} when its wait ends; returned once it waits or ended. */
    private Thread waitAnHour(long seen, AtomicInteger woken) {
        Thread waiter = new Thread(() -> {
            try {
                signals.awaitAfter(seen, Duration.ofHours(1));
                woken.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        while (waiter.getState() != Thread.State.TIMED_WAITING && waiter.getState() != Thread.State.TERMINATED) {
            Thread.onSpinWait();
        }
        return waiter;
    }
}
