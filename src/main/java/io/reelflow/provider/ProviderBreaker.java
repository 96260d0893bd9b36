package io.reelflow.provider;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.persistence.SqlValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * A circuit breaker per provider, shared by all replicas through PostgreSQL: after
 * {@code reelflow.breaker.failures} outage failures in a row (server errors, calls without an answer) the
 * provider is paused for {@code reelflow.breaker.pause}; its jobs wait while other providers' work goes on.
 * After the pause one failure pauses it again; one success closes the breaker.
 *
 * <p>A success writes only when the provider's row may hold failures or a pause, as this replica last read or
 * wrote it (every step of a remote provider's job reads it first, in {@link #pausedUntil}); the successes of a
 * healthy provider, two a job, cost no transaction.
 */
@ApplicationScoped
public class ProviderBreaker {

    private static final Logger LOG = Logger.getLogger(ProviderBreaker.class);

    private final EntityManager em;
    private final ReelflowConfig config;
    /** Whether each provider's row held failures or a pause when this replica last read or wrote it. */
    private final Map<String, Boolean> mayHoldFailures = new ConcurrentHashMap<>();

    public ProviderBreaker(EntityManager em, ReelflowConfig config) {
        this.em = em;
        this.config = config;
    }

    /** When the provider may be called again, if it is paused now. */
    @Transactional
    public Optional<Instant> pausedUntil(String provider) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select open_until, open_until > now(), failures"
                + " from provider_breaker where provider = ?1").setParameter(1, provider).getResultList();
        if (rows.isEmpty()) {
            mayHoldFailures.put(provider, false);
            return Optional.empty();
        }
        Object[] row = rows.get(0);
        mayHoldFailures.put(provider, row[0] != null || ((Number) row[2]).intValue() > 0);
        return Boolean.TRUE.equals(row[1]) ? Optional.of(SqlValues.instant(row[0])) : Optional.empty();
    }

    /** Counts a failed call towards the pause when it was an outage (not a refusal or a rate limit). */
    @Transactional
    public void failed(String provider, ProviderException e) {
        if (e.isOutage()) {
            failure(provider, e.getMessage());
        }
    }

    @Transactional
    public void failure(String provider, String error) {
        mayHoldFailures.put(provider, true);
        int threshold = config.breaker().failures();
        Object opened = em.createNativeQuery("""
                insert into provider_breaker as b (provider, failures, last_error) values (?1, 1, ?2)
                on conflict (provider) do update set failures = b.failures + 1, last_error = ?2, updated_at = now()
                returning case when failures >= ?3 then 1 else 0 end""")
                .setParameter(1, provider).setParameter(2, error).setParameter(3, threshold).getSingleResult();
        if (((Number) opened).intValue() == 1) {
            em.createNativeQuery("update provider_breaker set open_until = now() + make_interval(secs => ?2),"
                    + " failures = ?3 where provider = ?1")
                    .setParameter(1, provider).setParameter(2, (double) config.breaker().pause().toSeconds())
                    .setParameter(3, threshold - 1).executeUpdate();
            LOG.warnf("provider %s paused for %s after %d failures in a row; last: %s", provider,
                    config.breaker().pause(), threshold, error);
        }
    }

    /** A call that the provider answered: closes the breaker and ends the run of failures. */
    public void success(String provider) {
        if (Boolean.FALSE.equals(mayHoldFailures.get(provider))) {
            return;
        }
        // Marked first: a failure recorded meanwhile by another thread here marks it again.
        mayHoldFailures.put(provider, false);
        QuarkusTransaction.joiningExisting().run(() -> em.createNativeQuery(
                "update provider_breaker set failures = 0, open_until = null, updated_at = now()"
                        + " where provider = ?1 and (failures > 0 or open_until is not null)")
                .setParameter(1, provider).executeUpdate());
    }
}
