package io.reelflow.intake;

import java.math.BigDecimal;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonInclude.Include;

import io.reelflow.campaign.Brand;
import io.reelflow.media.AspectRatio;
import io.reelflow.media.Captions;
import io.reelflow.media.Deliverables;
import io.reelflow.media.MasterPlan;
import io.reelflow.media.Placement;
import io.reelflow.review.ReviewPolicy;

/**
 * A validated campaign batch: every field checked, defaults applied. Its JSON (the batch's fingerprint) names each
 * route's first model as before and its fallbacks only when it has some, so a batch without them reads as it
 * always did.
 */
@JsonPropertyOrder({ "batchId", "team", "campaign", "aspectRatio", "reviewPolicy", "draftModel", "finalModel",
        "budgetUsd", "shots", "brand", "draftFallbacks", "finalFallbacks", "promptInCredentials" })
public record CampaignBatch(String batchId, String team, String campaign, AspectRatio aspectRatio,
        ReviewPolicy reviewPolicy, @JsonIgnore List<String> draftRoute, @JsonIgnore List<String> finalRoute,
        BigDecimal budgetUsd, List<ShotRequest> shots, @JsonInclude(Include.NON_NULL) Brand brand,
        @JsonInclude(Include.NON_DEFAULT) boolean promptInCredentials) {

    /** The model drafts are made with first; the others of the route are its fallbacks. */
    @JsonProperty("draftModel")
    public String draftModel() {
        return draftRoute.get(0);
    }

    /** The model finals are made with first. */
    @JsonProperty("finalModel")
    public String finalModel() {
        return finalRoute.get(0);
    }

    @JsonProperty("draftFallbacks")
    @JsonInclude(Include.NON_EMPTY)
    public List<String> draftFallbacks() {
        return draftRoute.subList(1, draftRoute.size());
    }

    @JsonProperty("finalFallbacks")
    @JsonInclude(Include.NON_EMPTY)
    public List<String> finalFallbacks() {
        return finalRoute.subList(1, finalRoute.size());
    }

    /**
     * One validated shot of a batch: the placements it is delivered for (none: its final is what it delivers), the
     * point kept when they crop it, and its caption lines. Empty parts are left out of the batch's fingerprint, so a
     * batch without them reads as it always did.
     */
    public record ShotRequest(String shotId, String prompt, AspectRatio aspectRatio, ReviewPolicy reviewPolicy,
            String referenceImageUrl, String referenceImageFit, String finalReview,
            @JsonInclude(Include.NON_EMPTY) List<Placement> deliverables,
            @JsonInclude(Include.NON_NULL) Deliverables.Focus focus,
            @JsonInclude(Include.NON_EMPTY) List<Captions.Cue> captions) {

        /** The finals this shot pays for once approved: one per orientation its placements need. */
        public List<AspectRatio> masters() {
            return MasterPlan.masters(aspectRatio, deliverables);
        }
    }
}
