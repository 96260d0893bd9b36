package io.reelflow.job;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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
    private final StartFrames startFrames;

    public JobFactory(ReelflowConfig config, JobSignals signals, ModelCatalog catalog, StartFrames startFrames) {
        this.config = config;
        this.signals = signals;
        this.catalog = catalog;
        this.startFrames = startFrames;
    }

    /**
     * Why the shot's model for {@code stage} cannot make that job under the current catalog (it was checked
     * at intake, but the catalog is configuration and may have changed since); empty when it can.
     */
    public List<String> cannotMake(Shot shot, Stage stage) {
        List<String> route = stage == Stage.DRAFT ? shot.batch.draftRoute() : shot.batch.finalRoute();
        List<String> reasons = new java.util.ArrayList<>();
        for (String model : route) {
            List<String> cannot = cannotMake(shot, stage, model);
            if (cannot.isEmpty()) {
                return List.of();
            }
            reasons.addAll(cannot);
        }
        return reasons.stream().distinct().toList();
    }

    private List<String> cannotMake(Shot shot, Stage stage, String model) {
        if (stage == Stage.DRAFT) {
            return catalog.cannotRender(model, config.render().draft().seconds(),
                    config.render().draft().frame(shot.aspect()), shot.referenceImageUrl != null);
        }
        ReelflowConfig.Render.Profile profile = config.render().finalCut();
        return shot.masters().stream().flatMap(master -> catalog.cannotRender(model,
                profile.seconds(), profile.frame(master), shot.referenceImageUrl != null).stream()).distinct().toList();
    }

    /**
     * A draft of {@code shot} at {@code revision} with {@code prompt}; lineage is null for revision 1. The draft
     * is rolled with a new seed where its model takes one, or with {@code keptSeed} when a revision keeps it.
     */
    @Transactional(TxType.MANDATORY)
    public Job draft(Shot shot, int revision, String prompt, Integer parentRevision, String requestedBy,
            String note, Long keptSeed) {
        Batch batch = shot.batch;
        Job job = newJob(shot, Stage.DRAFT, revision, 1, batch.draftRoute(), prompt, config.render().draft(),
                shot.aspect());
        job.seed = catalog.takesSeed(job.model) ? (keptSeed != null ? keptSeed : newSeed()) : null;
        job.parentRevision = parentRevision;
        job.requestedBy = requestedBy;
        job.requestNote = note;
        job.persist();
        signals.wakeOneAfterCommit();
        return job;
    }

    /**
     * The finals of {@code shot} from its approved draft, one per master its placements need (its own orientation
     * first): the same prompt, the final profile and model, starting from the draft's frame at {@code fromSecond}
     * (fitted to each master's frame) where the final model takes an image (otherwise they re-roll, and are only
     * measured against that frame), with the draft's seed where both models read seeds alike.
     */
    @Transactional(TxType.MANDATORY)
    public List<Job> finals(Shot shot, Job approvedDraft, String approvedBy, double fromSecond) {
        List<Job> finals = shot.masters().stream()
                .map(master -> finalCut(shot, master, approvedDraft, approvedBy, fromSecond)).toList();
        startFrames.aheadOf(finals);
        return finals;
    }

    private Job finalCut(Shot shot, AspectRatio master, Job approvedDraft, String approvedBy, double fromSecond) {
        Job job = newJob(shot, Stage.FINAL, approvedDraft.revision, 1, shot.batch.finalRoute(), approvedDraft.prompt,
                config.render().finalCut(), master);
        job.parentRevision = approvedDraft.revision;
        job.requestedBy = approvedBy;
        job.startFromKey = approvedDraft.objectKey;
        job.startSecond = fromSecond;
        job.startFrameKey = ObjectKeys.startFrame(job.objectKey);
        job.look = catalog.takesImage(job.model) ? "carried" : "re-roll";
        job.seed = !catalog.takesSeed(job.model) ? null
                : catalog.sharesSeeds(approvedDraft.model, job.model) && approvedDraft.seed != null
                        ? approvedDraft.seed : newSeed();
        job.persist();
        signals.wakeOneAfterCommit();
        return job;
    }

    /** Another take of a rejected final: the same start, a new seed (a new paid call, checked against budgets). */
    @Transactional(TxType.MANDATORY)
    public Job retake(Shot shot, Job rejected, String requestedBy) {
        Job job = newJob(shot, Stage.FINAL, rejected.revision, rejected.take + 1, List.of(rejected.model), rejected.prompt,
                config.render().finalCut(), rejected.aspect());
        job.parentRevision = rejected.parentRevision;
        job.requestedBy = requestedBy;
        job.startFromKey = rejected.startFromKey;
        job.startSecond = rejected.startSecond;
        job.startFrameKey = rejected.startFrameKey;
        job.look = rejected.look;
        job.seed = catalog.takesSeed(job.model) ? newSeed() : null;
        job.persist();
        signals.wakeOneAfterCommit();
        return job;
    }

    /** A seed in the range every seeded model takes (0 to 2^31 - 1). */
    private static long newSeed() {
        return ThreadLocalRandom.current().nextLong(0, Integer.MAX_VALUE);
    }

    private Job newJob(Shot shot, Stage stage, int revision, int take, List<String> route, String prompt,
            ReelflowConfig.Render.Profile profile, AspectRatio aspect) {
        Batch batch = shot.batch;
        String model = route.get(0);
        FrameSize size = profile.frame(aspect);
        Job job = new Job();
        job.id = UUID.randomUUID();
        job.traceParent = io.reelflow.tracing.Traces.current();
        job.shot = shot;
        job.team = batch.team;
        job.batchId = batch.id;
        job.stage = stage;
        job.revision = revision;
        job.take = take;
        job.model = model;
        job.provider = config.models().get(model).provider();
        job.fallbacks = Batch.joinFallbacks(route);
        job.prompt = prompt;
        job.seconds = profile.seconds();
        job.width = size.width();
        job.height = size.height();
        job.segmentCount = Math.max(1, catalog.plan(model, profile.seconds(), size).size());
        job.state = JobState.PENDING;
        job.nextAttemptAt = OffsetDateTime.now();
        job.updatedAt = job.nextAttemptAt;
        String name = stage.fileName(revision, take, aspect == shot.aspect() ? null : aspect.wireName());
        job.objectKey = ObjectKeys.video(batch.team, batch.campaign, batch.batchKey, shot.shotKey, name);
        job.posterKey = ObjectKeys.poster(batch.team, batch.campaign, batch.batchKey, shot.shotKey, name);
        return job;
    }
}
