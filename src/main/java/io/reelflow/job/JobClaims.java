package io.reelflow.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.persistence.SqlValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

/**
 * Leases on jobs. A worker claims due jobs with {@code FOR UPDATE SKIP LOCKED}, so replicas never take the
 * same job, and holds each claim with a lease that expires if the worker dies.
 */
@ApplicationScoped
public class JobClaims {

    private final EntityManager em;
    private final ModelSlots slots;
    private final int workerThreads;
    private final Map<String, Double> weights;
    private final Landings landings;

    public JobClaims(EntityManager em, ModelSlots slots, ReelflowConfig config, Landings landings) {
        this.em = em;
        this.slots = slots;
        this.landings = landings;
        this.workerThreads = config.worker().concurrency();
        this.weights = Map.copyOf(config.fairShare().weights());
        weights.forEach((team, weight) -> {
            if (!(weight > 0) || weight.isInfinite()) {
                throw new IllegalArgumentException("reelflow.fair-share.weights.\"" + team + "\" is " + weight
                        + "; a team's weight must be a number above 0");
            }
        });
    }

    /**
     * Claims up to {@code limit} due jobs for {@code owner} (one worker thread), read as a step sees them:
     * unleased ones, expired ones, and the thread's own leases, left behind when a step could not record its
     * outcome (the thread is idle when it claims, so none of those is in flight).
     *
     * <p>Order: waiting jobs ({@code PENDING}, {@code HELD}) of models with a free slot first, so a slot that
     * frees or an approval that arrives starts the provider's (long) work at once, shared fairly among the teams
     * and batches that wait ({@link FairShare}); then jobs at a provider by due time (status polls,
     * reconciliations, landings). Waiting jobs of a model whose cap is reached are not claimed at all, so a queue
     * of thousands behind a cap of 16 costs nothing while it waits. When finished videos are queueing to be landed
     * ({@link #LANDING_BACKLOG} per worker thread), no waiting job is claimed: landing is the pipeline's own
     * bottleneck then, and starting more videos would only lengthen the queue while their download links age.
     * Finished jobs are claimed only while this instance's landing threads have room ({@link Landings}).
     */
    public Claim claim(String owner, int limit, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            boolean backlog = landingsDue(LANDING_BACKLOG * Math.max(1, workerThreads));
            List<UUID> ids = new ArrayList<>();
            if (!backlog) {
                ids.addAll(claimWaiting(owner, limit, lease, slots.fullModels()));
            }
            if (ids.size() < limit) {
                ids.addAll(claimAtProvider(owner, limit - ids.size(), lease));
            }
            if (ids.isEmpty()) {
                return new Claim(List.of(), nextDue());
            }
            // Read as the step will see them in the claim's own transaction: a step needs no transaction to begin.
            List<JobView> jobs = ids.stream()
                    .map(id -> JobView.of(Job.withShot(id, LockModeType.NONE).orElseThrow())).toList();
            return new Claim(jobs, Optional.empty());
        });
    }

    /**
     * What a claim took, read as a step sees it; when it took nothing, how soon the next job it knows of falls due
     * (a status poll, a retry), if any does.
     */
    public record Claim(List<JobView> jobs, Optional<Duration> nextDue) {

        /** How long an idle worker waits before its next look: until the next job is due, at most {@code idlePoll}. */
        public Duration nextLook(Duration idlePoll) {
            return nextDue.filter(due -> due.compareTo(idlePoll) < 0).orElse(idlePoll);
        }
    }

    /** How soon the next job at a provider or waiting falls due; each read from its due index. */
    private Optional<Duration> nextDue() {
        Object seconds = em.createNativeQuery("""
                select extract(epoch from min(next_attempt_at) - now()) from (
                    (select next_attempt_at from job where %s and next_attempt_at > now()
                     order by next_attempt_at limit 1)
                    union all
                    (select next_attempt_at from job where %s and next_attempt_at > now()
                     order by next_attempt_at limit 1)) due""".formatted(AT_PROVIDER, WAITING)).getSingleResult();
        return seconds == null ? Optional.empty()
                : Optional.of(Duration.ofNanos((long) (((Number) seconds).doubleValue() * 1e9)));
    }

    private static final String WAITING = JobState.sqlIn(JobState.WAITING);
    private static final String AT_PROVIDER = JobState.sqlIn(JobState.AT_PROVIDER);
    private static final String TAKES_SLOT = JobState.sqlIn(JobState.TAKES_SLOT);
    private static final String LANDING = JobState.sqlIn(java.util.EnumSet.of(JobState.DOWNLOADING));
    private static final String CLAIMABLE = "next_attempt_at <= now()"
            + " and (lease_until is null or lease_until < now() or lease_owner = :owner)";
    /** Finished videos due for landing, per worker thread, beyond which new work is not preferred. */
    static final int LANDING_BACKLOG = 2;

    private boolean landingsDue(int atLeast) {
        Number n = (Number) em.createNativeQuery("select count(*) from (select 1 from job where " + LANDING
                + " and next_attempt_at <= now() limit ?1) due").setParameter(1, atLeast).getSingleResult();
        return n.intValue() >= atLeast;
    }

    /** Waiting jobs of models with a free slot, one at a time from the group {@link FairShare} puts first. */
    private List<UUID> claimWaiting(String owner, int limit, Duration lease, Set<String> fullModels) {
        List<FairShare.Group> all = waitingGroups();
        List<FairShare.Group> waiting = new ArrayList<>(all.stream()
                .filter(g -> !fullModels.contains(g.model())).toList());
        if (waiting.size() < all.size()) {
            slots.passedOver();
        }
        if (waiting.isEmpty()) {
            return List.of();
        }
        // One group waiting (one team's one batch): nothing to share, so the counts are not read.
        FairShare share = new FairShare(waiting.size() == 1 ? List.of() : busy(),
                team -> weights.getOrDefault(team, 1.0));
        List<UUID> ids = new ArrayList<>();
        while (ids.size() < limit && !waiting.isEmpty()) {
            FairShare.Group first = share.order(waiting).get(0);
            var query = em.createNativeQuery("""
                    update job set lease_owner = :owner, lease_until = now() + make_interval(secs => :lease),
                        claimed_at = clock_timestamp()
                    where id in (
                        select id from job
                        where %s and model = :model and team = :team and batch_id = :batch and %s
                        order by next_attempt_at
                        limit 1
                        for update skip locked)
                    returning id""".formatted(WAITING, CLAIMABLE))
                    .setParameter("owner", owner)
                    .setParameter("lease", (double) lease.toSeconds())
                    .setParameter("model", first.model())
                    .setParameter("team", first.team())
                    .setParameter("batch", first.batchId());
            List<?> claimed = query.getResultList();
            if (claimed.isEmpty()) {
                waiting.remove(first);
            } else {
                ids.add(SqlValues.uuid(claimed.get(0)));
                share.took(first);
            }
        }
        return ids;
    }

    /**
     * Each (model, team, batch) with waiting jobs, and when its oldest became due, read as a skip scan of the
     * waiting index: one index probe per group, however many jobs wait in each. Groups not yet due are left out.
     */
    private List<FairShare.Group> waitingGroups() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                with recursive g as (
                    (select model, provider, team, batch_id, next_attempt_at from job where %1$s
                     order by model, team, batch_id, next_attempt_at limit 1)
                    union all
                    select n.model, n.provider, n.team, n.batch_id, n.next_attempt_at from g cross join lateral (
                        select model, provider, team, batch_id, next_attempt_at from job
                        where %1$s and (model, team, batch_id) > (g.model, g.team, g.batch_id)
                        order by model, team, batch_id, next_attempt_at limit 1) n
                )
                select model, provider, team, batch_id, next_attempt_at from g where next_attempt_at <= now()"""
                .formatted(WAITING)).getResultList();
        return rows.stream().map(r -> new FairShare.Group((String) r[0], (String) r[1], (String) r[2],
                ((Number) r[3]).longValue(), SqlValues.instant(r[4]))).toList();
    }

    /** Work at the provider by model, team and batch: jobs holding a slot, and waiting jobs a worker holds. */
    private List<FairShare.Busy> busy() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                select model, provider, team, batch_id, count(*) from (
                    select model, provider, team, batch_id from job where %s
                    union all
                    select model, provider, team, batch_id from job
                    where %s and lease_owner is not null and lease_until > now()) busy
                group by model, provider, team, batch_id""".formatted(TAKES_SLOT, WAITING)).getResultList();
        return rows.stream().map(r -> new FairShare.Busy((String) r[0], (String) r[1], (String) r[2],
                ((Number) r[3]).longValue(), ((Number) r[4]).longValue())).toList();
    }

    /** Jobs at a provider (polls, reconciliations, and landings while the landing threads have room), by due time. */
    private List<UUID> claimAtProvider(String owner, int limit, Duration lease) {
        String states = landings.hasRoom() ? AT_PROVIDER : TAKES_SLOT;
        return ((List<?>) em.createNativeQuery("""
                update job set lease_owner = :owner, lease_until = now() + make_interval(secs => :lease)
                where id in (
                    select id from job
                    where %s and %s
                    order by next_attempt_at
                    limit :limit
                    for update skip locked)
                returning id""".formatted(states, CLAIMABLE))
                .setParameter("owner", owner)
                .setParameter("lease", (double) lease.toSeconds())
                .setParameter("limit", limit)
                .getResultList()).stream().map(SqlValues::uuid).toList();
    }

    /** Extends the leases that the threads of {@code instance} still hold on {@code ids}. */
    public void renew(String instance, Collection<UUID> ids, Duration lease) {
        if (ids.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                update job set lease_until = now() + make_interval(secs => :lease)
                where left(lease_owner, length(:prefix)) = :prefix and id = any(:ids)""")
                .setParameter("prefix", instance + "/")
                .setParameter("lease", (double) lease.toSeconds())
                .setParameter("ids", ids.toArray(UUID[]::new))
                .executeUpdate());
    }

    /**
     * Gives back the leases of all threads of {@code instance} at shutdown so another replica continues at once.
     * A job whose create call may be in flight keeps its lease until it expires: only then may anyone reconcile it.
     */
    public int releaseAll(String instance) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                update job set lease_owner = null, lease_until = null
                where left(lease_owner, length(:prefix)) = :prefix and not %s"""
                .formatted(JobState.sqlIn(java.util.EnumSet.of(JobState.SUBMITTING))))
                .setParameter("prefix", instance + "/")
                .executeUpdate());
    }
}
