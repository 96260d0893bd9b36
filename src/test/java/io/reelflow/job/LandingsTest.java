package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.reelflow.background.LeaseKeeper;
import io.reelflow.testkit.TestConfig;

/**
 * A finished job goes to the landing threads only while they have room (one landing under way and one waiting per
 * thread), with its lease moved to a name of theirs before the landing starts; a job that finds no room is left as
 * it was, and the threads' priority is the lowest.
 */
class LandingsTest {

    private final JobSignals signals = new JobSignals(null);
    private final LeaseKeeper leases = new LeaseKeeper("test-leases", Duration.ofMinutes(2), ids -> {
    }, Logger.getLogger(LandingsTest.class));
    private final Landings landings = new Landings(
            TestConfig.reelflow(Map.of("reelflow.worker.landing-threads", "1")), signals);

    @AfterEach
    void stop() throws InterruptedException {
        landings.stop(10_000);
        leases.close();
    }

    @Test
    void aJobIsHandedOverOnlyWhileThereIsRoomAndLandsUnderItsNewOwner() throws Exception {
        landings.start(leases);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch landed = new CountDownLatch(3);
        List<String> handedTo = new CopyOnWriteArrayList<>();
        List<String> landedAs = new CopyOnWriteArrayList<>();
        List<Integer> priorities = new CopyOnWriteArrayList<>();
        Landings.Landing landing = owner -> {
            landedAs.add(owner);
            priorities.add(Thread.currentThread().getPriority());
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            landed.countDown();
        };

        // One thread: one landing under way and one waiting for it.
        assertThat(landings.hasRoom()).isTrue();
        assertThat(landings.handOver(UUID.randomUUID(), "host-1/w0", handedTo::add, landing)).isTrue();
        assertThat(landings.handOver(UUID.randomUUID(), "host-1/w1", handedTo::add, landing)).isTrue();
        assertThat(landings.hasRoom()).isFalse();
        // No room: nothing is done for the third job, which stays with its worker.
        assertThat(landings.handOver(UUID.randomUUID(), "host-1/w2", handedTo::add, landing)).isFalse();
        assertThat(handedTo).containsExactly("host-1/l1", "host-1/l2");

        long seen = signals.generation();
        release.countDown();
        // Room again once a landing ended, and an idle worker is woken to claim what waits (without the wake-up
        // this would wait the whole hour).
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> signals.awaitAfter(seen, Duration.ofHours(1)));
        assertThat(landings.handOver(UUID.randomUUID(), "host-1/w2", handedTo::add, landing)).isTrue();
        assertThat(landed.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(handedTo).containsExactly("host-1/l1", "host-1/l2", "host-1/l3");
        assertThat(landedAs).isEqualTo(handedTo);
        assertThat(priorities).containsOnly(Thread.MIN_PRIORITY);
    }

    @Test
    void aLandingThatEndsWithNoJobTurnedAwayWakesNobody() throws Exception {
        landings.start(leases);
        assertThat(landings.handOver(UUID.randomUUID(), "host-1/w0", lander -> {
        }, owner -> {
        })).isTrue();
        landings.stop(10_000); // the landing has ended

        // No wake-up is pending: a worker that goes idle now waits (a pending one would end its wait at once).
        assertThat(signals.pendingWakeUps()).isZero();
        try (IdleWorkers idle = new IdleWorkers(signals)) {
            assertThat(idle.add().getState()).isEqualTo(Thread.State.TIMED_WAITING);
        }
    }

    @Test
    void aHandOverThatFailsGivesItsRoomBack() {
        landings.start(leases);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> landings.handOver(UUID.randomUUID(), "host-1/w0", lander -> {
                throw new LeaseLostException(UUID.randomUUID());
            }, owner -> {
                throw new AssertionError("a job whose hand-over failed was landed");
            })).isInstanceOf(LeaseLostException.class);
        }
        assertThat(landings.hasRoom()).isTrue();
    }

    @Test
    void nothingIsHandedOverBeforeTheLandingThreadsStart() {
        assertThat(landings.hasRoom()).isFalse();
        assertThat(landings.handOver(UUID.randomUUID(), "host-1/w0", lander -> {
            throw new AssertionError("handed over with no landing thread");
        }, owner -> {
        })).isFalse();
    }
}
