package io.reelflow.background;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AheadWorkTest {

    private static final Duration LONG = Duration.ofMinutes(1);

    private final AheadWork<String> ahead = new AheadWork<>("ahead-test", 2);
    private final CountDownLatch busy = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        ahead.close();
    }

    /** Keeps the thread on piece "blocker" until {@link #release} is counted down. */
    private void occupy() throws InterruptedException {
        assertThat(ahead.queue("blocker", () -> {
            busy.countDown();
            await(release);
        })).isTrue();
        assertThat(busy.await(1, TimeUnit.MINUTES)).isTrue();
    }

    @Test
    void aPieceStillQueuedIsTakenOverByTheCallerAndNeverDoneByTheThread() throws Exception {
        occupy();
        AtomicInteger runs = new AtomicInteger();
        assertThat(ahead.queue("frame", runs::incrementAndGet)).isTrue();

        assertThat(ahead.takeOrAwait("frame", LONG)).as("left to the caller").isFalse();

        CountDownLatch drained = new CountDownLatch(1);
        assertThat(ahead.queue("after", drained::countDown)).isTrue();
        release.countDown();
        assertThat(drained.await(1, TimeUnit.MINUTES)).isTrue();
        assertThat(runs.get()).as("the thread skipped the piece the caller took").isZero();
        assertThat(ahead.pending()).isZero();
    }

    @Test
    void aCallerComingWhileThePieceIsBeingDoneWaitsForItInsteadOfDoingItAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        assertThat(ahead.queue("frame", () -> {
            runs.incrementAndGet();
            busy.countDown();
            await(release);
        })).isTrue();
        assertThat(busy.await(1, TimeUnit.MINUTES)).isTrue();

        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return ahead.takeOrAwait("frame", LONG);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(waited).as("the piece is still being done").isNotDone();
        release.countDown();

        assertThat(waited.get(1, TimeUnit.MINUTES)).as("done by the thread").isTrue();
        assertThat(runs.get()).isEqualTo(1);
        assertThat(ahead.pending()).isZero();
    }

    @Test
    void workNeverQueuedOrAlreadyDoneIsLeftToTheCaller() throws Exception {
        assertThat(ahead.takeOrAwait("unknown", LONG)).isFalse();

        CountDownLatch done = new CountDownLatch(1);
        assertThat(ahead.queue("frame", done::countDown)).isTrue();
        assertThat(done.await(1, TimeUnit.MINUTES)).isTrue();
        // Done and forgotten: the caller reads what the piece stored, or makes it when nothing was.
        org.awaitility.Awaitility.await().atMost(LONG).until(() -> ahead.pending() == 0);
        assertThat(ahead.takeOrAwait("frame", LONG)).isFalse();
    }

    @Test
    void aKeyIsQueuedOnceAndNothingBeyondTheBoundIsQueued() throws Exception {
        occupy();
        assertThat(ahead.queue("a", () -> { })).isTrue();
        assertThat(ahead.queue("a", () -> { })).as("already queued").isFalse();
        assertThat(ahead.queue("b", () -> { })).isTrue();
        assertThat(ahead.queue("c", () -> { })).as("the queue holds two").isFalse();
        assertThat(ahead.takeOrAwait("c", LONG)).as("never queued: the caller makes it").isFalse();
        assertThat(ahead.pending()).isEqualTo(3);
    }

    @Test
    void aCallerWaitingLongerThanItsWaitIsToldToDoTheWorkItself() throws Exception {
        occupy();
        assertThat(ahead.takeOrAwait("blocker", Duration.ZERO)).isFalse();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
