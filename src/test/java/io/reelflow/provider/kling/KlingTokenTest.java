package io.reelflow.provider.kling;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

class KlingTokenTest {

    private static final String SECRET = "a-kling-secret-key-of-thirty-two-b";

    private Instant now = Instant.parse("2026-11-30T12:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    @Test
    void aTokenIsSignedWithTheSecretKeyForTheAccessKeyAndValidForThirtyMinutes() throws Exception {
        String token = new KlingToken("ak-123", SECRET, clock).current();
        assertThat(JsonWebStructure.fromCompactSerialization(token).getHeader("typ")).isEqualTo("JWT");
        JwtClaims claims = new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(SECRET.getBytes(StandardCharsets.UTF_8)))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setSkipAllDefaultValidators().setRelaxVerificationKeyValidation().build().processToClaims(token);
        assertThat(claims.getIssuer()).isEqualTo("ak-123");
        assertThat(claims.getExpirationTime().getValue()).isEqualTo(now.plus(Duration.ofMinutes(30)).getEpochSecond());
        assertThat(claims.getNotBefore().getValue()).isEqualTo(now.getEpochSecond() - 5);
    }

    @Test
    void aTokenIsReusedUntilFiveMinutesBeforeItExpiresThenSignedAnew() {
        KlingToken tokens = new KlingToken("ak-123", SECRET, clock);
        String first = tokens.current();
        now = now.plus(Duration.ofMinutes(24));
        assertThat(tokens.current()).isEqualTo(first);
        now = now.plus(Duration.ofMinutes(2));
        String second = tokens.current();
        assertThat(second).isNotEqualTo(first);
        now = now.plus(Duration.ofMinutes(10));
        assertThat(tokens.current()).isEqualTo(second);
    }
}
