package io.reelflow.provider;

import java.time.Duration;

import io.reelflow.provider.FailureKind;

/** A provider's answer to "how is this job doing?". */
public sealed interface RemoteStatus {

    /** Still rendering; ask again after {@code pollAfter}. */
    record Running(int progressPercent, Duration pollAfter) implements RemoteStatus {
    }

    /** The result is ready to download. */
    record Succeeded() implements RemoteStatus {
    }

    /**
     * The provider gave up on the job, for a reason of the given kind; for a moderation refusal {@code input} says
     * what was refused where the provider tells ({@code prompt}, {@code image} or {@code output}), else null.
     */
    record Failed(FailureKind kind, String reason, String input) implements RemoteStatus {
        public Failed(FailureKind kind, String reason) {
            this(kind, reason, null);
        }
    }
}
