package io.reelflow.job;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.reelflow.util.SqlValues;
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

    public JobClaims(EntityManager em, ModelSlots slots) {
        this.em = em;
        this.slots = slots;
    }

    /**
     * Claims up to {@code limit} due jobs for {@code owner} (one worker thread): unleased ones, expired ones,
     * and the thread's own leases, left behind when a step could not record its outcome (the thread is idle
     * when it claims, so none of those is in flight).
     *
     * <p>Jobs already at a provider come first: advancing them lands results and frees slots. Waiting jobs
     * ({@code PENDING}, {@code HELD}) of a model with no free slot are not claimed at all, so a queue of
     * thousands behind a cap of 16 is not cycled through while it waits.
     */
    public List<UUID> claim(String owner, int limit, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<UUID> ids = claim(owner, limit, lease, "state in ('SUBMITTING', 'UNKNOWN', 'RUNNING', 'DOWNLOADING')",
                    null);
            if (ids.size() < limit) {
                List<UUID> waiting = claim(owner, limit - ids.size(), lease, "state in ('PENDING', 'HELD')",
                        slots.fullModels().toArray(String[]::new));
                if (!waiting.isEmpty()) {
                    ids = new java.util.ArrayList<>(ids);
                    ids.addAll(waiting);
                }
            }
            return ids;
        });
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
                where left(lease_owner, length(:prefix)) = :prefix and state <> 'SUBMITTING'""")
                .setParameter("prefix", instance + "/")
                .executeUpdate());
    }
}
