package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.Test;

/** A worker that found no work does not sleep through a wake-up that came while it was looking. */
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
        long seen = signals.generation();
        Thread waiter = new Thread(() -> {
            try {
                signals.awaitAfter(seen, Duration.ofHours(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        while (waiter.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait(); // the waiter is inside its wait before it is woken
        }

        signals.wake();

        waiter.join(Duration.ofSeconds(60).toMillis());
        assertThat(waiter.isAlive()).as("the waiter still waits").isFalse();
    }
}
