package io.reelflow.job;

import java.util.UUID;

import io.reelflow.media.Deliverables;
import io.reelflow.media.FrameSize;
import io.reelflow.provider.RenderRequest;
import io.reelflow.storage.ResultLanding;

/** A job as one worker step sees it, read in a short transaction. */
public record JobView(UUID id, Stage stage, JobState state, String provider, String providerJobId, int attempts,
        String objectKey, String posterKey, RenderRequest request, String team, String batchKey, String shotKey,
        String reviewPolicy, String referenceImageFit, int seconds, int width, int height, int segmentIndex,
        int segmentCount, String traceParent, StartFrame startFrom, java.util.List<String> fallbacks, String campaign,
        int revision, boolean promptInCredentials) {

    /**
     * Where a final starts: the approved draft ({@code draftKey}), the second of it ({@code second}), where the
     * frame is kept once prepared ({@code frameKey}), whether it is sent to the model ({@code carried}; a model
     * that takes no image re-rolls, and is only measured against it), and the shot's focus point, kept when the
     * frame is cut to the final's shape (a master in the other orientation).
     */
    public record StartFrame(String draftKey, double second, String frameKey, boolean carried,
            Deliverables.Focus focus) {
    }

    public static JobView of(Job job) {
        return new JobView(job.id, job.stage, job.state, job.provider, job.providerJobId, job.attempts,
                job.objectKey, job.posterKey,
                new RenderRequest(job.id, job.model, job.model, job.prompt, job.seconds, job.width, job.height,
                        job.shot.referenceImageUrl, job.submittedAt == null ? null : job.submittedAt.toInstant(),
                        null, job.seed, job.createKey),
                job.shot.batch.team, job.shot.batch.batchKey, job.shot.shotKey, job.shot.reviewPolicy,
                job.shot.referenceImageFit, job.seconds, job.width, job.height, job.segmentIndex, job.segmentCount,
                job.traceParent, job.startFromKey == null ? null : new StartFrame(job.startFromKey,
                        job.startSecond == null ? 0 : job.startSecond, job.startFrameKey, "carried".equals(job.look),
                        job.shot.focus()),
                job.fallbacks == null ? java.util.List.of() : java.util.List.of(job.fallbacks.split(",")),
                job.shot.batch.campaign, job.revision, job.shot.batch.credentialsPrompt);
    }

    /** What the delivered clip must be: the job's own length and frame size. */
    public ResultLanding.Expected target() {
        return new ResultLanding.Expected(seconds, new FrameSize(width, height));
    }

    /** The same job with another render request (the model's remote name resolved, say). */
    public JobView withProviderJobId(String other) {
        return new JobView(id, stage, state, provider, other, attempts, objectKey, posterKey, request, team,
                batchKey, shotKey, reviewPolicy, referenceImageFit, seconds, width, height, segmentIndex, segmentCount,
                traceParent, startFrom, fallbacks, campaign, revision, promptInCredentials);
    }

    public JobView withRequest(RenderRequest other) {
        return new JobView(id, stage, state, provider, providerJobId, attempts, objectKey, posterKey, other, team,
                batchKey, shotKey, reviewPolicy, referenceImageFit, seconds, width, height, segmentIndex, segmentCount,
                traceParent, startFrom, fallbacks, campaign, revision, promptInCredentials);
    }

    /**
     * What the stored file's content credentials say of where it came from: the model and provider, and the job
     * (the prompt only where the campaign allows it); {@code ingredients} are the provider files it was made from
     * when already known (a segmented job's segments).
     */
    public io.reelflow.provenance.Origin origin(java.util.List<io.reelflow.provenance.ContentCredentials.Ingredient> ingredients) {
        java.util.Map<String, Object> record = new java.util.LinkedHashMap<>();
        record.put("team", team);
        record.put("campaign", campaign);
        record.put("batch", batchKey);
        record.put("shot", shotKey);
        record.put("stage", stage.name().toLowerCase(java.util.Locale.ROOT));
        record.put("revision", revision);
        record.put("job", id.toString());
        if (promptInCredentials) {
            record.put("prompt", request.prompt());
        }
        return new io.reelflow.provenance.Origin(request.model(), provider, ingredients, record);
    }

    /** Whether an automatic quality check judges this job's result. */
    public boolean autoQc() {
        return stage == Stage.DRAFT && "auto-qc".equals(reviewPolicy);
    }

    /** Whether the job is made of several provider calls. */
    public boolean segmented() {
        return segmentCount > 1;
    }

    /** How logs name the job: team, batch, shot and job (and segment). */
    public String label() {
        return team + "/" + batchKey + "/" + shotKey + " " + stage.name().toLowerCase() + " job " + id
                + (segmentCount > 1 ? " segment " + (segmentIndex + 1) + "/" + segmentCount : "");
    }
}
