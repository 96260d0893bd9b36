package io.reelflow.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.reelflow.persistence.SqlValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Leases on jobs. A worker claims due jobs with {@code FOR UPDATE SKIP LOCKED}, so replicas never take the
 * same job, and holds each claim with a lease that expires if the worker dies.
 */
@ApplicationScoped
public class JobClaims {

    private final EntityManager em;
    private final ModelSlots slots;
    private final int workerThreads;

    public JobClaims(EntityManager em, ModelSlots slots, io.reelflow.config.ReelflowConfig config) {
        this.em = em;
        this.slots = slots;
        this.workerThreads = config.worker().concurrency();
    }

    /**
     * Claims up to {@code limit} due jobs for {@code owner} (one worker thread): unleased ones, expired ones,
     * and the thread's own leases, left behind when a step could not record its outcome (the thread is idle
     * when it claims, so none of those is in flight).
     *
     * <p>Order: waiting jobs ({@code PENDING}, {@code HELD}) of models with a free slot first, so a slot that
     * frees or an approval that arrives starts the provider's (long) work at once; then jobs at a provider by
     * due time (status polls, reconciliations, landings). Waiting jobs of a model whose cap is reached are not
     * claimed at all, so a queue of thousands behind a cap of 16 costs nothing while it waits. When finished
     * videos are queueing to be landed ({@link #LANDING_BACKLOG} per worker thread), jobs at a provider come
     * first instead: landing is the pipeline's own bottleneck then, and starting more videos would only
     * lengthen the queue while their download links age.
     */
    public List<UUID> claim(String owner, int limit, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            String[] full = slots.fullModels().toArray(String[]::new);
            boolean backlog = landingsDue(LANDING_BACKLOG * Math.max(1, workerThreads));
            List<UUID> ids = new ArrayList<>();
            if (!backlog) {
                ids.addAll(claim(owner, limit, lease, WAITING, full));
            }
            if (ids.size() < limit) {
                ids.addAll(claim(owner, limit - ids.size(), lease, AT_PROVIDER, null));
            }
            if (backlog && ids.size() < limit) {
                ids.addAll(claim(owner, limit - ids.size(), lease, WAITING, full));
            }
            return ids;
        });
    }

    private static final String WAITING = JobState.sqlIn(JobState.WAITING);
    private static final String AT_PROVIDER = JobState.sqlIn(JobState.AT_PROVIDER);
    private static final String LANDING = JobState.sqlIn(java.util.EnumSet.of(JobState.DOWNLOADING));
    /** Finished videos due for landing, per worker thread, beyond which new work is not preferred. */
    static final int LANDING_BACKLOG = 2;

    private boolean landingsDue(int atLeast) {
        Number n = (Number) em.createNativeQuery("select count(*) from (select 1 from job where " + LANDING
                + " and next_attempt_at <= now() limit ?1) due").setParameter(1, atLeast).getSingleResult();
        return n.intValue() >= atLeast;
    }

    private List<UUID> claim(String owner, int limit, Duration lease, String states, String[] fullModels) {
        var query = em.createNativeQuery("""
                update job set lease_owner = :owner, lease_until = now() + make_interval(secs => :lease)
                where id in (
                    select id from job
                    where %s
                      and next_attempt_at <= now()
                      and (lease_until is null or lease_until < now() or lease_owner = :owner)
                      %s
                    order by next_attempt_at
                    limit :limit
                    for update skip locked)
                returning id""".formatted(states, fullModels == null ? "" : "and model <> all(:full)"))
                .setParameter("owner", owner)
                .setParameter("lease", (double) lease.toSeconds())
                .setParameter("limit", limit);
        if (fullModels != null) {
            query.setParameter("full", fullModels);
        }
        return ((List<?>) query.getResultList()).stream().map(SqlValues::uuid).toList();
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
     * Gives back the leases of all threads of {@code instance} at shutdown so another replica continues at once. A job whose create
     * call may be in flight keeps its lease until it expires: only then may anyone reconcile it.
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
