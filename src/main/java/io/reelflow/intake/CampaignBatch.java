package io.reelflow.intake;

import java.math.BigDecimal;
import java.util.List;

import io.reelflow.media.AspectRatio;
import io.reelflow.review.ReviewPolicy;

/** A validated campaign batch: every field checked, defaults applied. */
public record CampaignBatch(String batchId, String team, String campaign, AspectRatio aspectRatio,
        ReviewPolicy reviewPolicy, String draftModel, String finalModel, BigDecimal budgetUsd,
        List<ShotRequest> shots) {

    /** One validated shot of a batch. */
    public record ShotRequest(String shotId, String prompt, AspectRatio aspectRatio, ReviewPolicy reviewPolicy,
            String referenceImageUrl, String referenceImageFit, String finalReview) {
    }
}
