package io.reelflow.provider;

import java.time.Instant;
import java.util.Optional;

import org.jboss.logging.Logger;

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
 */
@ApplicationScoped
@Transactional
public class ProviderBreaker {

    private static final Logger LOG = Logger.getLogger(ProviderBreaker.class);

    private final EntityManager em;
    private final ReelflowConfig config;

    public ProviderBreaker(EntityManager em, ReelflowConfig config) {
        this.em = em;
        this.config = config;
    }

    /** When the provider may be called again, if it is paused now. */
    public Optional<Instant> pausedUntil(String provider) {
        return em.createNativeQuery("select open_until from provider_breaker where provider = ?1 and open_until > now()")
                .setParameter(1, provider).getResultStream().findFirst().map(SqlValues::instant);
    }

    /** Counts a failed call towards the pause when it was an outage (not a refusal or a rate limit). */
    public void failed(String provider, ProviderException e) {
        if (e.isOutage()) {
            failure(provider, e.getMessage());
        }
    }

    public void failure(String provider, String error) {
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

    public void success(String provider) {
        em.createNativeQuery("update provider_breaker set failures = 0, open_until = null, updated_at = now()"
                + " where provider = ?1 and (failures > 0 or open_until is not null)")
                .setParameter(1, provider).executeUpdate();
    }
}
