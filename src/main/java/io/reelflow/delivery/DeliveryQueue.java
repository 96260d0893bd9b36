package io.reelflow.delivery;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.reelflow.background.Wakeup;
import io.reelflow.persistence.SqlValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/**
 * Leases on placement files, as {@code job} has them: a delivery thread claims one due file with
 * {@code FOR UPDATE SKIP LOCKED}, so replicas never make the same file, and holds it with a lease that expires if
 * the thread's process dies. Work queued on this instance rings its idle threads; other replicas poll.
 */
@ApplicationScoped
public class DeliveryQueue {

    private final EntityManager em;
    private final Wakeup wakeup = new Wakeup();

    public DeliveryQueue(EntityManager em) {
        this.em = em;
    }

    /** One due file for {@code owner} (a delivery thread), leased for {@code lease}. */
    public Optional<UUID> claim(String owner, Duration lease) {
        return QuarkusTransaction.requiringNew().call(() -> ((List<?>) em.createNativeQuery("""
                update deliverable set lease_owner = :owner, lease_until = now() + make_interval(secs => :lease)
                where id in (
                    select id from deliverable
                    where state = 'PENDING' and next_attempt_at <= now()
                      and (lease_until is null or lease_until < now() or lease_owner = :owner)
                    order by next_attempt_at
                    limit 1
                    for update skip locked)
                returning id""")
                .setParameter("owner", owner)
                .setParameter("lease", (double) lease.toSeconds())
                .getResultList()).stream().map(SqlValues::uuid).findFirst());
    }

    /** Extends the leases {@code owner}s still hold on {@code ids}. */
    public void renew(Collection<UUID> ids, String instance, Duration lease) {
        if (ids.isEmpty()) {
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery("""
                update deliverable set lease_until = now() + make_interval(secs => :lease)
                where left(lease_owner, length(:prefix)) = :prefix and id = any(:ids)""")
                .setParameter("prefix", instance + "/")
                .setParameter("lease", (double) lease.toSeconds())
                .setParameter("ids", ids.toArray(UUID[]::new))
                .executeUpdate());
    }

    /** Gives back the leases of a stopping instance, so another replica takes its files at once. */
    public int release(String instance) {
        return QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                update deliverable set lease_owner = null, lease_until = null
                where left(lease_owner, length(:prefix)) = :prefix and state = 'PENDING'""")
                .setParameter("prefix", instance + "/")
                .executeUpdate());
    }

    public void wake() {
        wakeup.ring();
    }

    /** Waits for new work on this instance, at most {@code timeout}. */
    public void await(Duration timeout) throws InterruptedException {
        wakeup.await(timeout);
    }
}
