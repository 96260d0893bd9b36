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

    /**
     * What a batch costs: its drafts, and its finals if every draft is approved; and whether the finals start from
     * the approved frames ({@code finalLook: carried}) or are fresh rolls of the prompts ({@code re-roll}: the final
     * model takes no image). {@code finals} counts the paid finals if all are approved: one per shot, and a second
     * for each of the {@code secondMasters} shots whose placements need both orientations; {@code deliverables}
     * counts the placement files cut from them (no paid call).
     */
    record Estimate(BigDecimal draftsUsd, BigDecimal finalsIfAllApprovedUsd, BigDecimal totalIfAllApprovedUsd,
            String finalLook, int finals, int secondMasters, int deliverables) {
    }

    /**
     * A draft or a final landed in object storage ({@code DraftReady} or {@code FinalReady}). A final says whether
     * it started from the approved frame ({@code look}: {@code carried} or {@code re-roll}), how alike it is (SSIM
     * of its first frame against that frame, and of its first seconds against the draft), where its contact sheet
     * is, and its shot's state ({@code DELIVERED}, or {@code AWAITING_FINAL_REVIEW} / {@code FINALIZING} when it
     * waits for sign-off or is made again).
     */
    @JsonInclude(Include.NON_NULL)
    record VideoReady(String team, String campaign, String batchId, String shotId, UUID jobId, String stage,
            int revision, String objectKey, String posterKey, String thumbnailKey, String sha256,
            String providerSha256, long sizeBytes, int seconds, String size, String model, Integer segments, Long seed,
            Integer take, String look, Double fromSecond, Double startFrameSsim, Double draftSimilarity,
            String contactSheetKey, String shotState, String fallback, Charge charge) implements VideoEvent {

        @Override
        public String type() {
            return "final".equals(stage) ? "FinalReady" : "DraftReady";
        }
    }

    /**
     * What a landed video cost: what was reserved before its calls and what was charged for what the provider
     * delivered (probed length and size, which the charge follows), with a note when the two differ.
     */
    @JsonInclude(Include.NON_NULL)
    record Charge(String model, BigDecimal reservedUsd, BigDecimal chargedUsd, int calls, Double deliveredSeconds,
            String deliveredSize, String note) {
    }

    /** A shot's job moved from one model of its route to the next (nothing had been made at the first). */
    record ShotRerouted(String team, String campaign, String batchId, String shotId, UUID jobId, String stage,
            int revision, String fromModel, String toModel, String reason) implements VideoEvent {
    }

    /**
     * Every placement file of a shot is stored: for each, where it and its caption files are, its sha256, size,
     * measured length, frame size, integrated loudness (LUFS) and true peak (dBTP).
     */
    record ShotDelivered(String team, String campaign, String batchId, String shotId,
            java.util.List<Delivered> deliverables) implements VideoEvent {
    }

    /** One stored placement file. */
    @JsonInclude(Include.NON_NULL)
    record Delivered(String placement, String objectKey, String vttKey, String srtKey, String sha256, long sizeBytes,
            double seconds, String size, Double integratedLufs, Double truePeakDbtp, UUID masterJobId) {
    }

    /**
     * A shot's job failed for good, on {@code model}; a moderation refusal says what was refused where the provider
     * told ({@code refusedInput}: prompt, image or output).
     */
    @JsonInclude(Include.NON_NULL)
    record ShotFailed(String team, String campaign, String batchId, String shotId, UUID jobId, String stage,
            int revision, String failureKind, String reason, String model, String refusedInput) implements VideoEvent {
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
