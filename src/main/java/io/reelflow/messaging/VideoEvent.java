package io.reelflow.messaging;

import java.math.BigDecimal;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;

/**
 * Everything that happens to a batch, its shots and their jobs, as published on {@code video-events}. Every
 * event names its team, campaign and batch, and is keyed {@code team/batchId} so a batch's events stay in order.
 */
public sealed interface VideoEvent extends Published {

    String team();

    String campaign();

    String batchId();

    @Override
    default String topic() {
        return Topics.VIDEO_EVENTS;
    }

    @Override
    default String key() {
        return team() + "/" + batchId();
    }

    @Override
    default String type() {
        return getClass().getSimpleName();
    }

    /** A batch passed validation and its drafts are queued; what it will cost. */
    record BatchAccepted(String team, String campaign, String batchId, int shots, String draftModel,
            String finalModel, int draftSeconds, String reviewPolicy, String manifestKey, Estimate estimate,
            @JsonInclude(Include.NON_NULL) BigDecimal campaignBudgetUsd) implements VideoEvent {
    }

    /** What a batch costs: its drafts, and its finals if every draft is approved. */
    record Estimate(BigDecimal draftsUsd, BigDecimal finalsIfAllApprovedUsd, BigDecimal totalIfAllApprovedUsd) {
    }

    /** A draft or a final landed in object storage ({@code DraftReady} or {@code FinalReady}). */
    record VideoReady(String team, String campaign, String batchId, String shotId, UUID jobId, String stage,
            int revision, String objectKey, String posterKey, @JsonInclude(Include.NON_NULL) String thumbnailKey,
            String sha256, @JsonInclude(Include.NON_NULL) String providerSha256, long sizeBytes, int seconds,
            String size, String model, @JsonInclude(Include.NON_NULL) Integer segments) implements VideoEvent {

        @Override
        public String type() {
            return "final".equals(stage) ? "FinalReady" : "DraftReady";
        }
    }

    /** A shot's job failed for good. */
    record ShotFailed(String team, String campaign, String batchId, String shotId, UUID jobId, String stage,
            int revision, String failureKind, String reason) implements VideoEvent {
    }

    /** A shot's job waits because its create call would pass a budget. */
    record ShotHeld(String team, String campaign, String batchId, String shotId, UUID jobId, String stage,
            int revision, String reason) implements VideoEvent {
    }

    /** A review decision was applied to a shot. */
    record ShotReviewed(String team, String campaign, String batchId, String shotId, int revision, String decisionId,
            String decision, String reviewer, String note, String shotState) implements VideoEvent {
    }

    /** Every first-round draft of a batch is closed (landed or failed). */
    record BatchDrafted(String team, String campaign, String batchId, int shots, long draftsLanded,
            long draftsFailed, String manifestKey) implements VideoEvent {
    }

    /** Every shot of a batch is closed: delivered, rejected or failed. */
    record BatchDelivered(String team, String campaign, String batchId, int shots, long delivered, long rejected,
            long failed, String manifestKey) implements VideoEvent {
    }
}
