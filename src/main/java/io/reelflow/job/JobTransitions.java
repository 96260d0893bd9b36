package io.reelflow.job;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.provider.FailureKind;
import io.reelflow.spend.Budgets;
import io.reelflow.storage.ResultLanding;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

/**
 * Every change of a job's state, each in its own transaction, guarded by the caller's lease: a worker that
 * lost its lease (it stalled past expiry and another replica took over) changes nothing. Landings, failures and
 * holds are announced as {@link JobEvent}s in the same transaction; what they mean for shots and batches is the
 * observers' business.
 */
@ApplicationScoped
@Transactional
public class JobTransitions {

    private static final Logger LOG = Logger.getLogger(JobTransitions.class);
    private static final int MAX_ERROR_LENGTH = 2000;
    private static final Duration SLOT_RETRY = Duration.ofMillis(500);

    private final Budgets budgets;
    private final ModelSlots slots;
    private final JobSegments segments;
    private final ReelflowConfig config;
    private final JobSignals signals;
    private final Event<JobEvent> events;
    private final java.util.Map<JobState, io.micrometer.core.instrument.Counter> moves = new java.util.EnumMap<>(
            JobState.class);

    private final io.micrometer.core.instrument.MeterRegistry registry;

    public JobTransitions(Budgets budgets, ModelSlots slots, JobSegments segments, ReelflowConfig config,
            JobSignals signals, Event<JobEvent> events, io.micrometer.core.instrument.MeterRegistry registry) {
        for (JobState state : JobState.values()) {
            moves.put(state, io.micrometer.core.instrument.Counter.builder("reelflow_job_moves")
                    .description("Job state changes this replica made, by the state entered (per replica: sum them)")
                    .tag("to", state.name()).register(registry));
        }
        this.registry = registry;
        this.budgets = budgets;
        this.slots = slots;
        this.segments = segments;
        this.config = config;
        this.signals = signals;
        this.events = events;
    }

    /**
     * Written and committed before the paid create call, with the call's price reserved. Returns why the job
     * must wait instead: the model has no free slot (the job stays as it was and tries again shortly), or the
     * call would pass a budget (the job is then {@code HELD} and looks again later).
     */
    public Optional<String> submitting(UUID id, String owner, int callSeconds, String createKey) {
        Job job = held(id, owner);
        Optional<String> full = slots.full(job.model);
        if (full.isPresent()) {
            // Not a failure and not a hold: the job simply waits its turn for the model.
            job.lastError = full.get();
            release(job, SLOT_RETRY);
            return full;
        }
        Optional<String> over = budgets.reserve(job.spendCall(), callSeconds);
        if (over.isPresent()) {
            boolean first = job.state != JobState.HELD;
            job.heldReason = over.get();
            move(job, JobState.HELD);
            release(job, config.budgets().recheck());
            if (first) {
                events.fire(new JobEvent.Held(job));
                LOG.infof("%s held: %s", JobView.of(job).label(), job.heldReason);
            }
            return over;
        }
        job.heldReason = null;
        // The latest create attempt: what reconciliation looks for, and what the running time counts from.
        job.submittedAt = OffsetDateTime.now();
        job.createKey = createKey;
        move(job, JobState.SUBMITTING);
        return over;
    }

    public void submitted(UUID id, String owner, String providerJobId, Duration pollAfter) {
        Job job = held(id, owner);
        job.providerJobId = providerJobId;
        move(job, JobState.RUNNING);
        release(job, pollAfter);
    }

    /**
     * Submitted, and finished already when asked at once (a local render): recorded running and finished in one
     * transaction, as {@link #submitted} and {@link #downloading} would.
     */
    public void finishedAtOnce(UUID id, String owner, String providerJobId, String lander) {
        Job job = held(id, owner);
        job.providerJobId = providerJobId;
        move(job, JobState.RUNNING);
        finished(job, lander);
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
        budgets.release(job.id);
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
        Duration backoff = backoff(job.attempts);
        release(job, retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff);
    }

    /**
     * Records a landed segment (once; a repeated call changes nothing). With {@code advance} the job moves on to
     * its next segment, which starts with a create call of its own.
     */
    public void segmentLanded(UUID id, String owner, int index, int seconds, String providerJobId, String key,
            String sha256, io.reelflow.media.MediaProbe.Probe delivered, boolean advance) {
        Job job = held(id, owner);
        segments.landed(id, index, seconds, providerJobId, key, sha256);
        budgets.charge(id, index, delivered(delivered));
        if (advance) {
            job.segmentIndex = index + 1;
            job.providerJobId = null;
            job.submittedAt = null;
            job.attempts = 0;
            move(job, JobState.PENDING);
            release(job, Duration.ZERO);
        }
    }

    /**
     * The job moves to the next model of its route ({@code model} on {@code provider}, made in
     * {@code segmentCount} calls): nothing was created for it where it was (the caller has made sure), so its
     * reservation there is given back and it is created anew, at the new model's price.
     */
    public void rerouted(UUID id, String owner, String model, String provider, int segmentCount, String reason) {
        Job job = held(id, owner);
        String from = job.model;
        budgets.release(job.id);
        java.util.List<String> left = new java.util.ArrayList<>(java.util.List.of(job.fallbacks.split(",")));
        left.subList(0, left.indexOf(model) + 1).clear();
        job.fallbacks = left.isEmpty() ? null : String.join(",", left);
        String line = from + " -> " + model + ": " + reason;
        job.fallbackNote = truncate(job.fallbackNote == null ? line : job.fallbackNote + "\n" + line);
        job.model = model;
        job.provider = provider;
        job.segmentCount = segmentCount;
        job.providerJobId = null;
        job.submittedAt = null;
        job.createKey = null;
        job.heldReason = null;
        job.attempts = 0;
        job.lastError = truncate(reason);
        move(job, JobState.PENDING);
        release(job, Duration.ZERO);
        events.fire(new JobEvent.Rerouted(job, from, reason));
        // How often routes fall back, and between which models: reelflow_jobs_rerouted_total{from, to}.
        io.micrometer.core.instrument.Counter.builder("reelflow_jobs_rerouted")
                .description("Jobs this replica moved to the next model of their route (per replica: sum them)")
                .tags("from", from, "to", model).register(registry).increment();
        LOG.infof("%s moved from %s to %s: %s", JobView.of(job).label(), from, model, reason);
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

    /**
     * The provider finished the video; attempts from here on count landing tries. The lease moves to
     * {@code lander}, the landing threads' name for it; without room there ({@code null}) the job is given back, due
     * at once, to be claimed when there is.
     */
    public void downloading(UUID id, String owner, String lander) {
        finished(held(id, owner), lander);
    }

    private void finished(Job job, String lander) {
        job.attempts = 0;
        move(job, JobState.DOWNLOADING);
        if (lander == null) {
            release(job, Duration.ZERO);
        } else {
            job.leaseOwner = lander;
        }
    }

    /** A finished job claimed by a worker thread goes on to the landing thread {@code lander}, lease and all. */
    public void handOver(UUID id, String owner, String lander) {
        held(id, owner).leaseOwner = lander;
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
        release(job, backoff(job.attempts));
    }

    /** The video is stored; a final's {@code scores} (null when not measured) say how alike its draft it is. */
    public void landed(UUID id, String owner, ResultLanding.Landed landed, LookCheck.Scores scores) {
        Job job = held(id, owner);
        if (scores != null) {
            job.startFrameSsim = scores.startFrameSsim();
            job.draftSimilarity = scores.draftSimilarity();
            job.contactSheetKey = scores.contactSheetKey();
        }
        job.sha256 = landed.sha256();
        job.sourceSha256 = landed.sourceSha256().equals(landed.sha256()) ? null : landed.sourceSha256();
        job.sizeBytes = landed.sizeBytes();
        job.probedSeconds = landed.probe().seconds();
        if (landed.credentials() != null) {
            job.credentials = landed.credentials().label();
            job.credentialsSummary = landed.credentials().summary();
        }
        job.landedAt = OffsetDateTime.now();
        budgets.charge(job.id, job.segmentIndex, delivered(landed.served()));
        move(job, JobState.LANDED);
        release(job, Duration.ZERO);
        events.fire(new JobEvent.Landed(job, landed.thumbnailKey(), landed.qcFailures()));
        LOG.infof("%s landed: %s (%d bytes, sha256 %s)", JobView.of(job).label(), job.objectKey, job.sizeBytes,
                job.sha256);
    }

    public void failed(UUID id, String owner, FailureKind kind, String reason) {
        fail(held(id, owner), kind, reason);
    }

    /** A refusal that says what it was about ({@code prompt}, {@code image} or {@code output}; null if not said). */
    public void refused(UUID id, String owner, FailureKind kind, String reason, String refusedInput) {
        Job job = held(id, owner);
        job.refusedInput = refusedInput;
        fail(job, kind, reason);
    }

    private void fail(Job job, FailureKind kind, String reason) {
        if (job.state == JobState.DOWNLOADING) {
            // The provider finished the video (and bills it) even though it could not be landed.
            budgets.charge(job.id, job.segmentIndex);
        }
        budgets.release(job.id);
        job.failureKind = kind;
        job.failureReason = truncate(reason);
        move(job, JobState.FAILED);
        release(job, Duration.ZERO);
        events.fire(new JobEvent.Failed(job));
        LOG.infof("%s failed (%s): %s", JobView.of(job).label(), kind.wireName(), job.failureReason);
    }

    private static io.reelflow.spend.Budgets.Delivered delivered(io.reelflow.media.MediaProbe.Probe probe) {
        return probe == null ? null : new io.reelflow.spend.Budgets.Delivered(probe.seconds(),
                new io.reelflow.media.FrameSize(probe.width(), probe.height()));
    }

    /** Exponential backoff after {@code attempts} failed tries: 2, 4, 8 ... 60 seconds. */
    private static Duration backoff(int attempts) {
        return Duration.ofSeconds(Math.min(60, 1L << Math.min(attempts, 6)));
    }

    private static Job held(UUID id, String owner) {
        Job job = Job.withShot(id, LockModeType.PESSIMISTIC_WRITE).orElse(null);
        if (job == null || !owner.equals(job.leaseOwner)) {
            throw new LeaseLostException(id);
        }
        return job;
    }

    /** Every state change is one log line naming team, batch, shot and job. */
    private void move(Job job, JobState next) {
        if (job.state != next) {
            LOG.infof("%s: %s -> %s", JobView.of(job).label(), job.state, next);
            moves.get(next).increment();
            if (JobState.TAKES_SLOT.contains(job.state) && !JobState.TAKES_SLOT.contains(next)
                    && slots.takePassedOver()) {
                // A slot is free and a waiting job was passed over for a full cap: an idle worker here looks for
                // it at once (other replicas within their idle poll; with no job passed over, nobody is woken).
                signals.wakeOneAfterCommit();
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
