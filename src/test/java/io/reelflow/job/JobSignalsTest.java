package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A worker that found no work does not sleep through a wake-up that came while it was looking; a wake-up for one
 * worker wakes exactly one; of the idle workers, one at a time makes the instance's poll.
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

    @Test
    void ofSeveralIdleWorkersOneMakesThePollTheOthersWaitForWork() throws Exception {
        IdleWorkers idle = new IdleWorkers(signals);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            threads.add(idle.add());
        }

        signals.pollNow(); // as when a poll found work: the next is due now

        idle.awaitWoken(1);
        assertThat(idle.polls()).isEqualTo(1);
        // No poll is due while the one woken makes it: the others wait for a wake-up, without a timeout.
        threads.stream().filter(Thread::isAlive).forEach(t -> IdleWorkers.awaitState(t, Thread.State.WAITING));
        assertThat(threads.stream().filter(Thread::isAlive)).hasSize(2);

        signals.pollNow();
        idle.awaitWoken(2);
        assertThat(idle.polls()).isEqualTo(2);
        signals.wakeOne();
        idle.awaitWoken(3);
        assertThat(idle.polls()).as("a wake-up for work is not a poll").isEqualTo(2);
    }

    @Test
    void aLookThatKnowsOfWorkDueSoonerBringsThePollForward() throws Exception {
        try (IdleWorkers idle = new IdleWorkers(signals)) {
            idle.add(); // waits for a poll in an hour
            long seen = signals.generation();

            // The next look's claim found nothing but a status poll due now: it makes the poll itself, at once.
            boolean polls = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> signals.awaitAfter(seen, Duration.ZERO));

            assertThat(polls).isTrue();
            assertThat(idle.polls()).isZero();
        }
    }

    @Test
    void theNextLookIsWhenTheNextJobFallsDueAtTheLatestAfterTheIdlePoll() {
        Duration idle = Duration.ofMillis(250);

        assertThat(new JobClaims.Claim(List.of(), Optional.empty()).nextLook(idle)).isEqualTo(idle);
        assertThat(new JobClaims.Claim(List.of(), Optional.of(Duration.ofMillis(40))).nextLook(idle))
                .isEqualTo(Duration.ofMillis(40));
        assertThat(new JobClaims.Claim(List.of(), Optional.of(Duration.ofSeconds(30))).nextLook(idle)).isEqualTo(idle);
    }
}
