package io.reelflow.provider;

import java.time.Duration;

import io.reelflow.provider.FailureKind;

/**
 * A provider call that did not succeed, classified by what the worker may do next. The classification is
 * made by the adapter, where the provider's contract is known.
 */
public class ProviderException extends Exception {

    /** What the failure allows. */
    public enum Kind {
        /** The provider refused for good (moderation, invalid request): never retried. */
        REFUSED,
        /** The call certainly had no effect (429, connection refused); it may be made again later. */
        RETRY_LATER,
        /** A create call may or may not have been accepted; the job must be reconciled, never re-created. */
        OUTCOME_UNKNOWN
    }

    private final Kind kind;
    private final FailureKind failureKind;
    private final Duration retryAfter;
    private boolean outage;
    private boolean capacity;
    private String refusedInput;

    private ProviderException(Kind kind, FailureKind failureKind, Duration retryAfter, String message,
            Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.failureKind = failureKind;
        this.retryAfter = retryAfter;
    }

    public static ProviderException refused(FailureKind failureKind, String reason) {
        return new ProviderException(Kind.REFUSED, failureKind, null, reason, null);
    }

    public static ProviderException retryLater(Duration retryAfter, String reason, Throwable cause) {
        return new ProviderException(Kind.RETRY_LATER, null, retryAfter, reason, cause);
    }

    public static ProviderException outcomeUnknown(String reason, Throwable cause) {
        return new ProviderException(Kind.OUTCOME_UNKNOWN, null, null, reason, cause);
    }

    /** Marks the failure as the provider's own trouble (a server error, no answer), counted by the circuit breaker. */
    public ProviderException outage() {
        this.outage = true;
        return this;
    }

    public boolean isOutage() {
        return outage;
    }

    /**
     * Marks a call that certainly had no effect as refused for capacity (the provider is overloaded, down for
     * maintenance, or the account's concurrency is used up): a job whose route has another model may move on.
     */
    public ProviderException capacity() {
        this.capacity = true;
        return this;
    }

    public boolean isCapacity() {
        return capacity;
    }

    /** Says what a refusal was about, where the provider tells: {@code prompt}, {@code image} or {@code output}. */
    public ProviderException about(String input) {
        this.refusedInput = input;
        return this;
    }

    /** What the refusal was about, or null when the provider did not say. */
    public String refusedInput() {
        return refusedInput;
    }

    public Kind kind() {
        return kind;
    }

    public FailureKind failureKind() {
        return failureKind;
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
