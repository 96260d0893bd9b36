package io.reelflow.provider.kling;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * The bearer token Kling's API takes: a JWT signed with HS256 under the secret key, naming the access key as
 * {@code iss}, valid from five seconds ago (clock skew) for thirty minutes. A token is reused until five minutes
 * before it expires and then signed anew, so a long run never sends an expired one.
 */
final class KlingToken {

    static final Duration LIFETIME = Duration.ofMinutes(30);
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

    private final String accessKey;
    private final HmacKey secretKey;
    private final Clock clock;
    private String token;
    private Instant expires = Instant.MIN;

    KlingToken(String accessKey, String secretKey, Clock clock) {
        this.accessKey = accessKey;
        this.secretKey = new HmacKey(secretKey.getBytes(StandardCharsets.UTF_8));
        this.clock = clock;
    }

    /** A token valid for at least five more minutes. */
    synchronized String current() {
        Instant now = clock.instant();
        if (token == null || now.isAfter(expires.minus(RENEW_BEFORE))) {
            expires = now.plus(LIFETIME);
            token = sign(now, expires);
        }
        return token;
    }

    private String sign(Instant now, Instant until) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(accessKey);
        claims.setExpirationTime(NumericDate.fromSeconds(until.getEpochSecond()));
        claims.setNotBefore(NumericDate.fromSeconds(now.getEpochSecond() - 5));
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(secretKey);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setHeader("typ", "JWT");
        // Kling's secret keys may be shorter than HS256's recommended 256 bits; they are what Kling issues.
        jws.setDoKeyValidation(false);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the Kling token: " + e.getMessage(), e);
        }
    }
}
