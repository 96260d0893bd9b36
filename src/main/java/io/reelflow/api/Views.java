package io.reelflow.api;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.reelflow.advice.PromptAdvisor;

/** What the REST API answers with. */
public final class Views {

    private Views() {
    }

    /**
     * A batch and how far it has come: drafts done (landed or failed) and shots closed, out of its shots; each
     * route's first model and, when it names more, the fallbacks tried after it in order.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchSummary(String batchId, String campaign, String state, int shots, int draftsDone,
            int shotsClosed, String draftModel, String finalModel, BigDecimal budgetUsd, OffsetDateTime createdAt,
            String location, List<String> draftFallbacks, List<String> finalFallbacks) {
    }

    /** A batch with its shots. */
    public record BatchDetail(BatchSummary batch, List<ShotView> shots) {
    }

    /**
     * A shot: its state, the latest prompt, the advice on it, every draft revision, the final in its own
     * orientation ({@code finalCut}), a second master where its placements need the other orientation, and its
     * placement files.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ShotView(String shotId, String state, int revision, String prompt, String aspectRatio,
            List<PromptAdvisor.Advice> advice, List<JobView> drafts, JobView finalCut, JobView secondMaster,
            List<DeliverableView> deliverables) {
    }

    /** A placement file of a shot: its state and, once stored, its measures and short-lived links. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeliverableView(String placement, String state, String size, Double seconds, Double integratedLufs,
            Double truePeakDbtp, Long sizeBytes, String sha256, String error, DeliverableLinks links,
            ContentCredentialsView contentCredentials) {
    }

    /** The content credentials (C2PA) a stored video carries: its manifest's label and what it says, in one line. */
    public record ContentCredentialsView(String manifest, String summary) {

        static ContentCredentialsView of(String manifest, String summary) {
            return manifest == null ? null : new ContentCredentialsView(manifest, summary);
        }
    }

    /** Links to a placement file and its caption files (null without captions), valid until {@code expiresAt}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DeliverableLinks(String video, String vtt, String srt, OffsetDateTime expiresAt) {
    }

    /**
     * A job: its state and, once landed, short-lived links to its files. A final also says whether it starts from
     * the approved frame ({@code look}), from which second of the draft, its take, and how alike the draft it came
     * out (SSIM of its first frame against the approved frame, and of its first seconds against the draft). A
     * moderation refusal says what was refused where the provider told ({@code refusedInput}: prompt, image or
     * output); {@code fallbacks} are the models the job left for the next of its route, and why.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record JobView(UUID jobId, String stage, int revision, String state, String model, String prompt,
            int seconds, String size, String failureKind, String reason, String sha256, Long sizeBytes,
            Links links, Long seed, Integer take, String look, Double fromSecond, Double startFrameSsim,
            Double draftSimilarity, String refusedInput, java.util.List<String> fallbacks,
            ContentCredentialsView contentCredentials) {
    }

    /** Presigned links to a landed job's files (a final's contact sheet too), valid until {@code expiresAt}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Links(String video, String poster, String contactSheet, OffsetDateTime expiresAt) {
    }

    /**
     * The answer to a submitted batch: where to follow it, advice on its prompts, and whether its finals will start
     * from the approved frames ({@code finalLook: carried}) or re-roll the prompts, with why.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Submitted(String batchId, String team, String location, String events,
            List<ShotAdvice> advice, String finalLook, String finalLookAdvice) {
    }

    public record ShotAdvice(String shotId, List<PromptAdvisor.Advice> advice) {
    }

    /** The answer to a submitted decision. */
    public record DecisionSubmitted(String decisionId, String batchId, String shotId, int revision, String decision) {
    }

    public record SpendLine(String campaign, String model, BigDecimal chargedUsd, BigDecimal reservedUsd,
            long callsCharged) {
    }

    public record Spend(String team, BigDecimal chargedUsd, BigDecimal reservedUsd, BigDecimal teamBudgetUsd,
            List<SpendLine> byModel) {
    }

    public record ApprovedPrompt(String campaign, String batchId, String shotId, int revision, String prompt,
            String aspectRatio, String finalModel, String reviewer, OffsetDateTime approvedAt) {
    }

    /** The caller: team, roles, and the signed-in person's name (absent for an API key). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Me(String team, List<String> roles, String person) {
    }
}
