package io.reelflow.job;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import io.reelflow.campaign.Batch;
import io.reelflow.campaign.Shot;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.AspectRatio;
import io.reelflow.media.FrameSize;
import io.reelflow.provider.ModelCatalog;
import io.reelflow.storage.ObjectKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/** Creates a shot's jobs from the render profiles: drafts (one per revision) and the final. */
@ApplicationScoped
public class JobFactory {

    private final ReelflowConfig config;
    private final JobSignals signals;
    private final ModelCatalog catalog;

    public JobFactory(ReelflowConfig config, JobSignals signals, ModelCatalog catalog) {
        this.config = config;
        this.signals = signals;
        this.catalog = catalog;
    }

    /**
     * Why the shot's model for {@code stage} cannot make that job under the current catalog (it was checked
     * at intake, but the catalog is configuration and may have changed since); empty when it can.
     */
    public List<String> cannotMake(Shot shot, Stage stage) {
        ReelflowConfig.Render.Profile profile = stage == Stage.FINAL ? config.render().finalCut()
                : config.render().draft();
        String model = stage == Stage.FINAL ? shot.batch.finalModel : shot.batch.draftModel;
        return catalog.cannotRender(model, profile.seconds(), size(shot, profile), shot.referenceImageUrl != null);
    }

    private static FrameSize size(Shot shot, ReelflowConfig.Render.Profile profile) {
        return profile.frame(AspectRatio.parse(shot.aspectRatio).orElseThrow());
    }

    /** A draft of {@code shot} at {@code revision} with {@code prompt}; lineage is null for revision 1. */
    @Transactional(TxType.MANDATORY)
    public Job draft(Shot shot, int revision, String prompt, Integer parentRevision, String requestedBy,
            String note) {
        Batch batch = shot.batch;
        Job job = newJob(shot, Stage.DRAFT, revision, batch.draftModel, prompt, config.render().draft());
        job.parentRevision = parentRevision;
        job.requestedBy = requestedBy;
        job.requestNote = note;
        job.persist();
        signals.wakeAfterCommit();
        return job;
    }

    /** The final of {@code shot}, from its approved draft: same prompt, the final profile and model. */
    @Transactional(TxType.MANDATORY)
    public Job finalCut(Shot shot, Job approvedDraft, String approvedBy) {
        Job job = newJob(shot, Stage.FINAL, approvedDraft.revision, shot.batch.finalModel, approvedDraft.prompt,
                config.render().finalCut());
        job.parentRevision = approvedDraft.revision;
        job.requestedBy = approvedBy;
        job.persist();
        signals.wakeAfterCommit();
        return job;
    }

    private Job newJob(Shot shot, Stage stage, int revision, String model, String prompt,
            ReelflowConfig.Render.Profile profile) {
        Batch batch = shot.batch;
        FrameSize size = size(shot, profile);
        Job job = new Job();
        job.id = UUID.randomUUID();
        job.traceParent = io.reelflow.tracing.Traces.current();
        job.shot = shot;
        job.stage = stage;
        job.revision = revision;
        job.model = model;
        job.provider = config.models().get(model).provider();
        job.prompt = prompt;
        job.seconds = profile.seconds();
        job.width = size.width();
        job.height = size.height();
        job.segmentCount = Math.max(1, catalog.plan(model, profile.seconds(), size).size());
        job.state = JobState.PENDING;
        job.nextAttemptAt = OffsetDateTime.now();
        job.updatedAt = job.nextAttemptAt;
        job.objectKey = ObjectKeys.video(batch.team, batch.campaign, batch.batchKey, shot.shotKey,
                stage.fileName(revision));
        job.posterKey = ObjectKeys.poster(batch.team, batch.campaign, batch.batchKey, shot.shotKey,
                stage.fileName(revision));
        return job;
    }
}
