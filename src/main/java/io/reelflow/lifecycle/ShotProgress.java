package io.reelflow.lifecycle;

import java.time.OffsetDateTime;

import io.reelflow.campaign.Batch;
import io.reelflow.campaign.BatchChanges;
import io.reelflow.campaign.Shot;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.job.Job;
import io.reelflow.job.JobFactory;
import io.reelflow.job.JobEvent;
import io.reelflow.job.Stage;
import io.reelflow.messaging.VideoEvent;
import io.reelflow.outbox.Outbox;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * What a job's outcome means for its shot and batch, in the job's own transaction: a landed draft awaits review,
 * a landed final delivers the shot once signed off, a failure closes it; each is published on {@code video-events}.
 */
@ApplicationScoped
public class ShotProgress {

    /** Shot state is settled before anyone else (the automatic reviewer) looks at the landing. */
    static final int FIRST = 100;

    private final BatchChanges changes;
    private final Outbox outbox;
    private final JobFactory jobs;
    private final double minSsim;

    public ShotProgress(BatchChanges changes, Outbox outbox, JobFactory jobs, ReelflowConfig config) {
        this.changes = changes;
        this.outbox = outbox;
        this.jobs = jobs;
        this.minSsim = config.review().autoFinalMinSsim();
    }

    void landed(@Observes @Priority(FIRST) JobEvent.Landed landed) {
        Job job = landed.job();
        Shot shot = job.shot;
        shot.updatedAt = job.landedAt;
        if (job.stage == Stage.DRAFT) {
            shot.state = Shot.State.AWAITING_REVIEW;
            changes.drafts(shot.batch, -1);
        } else {
            finalLanded(shot, job);
        }
        Batch batch = shot.batch;
        boolean isFinal = job.stage == Stage.FINAL;
        outbox.append(new VideoEvent.VideoReady(batch.team, batch.campaign, batch.batchKey, shot.shotKey, job.id,
                stage(job), job.revision, job.objectKey, job.posterKey, landed.thumbnailKey(), job.sha256,
                job.sourceSha256, job.sizeBytes, job.seconds, job.width + "x" + job.height, job.model,
                job.segmentCount > 1 ? job.segmentCount : null, job.seed, isFinal ? job.take : null, job.look,
                isFinal ? job.startSecond : null, job.startFrameSsim, job.draftSimilarity, job.contactSheetKey,
                isFinal ? shot.state.name() : null));
    }

    /**
     * Only a signed-off final delivers its shot: at once without sign-off, after a person's approval with
     * {@code manual}; with {@code auto} a final unlike its approved frame is made again once, then left for a person.
     */
    private void finalLanded(Shot shot, Job job) {
        switch (shot.finalReview) {
            case "manual" -> shot.state = Shot.State.AWAITING_FINAL_REVIEW;
            case "auto" -> {
                boolean alike = job.startFrameSsim == null || job.startFrameSsim >= minSsim;
                if (alike) {
                    changes.close(shot, Shot.State.DELIVERED);
                } else if (job.take == 1) {
                    jobs.retake(shot, job, "auto final review (start-frame SSIM " + job.startFrameSsim + ")");
                } else {
                    shot.state = Shot.State.AWAITING_FINAL_REVIEW;
                }
            }
            default -> changes.close(shot, Shot.State.DELIVERED);
        }
    }

    void failed(@Observes @Priority(FIRST) JobEvent.Failed failed) {
        Job job = failed.job();
        Shot shot = job.shot;
        shot.updatedAt = OffsetDateTime.now();
        if (job.stage == Stage.DRAFT) {
            changes.drafts(shot.batch, -1);
        }
        changes.close(shot, Shot.State.FAILED);
        Batch batch = shot.batch;
        outbox.append(new VideoEvent.ShotFailed(batch.team, batch.campaign, batch.batchKey, shot.shotKey, job.id,
                stage(job), job.revision, job.failureKind.wireName(), job.failureReason));
    }

    void held(@Observes @Priority(FIRST) JobEvent.Held held) {
        Job job = held.job();
        Batch batch = job.shot.batch;
        outbox.append(new VideoEvent.ShotHeld(batch.team, batch.campaign, batch.batchKey, job.shot.shotKey, job.id,
                stage(job), job.revision, job.heldReason));
    }

    private static String stage(Job job) {
        return job.stage.name().toLowerCase();
    }
}
