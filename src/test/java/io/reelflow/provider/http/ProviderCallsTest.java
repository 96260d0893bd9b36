package io.reelflow.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.reelflow.provider.FailureKind;
import io.reelflow.provider.ProviderException;

class ProviderCallsTest {

    @Test
    void rateLimitsWaitForRetryAfterInSecondsOrAsADate() {
        ProviderException e = ProviderCalls.fromStatus("openai", "create", true, 429, "rate_limit", "slow down", "7");
        assertThat(e.kind()).isEqualTo(ProviderException.Kind.RETRY_LATER);
        assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        assertThat(ProviderCalls.retryAfter("Wed, 25 Nov 2026 10:00:30 GMT", now)).isEqualTo(Duration.ofSeconds(30));
        assertThat(ProviderCalls.retryAfter("soon", now)).isEqualTo(Duration.ofSeconds(5));
        assertThat(ProviderCalls.retryAfter("86400", now)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void refusalsAreNeverRetriedAndModerationIsToldApart() {
        ProviderException moderation = ProviderCalls.fromStatus("openai", "create", true, 400, "moderation_blocked",
                "Your request was blocked by our moderation system.", null);
        assertThat(moderation.kind()).isEqualTo(ProviderException.Kind.REFUSED);
        assertThat(moderation.failureKind()).isEqualTo(FailureKind.MODERATION);
        assertThat(moderation.getMessage()).contains("HTTP 400").contains("blocked by our moderation system");

        ProviderException invalid = ProviderCalls.fromStatus("replicate", "create", true, 422, null,
                "duration must be one of 5, 10", null);
        assertThat(invalid.kind()).isEqualTo(ProviderException.Kind.REFUSED);
        assertThat(invalid.failureKind()).isEqualTo(FailureKind.INVALID_REQUEST);
    }

    @Test
    void aServerErrorOnACreateCallLeavesItsOutcomeUnknownButIsRetriedElsewhere() {
        assertThat(ProviderCalls.fromStatus("veo", "create", true, 500, null, "internal", null).kind())
                .isEqualTo(ProviderException.Kind.OUTCOME_UNKNOWN);
        assertThat(ProviderCalls.fromStatus("veo", "status", false, 500, null, "internal", null).kind())
                .isEqualTo(ProviderException.Kind.RETRY_LATER);
        assertThat(ProviderCalls.fromStatus("veo", "status", false, 401, null, "bad key", null).kind())
                .isEqualTo(ProviderException.Kind.RETRY_LATER);
    }

    @Test
    void aRefusedConnectionNeverSentTheCreateButAResetMayHave() {
        assertThat(ProviderCalls.fromTransport("openai", "create", true,
                new RuntimeException(new ConnectException("Connection refused"))).kind())
                .isEqualTo(ProviderException.Kind.RETRY_LATER);
        assertThat(ProviderCalls.fromTransport("openai", "create", true,
                new RuntimeException(new IOException("Connection was closed"))).kind())
                .isEqualTo(ProviderException.Kind.OUTCOME_UNKNOWN);
        assertThat(ProviderCalls.fromTransport("openai", "status", false,
                new RuntimeException(new IOException("Connection was closed"))).kind())
                .isEqualTo(ProviderException.Kind.RETRY_LATER);
    }
}
