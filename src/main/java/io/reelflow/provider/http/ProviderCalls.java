package io.reelflow.provider.http;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import io.reelflow.provider.FailureKind;
import io.reelflow.provider.ProviderException;

/**
 * How every remote adapter reads an HTTP outcome: one classification of status codes and transport failures
 * into what the job worker may do next, so the rules hold the same for every provider.
 *
 * <ul>
 * <li>moderation and invalid-request refusals fail the job with the provider's reason, never retried;
 * <li>429 and 503 are retried later, honouring {@code Retry-After}; 503, 529 and a 429 that names capacity
 * (overload, concurrency, maintenance) are refusals for capacity, which let a job move to its route's next model;
 * <li>other server errors are retried with backoff, except on a create call, where the provider may have
 * accepted the job before failing: that outcome is unknown and is reconciled, never created again;
 * <li>a transport failure before the request was sent (refused connection, unknown host) is retried; any
 * other transport failure of a create call (timeout, reset) leaves its outcome unknown.
 * </ul>
 */
public final class ProviderCalls {

    /** Words providers use when a prompt or image was refused by their safety systems. */
    private static final Pattern MODERATION = Pattern.compile(
            "moderation|safety|content[ _-]?policy|policy[ _-]?violation|nsfw|flagged|sensitive|rai[ _-]?filter"
                    + "|prohibited|blocked",
            Pattern.CASE_INSENSITIVE);
    /** Words providers use when they refuse for capacity rather than for this caller's request rate. */
    private static final Pattern CAPACITY = Pattern.compile(
            "capacity|overload|concurren|busy|resource[ _-]?pack|unavailable|maintenance|parallel",
            Pattern.CASE_INSENSITIVE);
    private static final Duration DEFAULT_RETRY = Duration.ofSeconds(5);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
    private static final int MAX_REASON = 500;

    private ProviderCalls() {
    }

    /** The kind of refusal a provider's message describes. */
    public static FailureKind refusalKind(String code, String message) {
        String text = (code == null ? "" : code) + " " + (message == null ? "" : message);
        return MODERATION.matcher(text).find() ? FailureKind.MODERATION : FailureKind.INVALID_REQUEST;
    }

    /**
     * The exception for a non-success answer.
     *
     * @param call what was called, for the reason ("create", "status", ...)
     * @param create whether the call was a paid create call
     * @param reason the provider's own message, if it gave one
     * @param code the provider's own error code, if it gave one
     * @param retryAfter the {@code Retry-After} header, if any
     */
    public static ProviderException fromStatus(String provider, String call, boolean create, int status,
            String code, String reason, String retryAfter) {
        String what = provider + " " + call + " answered HTTP " + status + (reason == null ? "" : ": " + clip(reason));
        if (status == 429) {
            ProviderException limited = ProviderException.retryLater(retryAfter(retryAfter, Instant.now()), what, null);
            String text = (code == null ? "" : code) + " " + (reason == null ? "" : reason);
            return CAPACITY.matcher(text).find() ? limited.capacity() : limited;
        }
        if (status == 503 || status == 529) {
            return ProviderException.retryLater(retryAfter(retryAfter, Instant.now()), what, null).outage().capacity();
        }
        if (status == 408 || status == 409 || status == 425) {
            return create ? ProviderException.outcomeUnknown(what, null)
                    : ProviderException.retryLater(retryAfter(retryAfter, Instant.now()), what, null);
        }
        if (status == 401 || status == 403) {
            // A key problem is the deployment's to fix; the job waits rather than failing.
            return ProviderException.retryLater(Duration.ofMinutes(1), what + " (check the provider's API key)", null);
        }
        if (status >= 400 && status < 500) {
            return ProviderException.refused(refusalKind(code, reason), what);
        }
        if (create) {
            return ProviderException.outcomeUnknown(what, null).outage();
        }
        return ProviderException.retryLater(retryAfter(retryAfter, Instant.now()), what, null).outage();
    }

    /** The exception for a call that got no answer. */
    public static ProviderException fromTransport(String provider, String call, boolean create, Throwable failure) {
        String what = provider + " " + call + " failed: " + describe(failure);
        if (neverSent(failure)) {
            return ProviderException.retryLater(DEFAULT_RETRY, what, failure).outage();
        }
        return (create ? ProviderException.outcomeUnknown(what, failure)
                : ProviderException.retryLater(DEFAULT_RETRY, what, failure)).outage();
    }

    /** Whether the failure happened before any byte of the request could reach the provider. */
    static boolean neverSent(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Parses {@code Retry-After} (delta seconds or an HTTP date); absent or unreadable means a short default. */
    public static Duration retryAfter(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return DEFAULT_RETRY;
        }
        String value = header.trim();
        Duration wait;
        try {
            wait = Duration.ofMillis((long) (Double.parseDouble(value) * 1000));
        } catch (NumberFormatException notSeconds) {
            try {
                wait = Duration.between(now, ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (DateTimeParseException notDate) {
                return DEFAULT_RETRY;
            }
        }
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
    }

    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + clip(message));
    }

    private static String clip(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_REASON ? oneLine : oneLine.substring(0, MAX_REASON) + "...";
    }
}
