package io.reelflow.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {

    @Test
    void failuresThatMayPassAreRetriedAndRefusalsAreNot() {
        assertThat(OutboxRelay.passing(new RecordTooLargeException("too large"))).isFalse();
        assertThat(OutboxRelay.passing(new TopicAuthorizationException("no", java.util.Set.of("t")))).isFalse();
        assertThat(OutboxRelay.passing(new IllegalStateException("wrapped", new RecordTooLargeException("x")))).isFalse();
        assertThat(OutboxRelay.passing(new org.apache.kafka.common.errors.TimeoutException("metadata"))).isTrue();
        assertThat(OutboxRelay.passing(new NotLeaderOrFollowerException("moved"))).isTrue();
        assertThat(OutboxRelay.passing(new io.smallrye.mutiny.TimeoutException())).isTrue();
    }

    @Test
    void aRetriedEventWaitsLongerEachTimeUpToHalfAMinute() {
        assertThat(List.of(1, 2, 3, 4, 5, 6, 20).stream().map(OutboxRelay::backoff).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L);
    }

    @Test
    void theSizeCheckedCountsUtf8BytesNotCharacters() {
        OutboxEvent ascii = event("a".repeat(300_000));
        OutboxEvent cjk = event("海".repeat(300_000));
        assertThat(OutboxRelay.size(cjk) - OutboxRelay.size(ascii)).isEqualTo(600_000);
        assertThat(OutboxRelay.size(ascii)).isGreaterThan(300_000);
    }

    private static OutboxEvent event(String payload) {
        OutboxEvent e = new OutboxEvent();
        e.eventId = UUID.randomUUID();
        e.topic = "video-events";
        e.messageKey = "acme/b-1";
        e.eventType = "BatchAccepted";
        e.payload = payload;
        return e;
    }
}
