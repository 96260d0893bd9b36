package io.reelflow.job;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.reelflow.campaign.Batch;
import io.reelflow.campaign.BatchChanges;
import io.reelflow.campaign.Shot;
import io.reelflow.intake.BatchIntake;
import io.reelflow.manifest.ManifestWriter;
import io.reelflow.messaging.Topics;
import io.reelflow.outbox.Outbox;
import io.reelflow.review.AutoReviewer;
import io.reelflow.review.ReviewService;
import io.reelflow.spend.Budgets;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.storage.ResultLanding;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Every change of a job's state, each in its own transaction, guarded by the caller's lease: a worker that
 * lost its lease (it stalled past expiry and another replica took over) changes nothing.
 */
@ApplicationScoped
@Transactional
public class JobTransitions {

    private static final Logger LOG = Logger.getLogger(JobTransitions.class);
    private static final int MAX_ERROR_LENGTH = 2000;

    private final Outbox outbox;
    private final ManifestWriter manifests;
    private final AutoReviewer autoReviewer;
    private final Budgets budgets;
    private final ModelSlots slots;
    private static final Duration SLOT_RETRY = Duration.ofMillis(500);
    private final ReelflowConfig config;

    private final JobSignals signals;

    public JobTransitions(Outbox outbox, ManifestWriter manifests, AutoReviewer autoReviewer, Budgets budgets,
            ReelflowConfig config, ModelSlots slots, JobSignals signals) {
        this.slots = slots;
        this.signals = signals;
        this.budgets = budgets;
        this.config = config;
        this.outbox = outbox;
        this.manifests = manifests;
        this.autoReviewer = autoReviewer;
    }

    /** Thrown when the caller no longer holds the job's lease. */
    public static class LeaseLostException extends RuntimeException {
        LeaseLostException(UUID id) {
            super("lease on job " + id + " was lost");
        }
    }

    public JobView view(UUID id) {
        return JobView.of(Job.findById(id));
    }

    /**
     * Written and committed before the paid create call, with the call's price reserved. Returns why the job
     * must wait instead: the model has no free slot (the job stays as it was and tries again shortly), or the
     * call would pass a budget (the job is then {@code HELD} and looks again later).
     */
    public java.util.Optional<String> submitting(UUID id, String owner, int callSeconds) {
        Job job = held(id, owner);
        java.util.Optional<String> full = slots.full(job.model);
        if (full.isPresent()) {
            // Not a failure and not a hold: the job simply waits its turn for the model.
            job.lastError = full.get();
            release(job, SLOT_RETRY);
            return full;
        }
        java.util.Optional<String> over = budgets.reserve(job, callSeconds);
        if (over.isPresent()) {
            boolean first = job.state != JobState.HELD;
            job.heldReason = over.get();
            move(job, JobState.HELD);
            release(job, config.budgets().recheck());
            if (first) {
                Map<String, Object> fields = jobFields(job);
                fields.put("reason", job.heldReason);
                outbox.append(Topics.VIDEO_EVENTS, BatchIntake.eventKey(job.shot.batch), "ShotHeld", fields);
                LOG.infof("%s held: %s", JobView.of(job).label(), job.heldReason);
            }
            return over;
        }
        job.heldReason = null;
        // The latest create attempt: what reconciliation looks for, and what the running time counts from.
        job.submittedAt = OffsetDateTime.now();
        move(job, JobState.SUBMITTING);
        return over;
    }

    public void submitted(UUID id, String owner, String providerJobId, Duration pollAfter) {
        Job job = held(id, owner);
        job.providerJobId = providerJobId;
        move(job, JobState.RUNNING);
        release(job, pollAfter);
    }

    /** The create call's outcome is not known: reconcile against the provider, never create again blindly. */
    public void unknown(UUID id, String owner, String reason, Duration retryIn) {
        Job job = held(id, owner);
        job.lastError = truncate(reason);
        move(job, JobState.UNKNOWN);
        release(job, retryIn);
    }

    /** The provider certainly has no job for this one: it may be created. */
    public void pending(UUID id, String owner, String reason, Duration retryIn) {
        Job job = held(id, owner);
        budgets.release(job);
        job.lastError = truncate(reason);
        move(job, JobState.PENDING);
        release(job, retryIn);
    }

    /**
     * A call that certainly had no effect failed (429, a server error on a status call): the step is retried
     * after {@code retryAfter} or an exponential backoff, whichever is longer. The paid job is never given up
     * for such failures.
     */
    public void retryLater(UUID id, String owner, String reason, Duration retryAfter) {
        Job job = held(id, owner);
        job.attempts++;
        job.lastError = truncate(reason);
        Duration backoff = Duration.ofSeconds(Math.min(60, 1L << Math.min(job.attempts, 6)));
        release(job, retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff);
    }

    /**
     * Records a landed segment (once; a repeated call changes nothing). With {@code advance} the job moves on to
     * its next segment, which starts with a create call of its own.
     */
    public void segmentLanded(UUID id, String owner, int index, int seconds, String providerJobId, String key,
            String sha256, boolean advance) {
        Job job = held(id, owner);
        Job.getEntityManager().createNativeQuery("insert into job_segment (job_id, segment_index, seconds,"
                + " provider_job_id, object_key, sha256) values (?1, ?2, ?3, ?4, ?5, ?6) on conflict do nothing")
                .setParameter(1, id).setParameter(2, index).setParameter(3, seconds).setParameter(4, providerJobId)
                .setParameter(5, key).setParameter(6, sha256).executeUpdate();
        budgets.charge(job, index);
        if (advance) {
            job.segmentIndex = index + 1;
            job.providerJobId = null;
            job.submittedAt = null;
            job.attempts = 0;
            move(job, JobState.PENDING);
            release(job, Duration.ZERO);
        }
    }

    /** Whether another job already owns any of these provider jobs; returns the first free one. */
    public java.util.Optional<String> firstUnowned(UUID id, String provider, java.util.List<String> candidates) {
        if (candidates.isEmpty()) {
            return java.util.Optional.empty();
        }
        java.util.Set<String> owned = new java.util.HashSet<>(Job.getEntityManager().createQuery(
                "select j.providerJobId from Job j where j.provider = ?1 and j.providerJobId in ?2 and j.id <> ?3",
                String.class).setParameter(1, provider).setParameter(2, candidates).setParameter(3, id)
                .getResultList());
        // Segments already landed, of this job or another, are owned too.
        for (Object landed : Job.getEntityManager().createNativeQuery(
                "select provider_job_id from job_segment where provider_job_id in (?1)")
                .setParameter(1, candidates).getResultList()) {
            owned.add((String) landed);
        }
        return candidates.stream().filter(c -> !owned.contains(c)).findFirst();
    }

    /**
     * A provider said (by webhook) that its job changed: a running job is looked at now instead of at its next
     * poll. Landing still goes through the worker's claim, so a webhook and a poll never land twice.
     */
    public boolean nudge(String provider, String providerJobId) {
        int updated = Job.update("nextAttemptAt = ?1 where provider = ?2 and providerJobId = ?3 and state = ?4",
                OffsetDateTime.now(), provider, providerJobId, JobState.RUNNING);
        return updated > 0;
    }

    /** The job's provider is paused: the job waits, without counting an attempt. */
    public void paused(UUID id, String owner, String reason, Duration retryIn) {
        Job job = held(id, owner);
        job.lastError = truncate(reason);
        release(job, retryIn);
    }

    public void reschedule(UUID id, String owner, Duration retryIn) {
        release(held(id, owner), retryIn);
    }

    /** The provider finished the video; attempts from here on count landing tries. */
    public void downloading(UUID id, String owner) {
        Job job = held(id, owner);
        job.attempts = 0;
        move(job, JobState.DOWNLOADING);
    }

    /** A step failed unexpectedly; after too many attempts the job fails for good. */
    public void stepFailed(UUID id, String owner, String error, int maxAttempts) {
        Job job = held(id, owner);
        job.attempts++;
        job.lastError = truncate(error);
        if (job.attempts >= maxAttempts && job.state != JobState.SUBMITTING && job.state != JobState.UNKNOWN) {
            fail(job, FailureKind.PROVIDER_ERROR, "gave up after " + job.attempts + " attempts: " + error);
            return;
        }
        long backoffSeconds = Math.min(60, 1L << Math.min(job.attempts, 6));
        release(job, Duration.ofSeconds(backoffSeconds));
    }

    public void landed(UUID id, String owner, ResultLanding.Landed landed) {
        Job job = held(id, owner);
        job.sha256 = landed.sha256();
        job.sourceSha256 = landed.sourceSha256().equals(landed.sha256()) ? null : landed.sourceSha256();
        job.sizeBytes = landed.sizeBytes();
        job.probedSeconds = landed.probe().seconds();
        job.landedAt = OffsetDateTime.now();
        budgets.charge(job, job.segmentIndex);
        move(job, JobState.LANDED);
        release(job, Duration.ZERO);

        Shot shot = job.shot;
        Batch batch = shot.batch;
        shot.updatedAt = job.landedAt;
        Map<String, Object> fields = jobFields(job);
        fields.put("objectKey", job.objectKey);
        fields.put("posterKey", job.posterKey);
        if (landed.thumbnailKey() != null) {
            fields.put("thumbnailKey", landed.thumbnailKey());
        }
        fields.put("sha256", job.sha256);
        if (job.sourceSha256 != null) {
            fields.put("providerSha256", job.sourceSha256);
        }
        fields.put("sizeBytes", job.sizeBytes);
        fields.put("seconds", job.seconds);
        fields.put("size", job.width + "x" + job.height);
        fields.put("model", job.model);
        if (job.segmentCount > 1) {
            fields.put("segments", job.segmentCount);
        }
        if (job.stage == Stage.DRAFT) {
            shot.state = Shot.State.AWAITING_REVIEW;
            outbox.append(Topics.VIDEO_EVENTS, BatchIntake.eventKey(batch), "DraftReady", fields);
            BatchChanges.record(batch.id, -1, 0);
            autoReviewer.review(job, landed.qcFailures());
        } else {
            ReviewService.close(shot, Shot.State.DELIVERED);
            outbox.append(Topics.VIDEO_EVENTS, BatchIntake.eventKey(batch), "FinalReady", fields);
        }
        manifests.wakeAfterCommit();
        LOG.infof("%s landed: %s (%d bytes, sha256 %s)", JobView.of(job).label(), job.objectKey, job.sizeBytes,
                job.sha256);
    }

    public void failed(UUID id, String owner, FailureKind kind, String reason) {
        fail(held(id, owner), kind, reason);
    }

    private void fail(Job job, FailureKind kind, String reason) {
        if (job.state == JobState.DOWNLOADING) {
            // The provider finished the video (and bills it) even though it could not be landed.
            budgets.charge(job, job.segmentIndex);
        }
        budgets.release(job);
        job.failureKind = kind;
        job.failureReason = truncate(reason);
        move(job, JobState.FAILED);
        release(job, Duration.ZERO);
        Shot shot = job.shot;
        shot.updatedAt = OffsetDateTime.now();
        if (job.stage == Stage.DRAFT) {
            BatchChanges.record(shot.batch.id, -1, 0);
        }
        ReviewService.close(shot, Shot.State.FAILED);
        Map<String, Object> fields = jobFields(job);
        fields.put("failureKind", kind.wireName());
        fields.put("reason", job.failureReason);
        outbox.append(Topics.VIDEO_EVENTS, BatchIntake.eventKey(shot.batch), "ShotFailed", fields);
        manifests.wakeAfterCommit();
        LOG.infof("%s failed (%s): %s", JobView.of(job).label(), kind.wireName(), job.failureReason);
    }

    private static Map<String, Object> jobFields(Job job) {
        Map<String, Object> fields = BatchIntake.batchFields(job.shot.batch);
        fields.put("shotId", job.shot.shotKey);
        fields.put("jobId", job.id);
        fields.put("stage", job.stage.name().toLowerCase());
        fields.put("revision", job.revision);
        return fields;
    }

    private static Job held(UUID id, String owner) {
        Job job = Job.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (job == null || !owner.equals(job.leaseOwner)) {
            throw new LeaseLostException(id);
        }
        return job;
    }

    /** Every state change is one log line naming team, batch, shot and job. */
    private void move(Job job, JobState next) {
        if (job.state != next) {
            LOG.infof("%s: %s -> %s", JobView.of(job).label(), job.state, next);
            if (ModelSlots.TAKES_SLOT.contains(job.state) && !ModelSlots.TAKES_SLOT.contains(next)) {
                // A slot is free: idle workers here look for a waiting job at once (other replicas within
                // their idle poll).
                signals.wakeAfterCommit();
            }
        }
        job.state = next;
        job.updatedAt = OffsetDateTime.now();
    }

    private static void release(Job job, Duration retryIn) {
        job.leaseOwner = null;
        job.leaseUntil = null;
        job.nextAttemptAt = OffsetDateTime.now().plus(retryIn);
        job.updatedAt = OffsetDateTime.now();
    }

    private static String truncate(String text) {
        if (text == null) {
            return null;
        }
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }
}
