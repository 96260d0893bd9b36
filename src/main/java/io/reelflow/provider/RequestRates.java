package io.reelflow.provider;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.reelflow.config.ModelConfig;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.persistence.SqlValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Request-rate limits for the providers' APIs, held for all replicas together through PostgreSQL: a model's
 * {@code requests-per-minute} and a provider's. Each limit spaces requests {@code 60 s / rate} apart and lets
 * through a burst of up to {@code max(3, rate / 12)} (five seconds' worth), so in any window of W seconds at
 * most {@code W * rate / 60 + burst} requests go out. A step that would pass a limit is not made: its job
 * waits until the schedule has room, without a call. Each grant is logged at DEBUG (this class's category) with
 * the database time it was granted at.
 */
@ApplicationScoped
public class RequestRates {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(RequestRates.class);

    /** One limit: its key in {@code request_rate} and its requests per minute. */
    public record Limit(String key, int perMinute) {

        Duration spacing() {
            return Duration.ofNanos(60_000_000_000L / perMinute);
        }

        int burst() {
            return Math.max(MIN_BURST, perMinute / 12);
        }
    }

    /** The largest number of requests one job step makes (a landing: download, thumbnail, delete). */
    public static final int MIN_BURST = 3;

    private final EntityManager em;
    private final ReelflowConfig config;

    public RequestRates(EntityManager em, ReelflowConfig config) {
        this.em = em;
        this.config = config;
    }

    /** The limits that apply to requests for {@code model} at {@code provider}. */
    public List<Limit> limits(String model, String provider) {
        List<Limit> limits = new ArrayList<>();
        ModelConfig m = config.models().get(model);
        if (m != null && m.requestsPerMinute().isPresent()) {
            limits.add(new Limit("model:" + model, positive(m.requestsPerMinute().getAsInt())));
        }
        ReelflowConfig.remote(config, provider).flatMap(r -> r.requestsPerMinute().isPresent()
                ? Optional.of(r.requestsPerMinute().getAsInt()) : Optional.empty())
                .ifPresent(rate -> limits.add(new Limit("provider:" + provider, positive(rate))));
        limits.sort(Comparator.comparing(Limit::key));
        return limits;
    }

    /**
     * Takes room for {@code requests} requests under every limit that applies, or says how long to wait
     * before asking again (nothing is taken then).
     */
    @Transactional
    public Optional<Duration> take(String model, String provider, int requests) {
        List<Limit> limits = limits(model, provider);
        if (limits.isEmpty()) {
            return Optional.empty();
        }
        List<Instant> next = new ArrayList<>();
        for (Limit limit : limits) {
            em.createNativeQuery("insert into request_rate (limit_key, next_at) values (?1, clock_timestamp())"
                    + " on conflict (limit_key) do nothing").setParameter(1, limit.key()).executeUpdate();
            next.add(SqlValues.instant(em.createNativeQuery(
                    "select next_at from request_rate where limit_key = ?1 for update")
                    .setParameter(1, limit.key()).getSingleResult()));
        }
        // The clock is read once every row is locked: now() would be the transaction's start, before any wait
        // for another replica's lock, and would let requests through as if they had gone out earlier.
        Instant now = SqlValues.instant(em.createNativeQuery("select clock_timestamp()").getSingleResult());
        List<Instant> scheduled = new ArrayList<>();
        Duration wait = Duration.ZERO;
        for (int i = 0; i < limits.size(); i++) {
            Optional<Duration> tooEarly = schedule(limits.get(i), next.get(i), now, requests, scheduled);
            if (tooEarly.isPresent() && tooEarly.get().compareTo(wait) > 0) {
                wait = tooEarly.get();
            }
        }
        if (!wait.isZero()) {
            return Optional.of(wait);
        }
        for (int i = 0; i < limits.size(); i++) {
            em.createNativeQuery("update request_rate set next_at = ?2 where limit_key = ?1")
                    .setParameter(1, limits.get(i).key())
                    .setParameter(2, OffsetDateTime.ofInstant(scheduled.get(i), java.time.ZoneOffset.UTC))
                    .executeUpdate();
        }
        // The schedule as granted, on the database's clock that every replica shares (for audits of the rate).
        if (LOG.isDebugEnabled()) {
            LOG.debugf("request rate: took %d at %s under %s", requests, now,
                    limits.stream().map(Limit::key).collect(java.util.stream.Collectors.joining(",")));
        }
        return Optional.empty();
    }

    /**
     * The schedule after {@code requests} more requests, added to {@code scheduled}; or how long until they
     * fit within the burst.
     */
    static Optional<Duration> schedule(Limit limit, Instant next, Instant now, int requests, List<Instant> scheduled) {
        Instant start = next.isAfter(now) ? next : now;
        Instant after = start.plus(limit.spacing().multipliedBy(requests));
        Instant latest = now.plus(limit.spacing().multipliedBy(Math.max(limit.burst(), requests)));
        scheduled.add(after);
        return after.isAfter(latest) ? Optional.of(Duration.between(latest, after)) : Optional.empty();
    }

    private static int positive(int rate) {
        if (rate <= 0) {
            throw new IllegalArgumentException("requests-per-minute must be positive, was " + rate);
        }
        return rate;
    }
}
