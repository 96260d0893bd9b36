package io.reelflow.provider;

import java.util.UUID;

/** What a provider is asked to render; {@code reference} is the job id, used to reconcile unknown outcomes. */
public record RenderRequest(UUID reference, String model, String prompt, int seconds, int width, int height,
        String referenceImageUrl) {
}
