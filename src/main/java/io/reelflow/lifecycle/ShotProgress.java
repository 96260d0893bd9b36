package io.reelflow.lifecycle;

import java.time.OffsetDateTime;
import java.util.List;

import io.reelflow.campaign.Batch;
import io.reelflow.campaign.BatchChanges;
import io.reelflow.campaign.Shot;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.delivery.Delivery;
import io.reelflow.job.Job;
import io.reelflow.job.JobFactory;
import io.reelflow.job.JobEvent;
import io.reelflow.job.Stage;
import io.reelflow.messaging.VideoEvent;
import io.reelflow.outbox.Outbox;
import io.reelflow.spend.Budgets;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;

/**
 * What a job's outcome means for its shot and batch, in the job's own transaction: a landed draft awaits review,
 * landed masters go to delivery once signed off, a failure closes the shot; each is published on
 * {@code video-events}.
 */
@ApplicationScoped
public class ShotProgress {

    /** Shot state is settled before anyone else (the automatic reviewer) looks at the landing. */
    static final int FIRST = 100;

    private final BatchChanges changes;
    private final Outbox outbox;
    private final JobFactory jobs;
    private final Delivery delivery;
    private final double minSsim;
    private final Budgets budgets;

    public ShotProgress(BatchChanges changes, Outbox outbox, JobFactory jobs, Delivery delivery,
            ReelflowConfig config, Budgets budgets) {
        this.budgets = budgets;
        this.delivery = delivery;
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
        } else if (!shot.state.closed()) {
            // A shot closed already (its other master failed) keeps its state; the file is still announced.
            finalLanded(shot, job);
        }
        Batch batch = shot.batch;
        boolean isFinal = job.stage == Stage.FINAL;
        outbox.append(new VideoEvent.VideoReady(batch.team, batch.campaign, batch.batchKey, shot.shotKey, job.id,
                stage(job), job.revision, job.objectKey, job.posterKey, landed.thumbnailKey(), job.sha256,
                job.sourceSha256, job.sizeBytes, job.seconds, job.width + "x" + job.height, job.model,
                job.segmentCount > 1 ? job.segmentCount : null, job.seed, isFinal ? job.take : null, job.look,
                isFinal ? job.startSecond : null, job.startFrameSsim, job.draftSimilarity, job.contactSheetKey,
                isFinal ? shot.state.name() : null, job.fallbackNote, charge(job)));
    }

    /** What the job's calls cost, as the ledger charged them for what was delivered. */
    private VideoEvent.Charge charge(Job job) {
        List<Budgets.JobSpend> calls = budgets.charged(job.id);
        if (calls.isEmpty()) {
            return null;
        }
        java.math.BigDecimal reserved = calls.stream().map(Budgets.JobSpend::reservedUsd)
                .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
        java.math.BigDecimal charged = calls.stream().map(Budgets.JobSpend::chargedUsd)
                .reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add);
        boolean probed = calls.stream().allMatch(c -> c.deliveredSeconds() != null);
        Double delivered = probed ? calls.stream().mapToDouble(c -> c.deliveredSeconds().doubleValue()).sum() : null;
        String size = calls.get(calls.size() - 1).deliveredSize();
        int asked = calls.stream().mapToInt(Budgets.JobSpend::askedSeconds).sum();
        String note = charged.compareTo(reserved) == 0 ? null : "asked " + asked + " s, delivered "
                + (delivered == null ? "?" : String.format(java.util.Locale.ROOT, "%.2f", delivered)) + " s at " + size
                + ": charged $" + charged.toPlainString() + " for what was delivered, $" + reserved.toPlainString()
                + " was reserved";
        return new VideoEvent.Charge(calls.get(0).model(), reserved, charged, calls.size(), delivered, size, note);
    }

    void rerouted(@Observes @Priority(FIRST) JobEvent.Rerouted rerouted) {
        Job job = rerouted.job();
        Batch batch = job.shot.batch;
        outbox.append(new VideoEvent.ShotRerouted(batch.team, batch.campaign, batch.batchKey, job.shot.shotKey,
                job.id, stage(job), job.revision, rerouted.from(), job.model, rerouted.reason()));
    }

    /**
     * Only signed-off masters deliver their shot, once every master it pays for has landed: at once without
     * sign-off, after a person's approval with {@code manual}; with {@code auto} a master unlike its approved frame
     * is made again once, then left for a person.
     */
    private void finalLanded(Shot shot, Job job) {
        if ("auto".equals(shot.finalReview) && !alike(job) && job.take == 1) {
            jobs.retake(shot, job, "auto final review (start-frame SSIM " + job.startFrameSsim + ")");
            return;
        }
        if (shot.masters().size() > 1) {
            // Masters landing side by side: the last to commit must see the others landed.
            Shot.getEntityManager().lock(shot, LockModeType.PESSIMISTIC_WRITE);
        }
        List<Job> masters = Job.latestFinals(shot);
        if (masters.size() < shot.masters().size()
                || masters.stream().anyMatch(m -> m.state != io.reelflow.job.JobState.LANDED)) {
            return; // another master is still being made
        }
        boolean signOff = switch (shot.finalReview) {
            case "manual" -> true;
            case "auto" -> !masters.stream().allMatch(this::alike);
            default -> false;
        };
        if (signOff) {
            shot.state = Shot.State.AWAITING_FINAL_REVIEW;
        } else {
            delivery.start(shot);
        }
    }

    private boolean alike(Job job) {
        return job.startFrameSsim == null || job.startFrameSsim >= minSsim;
    }

    void failed(@Observes @Priority(FIRST) JobEvent.Failed failed) {
        Job job = failed.job();
        Shot shot = job.shot;
        shot.updatedAt = OffsetDateTime.now();
        if (job.stage == Stage.DRAFT) {
            changes.drafts(shot.batch, -1);
        }
        if (!shot.state.closed()) {
            changes.close(shot, Shot.State.FAILED);
        }
        Batch batch = shot.batch;
        outbox.append(new VideoEvent.ShotFailed(batch.team, batch.campaign, batch.batchKey, shot.shotKey, job.id,
                stage(job), job.revision, job.failureKind.wireName(), job.failureReason, job.model, job.refusedInput));
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
