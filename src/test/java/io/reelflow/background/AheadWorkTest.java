package io.reelflow.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class AheadWorkTest {

    private static final Duration LONG = Duration.ofMinutes(1);

    private final AheadWork<String> ahead = new AheadWork<>("ahead-test", 1, 3, Duration.ZERO);
    private final CountDownLatch busy = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        ahead.close();
    }

    /** Keeps the thread on piece {@code key} until {@link #release} is counted down. */
    private void occupy(String key, AtomicInteger runs) throws InterruptedException {
        assertThat(ahead.queue(key, () -> {
            runs.incrementAndGet();
            busy.countDown();
            await(release);
        })).isTrue();
        assertThat(busy.await(1, TimeUnit.MINUTES)).isTrue();
    }

    @Test
    void aPieceStillQueuedIsTakenOverByTheCallerAndNeverDoneByTheThread() throws Exception {
        occupy("blocker", new AtomicInteger());
        AtomicInteger runs = new AtomicInteger();
        assertThat(ahead.queue("frame", runs::incrementAndGet)).isTrue();

        assertThat(ahead.takeOver("frame")).as("not started: the caller does it alone").isEqualTo(AheadWork.Found.TAKEN);

        CountDownLatch drained = new CountDownLatch(1);
        assertThat(ahead.queue("after", drained::countDown)).isTrue();
        release.countDown();
        assertThat(drained.await(1, TimeUnit.MINUTES)).isTrue();
        assertThat(runs.get()).as("the thread skipped the piece the caller took").isZero();
        Awaitility.await().atMost(LONG).until(() -> ahead.pending() == 0);
    }

    @Test
    void aCallerComingWhileThePieceIsBeingDoneIsToldSoAndNeverWaits() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        occupy("frame", runs);

        // The thread is held inside the piece until the end of this test: a caller that waited for it would not
        // return, and the bound turns that into a failure instead of a hung build.
        AheadWork.Found found = Assertions.assertTimeoutPreemptively(LONG, () -> ahead.takeOver("frame"));
        assertThat(found).as("being done by the thread").isEqualTo(AheadWork.Found.RUNNING);
        assertThat(ahead.pending()).isEqualTo(1);

        release.countDown();
        Awaitility.await().atMost(LONG).until(() -> ahead.pending() == 0);
        assertThat(runs.get()).isEqualTo(1);
    }

    @Test
    void workNeverQueuedOrAlreadyDoneIsLeftToTheCaller() throws Exception {
        assertThat(ahead.takeOver("unknown")).isEqualTo(AheadWork.Found.NONE);

        CountDownLatch done = new CountDownLatch(1);
        assertThat(ahead.queue("frame", done::countDown)).isTrue();
        assertThat(done.await(1, TimeUnit.MINUTES)).isTrue();
        // Done and forgotten: the caller reads what the piece stored, or makes it when nothing was.
        Awaitility.await().atMost(LONG).until(() -> ahead.pending() == 0);
        assertThat(ahead.takeOver("frame")).isEqualTo(AheadWork.Found.NONE);
    }

    @Test
    void aKeyIsQueuedOnceAndNothingBeyondTheBoundIsQueued() throws Exception {
        occupy("blocker", new AtomicInteger());
        assertThat(ahead.queue("a", () -> { })).isTrue();
        assertThat(ahead.queue("a", () -> { })).as("already queued").isFalse();
        assertThat(ahead.queue("b", () -> { })).isTrue();
        assertThat(ahead.queue("c", () -> { })).as("three queued or in progress at most").isFalse();
        assertThat(ahead.takeOver("c")).as("never queued: the caller makes it").isEqualTo(AheadWork.Found.NONE);
        assertThat(ahead.pending()).isEqualTo(3);
    }

    @Test
    void aPieceIsNotStartedWithinItsGraceSoACallerComingAtOnceDoesItAlone() throws Exception {
        try (AheadWork<String> graced = new AheadWork<>("ahead-grace-test", 1, 3, Duration.ofDays(1))) {
            AtomicInteger runs = new AtomicInteger();
            assertThat(graced.queue("frame", runs::incrementAndGet)).isTrue();
            assertThat(graced.takeOver("frame")).as("not started: left to the caller").isEqualTo(AheadWork.Found.TAKEN);
            assertThat(graced.takeOver("frame")).as("taken once").isEqualTo(AheadWork.Found.NONE);
            assertThat(graced.pending()).isZero();
            assertThat(runs.get()).isZero();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
