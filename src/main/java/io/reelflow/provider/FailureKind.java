package io.reelflow.provider;

import java.util.Locale;

/** Why a job failed for good; moderation and invalid-request failures are never retried. */
public enum FailureKind {
    MODERATION,
    INVALID_REQUEST,
    PROVIDER_ERROR,
    TIMEOUT,
    BUDGET,
    CANCELLED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
