package io.reelflow.provider.fal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.lang.JoseException;

import io.reelflow.provider.http.WebhookSignature;
import io.reelflow.storage.Hashing;

/**
 * fal.ai's webhook signatures: each delivery is signed with Ed25519 over
 * {@code request-id \n user-id \n timestamp \n hex(sha256(body))}, sent as hex in {@code X-Fal-Webhook-Signature}
 * beside {@code X-Fal-Webhook-Request-Id}, {@code -User-Id} and {@code -Timestamp}; the public keys are published
 * as a JWKS. Keys are kept for a day and read again at once when no kept key verifies (fal rotated them).
 */
final class FalWebhookKeys {

    private static final Duration KEEP = Duration.ofHours(24);

    private final URI jwksUrl;
    private final HttpClient client;
    private final Clock clock;
    private List<PublicKey> keys = List.of();
    private Instant fetched = Instant.MIN;

    FalWebhookKeys(URI jwksUrl, Duration connectTimeout, Clock clock) {
        this.jwksUrl = jwksUrl;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.clock = clock;
    }

    /** Returns the delivery's request id when its signature and timestamp hold. */
    String verify(String requestId, String userId, String timestamp, String signatureHex, byte[] body,
            Instant now, Duration tolerance) throws WebhookSignature.Refused {
        if (requestId == null || userId == null || timestamp == null || signatureHex == null) {
            throw new WebhookSignature.Refused("missing X-Fal-Webhook-Request-Id, -User-Id, -Timestamp or -Signature");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new WebhookSignature.Refused("X-Fal-Webhook-Timestamp is not a number of seconds");
        }
        Instant sent = Instant.ofEpochSecond(seconds);
        if (sent.isBefore(now.minus(tolerance)) || sent.isAfter(now.plus(tolerance))) {
            throw new WebhookSignature.Refused("X-Fal-Webhook-Timestamp is outside the " + tolerance.toSeconds()
                    + " s replay window");
        }
        byte[] signature;
        try {
            signature = HexFormat.of().parseHex(signatureHex.trim());
        } catch (IllegalArgumentException e) {
            throw new WebhookSignature.Refused("X-Fal-Webhook-Signature is not hex");
        }
        byte[] message = String.join("\n", requestId, userId, timestamp.trim(), Hashing.sha256Hex(body))
                .getBytes(StandardCharsets.UTF_8);
        if (anyVerifies(keys(false), message, signature) || anyVerifies(keys(true), message, signature)) {
            return requestId;
        }
        throw new WebhookSignature.Refused("X-Fal-Webhook-Signature does not verify under fal's published keys");
    }

    private static boolean anyVerifies(List<PublicKey> keys, byte[] message, byte[] signature) {
        for (PublicKey key : keys) {
            try {
                Signature ed25519 = Signature.getInstance("Ed25519");
                ed25519.initVerify(key);
                ed25519.update(message);
                if (ed25519.verify(signature)) {
                    return true;
                }
            } catch (GeneralSecurityException e) {
                // A key or signature of another shape: not this one.
            }
        }
        return false;
    }

    private synchronized List<PublicKey> keys(boolean refresh) throws WebhookSignature.Refused {
        Instant now = clock.instant();
        if (!refresh && !keys.isEmpty() && now.isBefore(fetched.plus(KEEP))) {
            return keys;
        }
        if (refresh && now.isBefore(fetched.plus(Duration.ofSeconds(30)))) {
            return keys;
        }
        try {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(jwksUrl).timeout(Duration.ofSeconds(10))
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new WebhookSignature.Refused("fal's webhook keys could not be read: HTTP " + answer.statusCode());
            }
            List<PublicKey> read = new java.util.ArrayList<>();
            for (JsonWebKey key : new JsonWebKeySet(answer.body()).getJsonWebKeys()) {
                if (key instanceof OctetKeyPairJsonWebKey okp && "Ed25519".equals(okp.getSubtype())) {
                    read.add(okp.getPublicKey());
                }
            }
            keys = List.copyOf(read);
            fetched = now;
            return keys;
        } catch (IOException | JoseException e) {
            throw new WebhookSignature.Refused("fal's webhook keys could not be read: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WebhookSignature.Refused("interrupted while reading fal's webhook keys");
        }
    }
}
