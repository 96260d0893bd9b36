package io.reelflow.provider.http;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The Standard Webhooks signature scheme (https://www.standardwebhooks.com), as OpenAI and Replicate sign. */
class WebhookSignatureTest {

    // The scheme's published example: secret, message id, timestamp, body and the signature it must give.
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final String TIMESTAMP = "1614265330";
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Instant SENT = Instant.ofEpochSecond(1614265330);
    private static final Duration WINDOW = Duration.ofMinutes(5);

    @Test
    void thePublishedExampleVerifies() {
        assertThatCode(() -> WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, SIGNATURE, SENT, WINDOW))
                .doesNotThrowAnyException();
        assertThatCode(() -> WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY,
                "v1,bm9wZQ== " + SIGNATURE, SENT.plusSeconds(60), WINDOW)).doesNotThrowAnyException();
    }

    @Test
    void aChangedBodyIdOrSecretIsRefused() {
        assertThatThrownBy(() -> WebhookSignature.verify(SECRET, ID, TIMESTAMP,
                "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8), SIGNATURE, SENT, WINDOW))
                .hasMessageContaining("no webhook-signature entry matches");
        assertThatThrownBy(() -> WebhookSignature.verify(SECRET, "msg_other", TIMESTAMP, BODY, SIGNATURE, SENT, WINDOW))
                .isInstanceOf(WebhookSignature.Refused.class);
        assertThatThrownBy(() -> WebhookSignature.verify("whsec_b3RoZXJzZWNyZXQ=", ID, TIMESTAMP, BODY, SIGNATURE,
                SENT, WINDOW)).isInstanceOf(WebhookSignature.Refused.class);
        assertThatThrownBy(() -> WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, "v2,"
                + SIGNATURE.substring(3), SENT, WINDOW)).isInstanceOf(WebhookSignature.Refused.class);
    }

    @Test
    void aMessageOutsideTheReplayWindowIsRefusedEvenWithAGoodSignature() {
        assertThatThrownBy(() -> WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, SIGNATURE,
                SENT.plus(Duration.ofMinutes(6)), WINDOW)).hasMessageContaining("replay window");
        assertThatThrownBy(() -> WebhookSignature.verify(SECRET, ID, TIMESTAMP, BODY, SIGNATURE,
                SENT.minus(Duration.ofMinutes(6)), WINDOW)).hasMessageContaining("replay window");
        assertThatThrownBy(() -> WebhookSignature.verify(SECRET, ID, null, BODY, SIGNATURE, SENT, WINDOW))
                .hasMessageContaining("missing");
    }
}
