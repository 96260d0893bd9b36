package io.reelflow.job;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Leases on jobs. A worker claims due jobs with {@code FOR UPDATE SKIP LOCKED}, so replicas never take the
 * same job, and holds each claim with a lease that expires if the worker dies.
 */
@ApplicationScoped
public class JobClaims {

    private final EntityManager em;

    public JobClaims(EntityManager em) {
        this.em = em;
    }

    /**
     * Claims up to {@code limit} due jobs for {@code owner} (one worker thread): unleased ones, expired ones,
     * and the thread's own leases, left behind when a step could not record its outcome (the thread is idle
     * when it claims, so none of those is in flight).
     */
    public List<UUID> claim(String owner, int limit, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<UUID> ids = em.createNativeQuery("""
                    update job set lease_owner = :owner, lease_until = now() + make_interval(secs => :lease)
                    where id in (
                        select id from job
                        where state in ('PENDING', 'HELD', 'SUBMITTING', 'UNKNOWN', 'RUNNING', 'DOWNLOADING')
                          and next_attempt_at <= now()
                          and (lease_until is null or lease_until < now()
                               or lease_owner = :owner)
                        order by next_attempt_at
                        limit :limit
                        for update skip locked)
                    returning id""", UUID.class)
                    .setParameter("owner", owner)
                    .setParameter("lease", (double) lease.toSeconds())
                    .setParameter("limit", limit)
                    .getResultList();
            return ids;
        });
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
