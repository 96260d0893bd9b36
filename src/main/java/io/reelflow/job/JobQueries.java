package io.reelflow.job;

import java.time.OffsetDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** Reads of the job table for workers, webhooks and metrics (a batch's jobs are {@link Job#ofBatch}). */
@ApplicationScoped
public class JobQueries {

    /** Jobs due for a worker step but for the budget holds, which only a raised budget moves. */
    private static final String DUE = JobState.sqlIn(EnumSet.of(JobState.PENDING, JobState.SUBMITTING,
            JobState.UNKNOWN, JobState.RUNNING, JobState.DOWNLOADING));

    /** How many jobs are in one state, stage and provider. */
    public record StateCount(String state, String stage, String provider, long jobs) {
    }

    /** Work of one team on one model: jobs waiting for a slot, jobs holding one, and the oldest wait. */
    public record TeamWork(String team, String model, long waiting, long inFlight, double oldestWaitSeconds) {
    }

    private final EntityManager em;

    public JobQueries(EntityManager em) {
        this.em = em;
    }

    /** A job as a worker step would see it, while it waits for its create step and no worker holds it. */
    @Transactional
    public Optional<JobView> waitingUnclaimed(UUID id) {
        Job job = Job.findById(id);
        if (job == null || !JobState.WAITING.contains(job.state)
                || (job.leaseOwner != null && job.leaseUntil != null && job.leaseUntil.isAfter(OffsetDateTime.now()))) {
            return Optional.empty();
        }
        return Optional.of(JobView.of(job));
    }

    /**
     * A provider said (by webhook) that its job changed: a running job is looked at now instead of at its next
     * poll. Landing still goes through the worker's claim, so a webhook and a poll never land twice.
     */
    @Transactional
    public boolean nudge(String provider, String providerJobId) {
        return Job.update("nextAttemptAt = ?1 where provider = ?2 and providerJobId = ?3 and state = ?4",
                OffsetDateTime.now(), provider, providerJobId, JobState.RUNNING) > 0;
    }

    /** Jobs by state, stage and provider. */
    @Transactional
    public List<StateCount> countsByState() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select state, stage, provider, count(*) from job"
                + " group by state, stage, provider").getResultList();
        return rows.stream().map(r -> new StateCount((String) r[0], (String) r[1], (String) r[2],
                ((Number) r[3]).longValue())).toList();
    }

    /** How long the oldest job due for a worker step has waited, in seconds (0 when none is due). */
    @Transactional
    public double oldestDueSeconds() {
        return ((Number) em.createNativeQuery("select coalesce(extract(epoch from now() - min(next_attempt_at)), 0)"
                + " from job where " + DUE + " and next_attempt_at <= now()"
                + " and (lease_until is null or lease_until < now())").getSingleResult()).doubleValue();
    }

    /** Waiting and in-flight jobs by team and model (teams with neither are left out). */
    @Transactional
    public List<TeamWork> workByTeam() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select team, model,"
                + " count(*) filter (where " + JobState.sqlIn(JobState.WAITING) + "),"
                + " count(*) filter (where " + JobState.sqlIn(JobState.TAKES_SLOT) + "),"
                + " coalesce(extract(epoch from now() - min(created_at) filter (where "
                + JobState.sqlIn(JobState.WAITING) + ")), 0)"
                + " from job where " + JobState.sqlIn(java.util.EnumSet.of(JobState.PENDING, JobState.HELD,
                        JobState.SUBMITTING, JobState.UNKNOWN, JobState.RUNNING))
                + " group by team, model").getResultList();
        return rows.stream().map(r -> new TeamWork((String) r[0], (String) r[1], ((Number) r[2]).longValue(),
                ((Number) r[3]).longValue(), ((Number) r[4]).doubleValue())).toList();
    }
}
