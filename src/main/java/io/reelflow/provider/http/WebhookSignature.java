package io.reelflow.provider.http;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed-webhook scheme OpenAI and Replicate use (Standard Webhooks): the sender signs
 * {@code webhook-id + "." + webhook-timestamp + "." + body} with HMAC-SHA256 under the base64 secret that
 * follows {@code whsec_}, and sends {@code v1,<base64 signature>} entries, space separated, in
 * {@code webhook-signature}. A message is accepted only with a matching signature and a timestamp within the
 * tolerance of this server's clock (the replay window).
 */
public final class WebhookSignature {

    private WebhookSignature() {
    }

    /** Why a webhook was not accepted. */
    public static class Refused extends Exception {
        public Refused(String reason) {
            super(reason);
        }
    }

    public static void verify(String secret, String id, String timestamp, byte[] body, String signatures,
            Instant now, Duration tolerance) throws Refused {
        if (id == null || id.isBlank() || timestamp == null || signatures == null || signatures.isBlank()) {
            throw new Refused("missing webhook-id, webhook-timestamp or webhook-signature header");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.trim());
        } catch (NumberFormatException e) {
            throw new Refused("webhook-timestamp is not a number of seconds");
        }
        Instant sent = Instant.ofEpochSecond(seconds);
        if (sent.isBefore(now.minus(tolerance)) || sent.isAfter(now.plus(tolerance))) {
            throw new Refused("webhook-timestamp is outside the " + tolerance.toSeconds() + " s replay window");
        }
        byte[] expected = sign(secret, id, timestamp.trim(), body);
        for (String entry : signatures.trim().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !entry.substring(0, comma).equals("v1")) {
                continue;
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return;
            }
        }
        throw new Refused("no webhook-signature entry matches the body");
    }

    /** The raw signature of a message; also used by tests and tools that send webhooks. */
    public static byte[] sign(String secret, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private static byte[] key(String secret) {
        String encoded = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            // A secret that is not base64 is used as it is.
            return encoded.getBytes(StandardCharsets.UTF_8);
        }
    }
}
