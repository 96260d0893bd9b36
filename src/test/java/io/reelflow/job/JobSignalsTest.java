package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        try (IdleWorkers idle = new IdleWorkers(signals)) {
            assertThat(idle.add().getState()).isEqualTo(Thread.State.TIMED_WAITING);

            signals.wake();

            idle.awaitWoken(1);
        }
    }

    @ParameterizedTest(name = "{0} of 3")
    @ValueSource(ints = {1, 2})
    void nWakeUpsForOneEndTheWaitsOfNWorkersOnly(int wakeUps) throws Exception {
        IdleWorkers idle = new IdleWorkers(signals);
        for (int i = 0; i < 3; i++) {
            idle.add();
        }

        for (int i = 0; i < wakeUps; i++) {
            signals.wakeOne();
        }

        idle.awaitWoken(wakeUps);
        // Every wake-up is taken: nothing else can end the other waits before they are stopped.
        assertThat(signals.pendingWakeUps()).isZero();
        assertThat(idle.stop()).isEqualTo(wakeUps);
    }

    @Test
    void wakeUpsForOneWithNobodyWaitingKeepOneForTheNextWorkerToWait() throws Exception {
        long seen = signals.generation();
        // A new job for each of five would not need five claims at once from workers not yet idle.
        for (int i = 0; i < 5; i++) {
            signals.wakeOne();
        }
        assertThat(signals.pendingWakeUps()).isEqualTo(1);

        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> signals.awaitAfter(seen, Duration.ofHours(1)));
        // Taken: the next worker to wait waits.
        try (IdleWorkers idle = new IdleWorkers(signals)) {
            assertThat(idle.add().getState()).isEqualTo(Thread.State.TIMED_WAITING);
        }
    }
}
