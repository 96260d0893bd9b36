package io.reelflow.job;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

import io.reelflow.config.ModelConfig;
import io.reelflow.config.RemoteConfig;
import io.reelflow.config.ReelflowConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * Caps on jobs in flight, held for all replicas together: a model's ({@code reelflow.models.*.max-concurrent-jobs})
 * and, where set, its provider's ({@code reelflow.providers.*.max-concurrent-jobs}). A job may enter
 * {@code SUBMITTING} only while fewer than each cap are submitting, unknown or running, counted in the database
 * under transaction-level advisory locks (the model's first, then the provider's). A job whose video the provider
 * has finished ({@code DOWNLOADING}) no longer takes a slot: the provider's capacity is free while it lands.
 */
@ApplicationScoped
public class ModelSlots {

    private static final String TAKES_SLOT_SQL = JobState.sqlIn(JobState.TAKES_SLOT);
    private static final String WAITING_SQL = JobState.sqlIn(JobState.WAITING);

    private final EntityManager em;
    private final ReelflowConfig config;
    /** Whether a waiting job was passed over here for a full cap since a slot last freed. */
    private final AtomicBoolean passedOver = new AtomicBoolean();

    public ModelSlots(EntityManager em, ReelflowConfig config) {
        this.em = em;
        this.config = config;
    }

    /** Why a new create call for {@code model} must wait, or empty when a slot is free (it is then taken). */
    @Transactional(TxType.MANDATORY)
    public Optional<String> full(String model) {
        ModelConfig m = config.models().get(model);
        if (m == null) {
            return Optional.empty();
        }
        Optional<String> full = full("model", model, m.maxConcurrentJobs());
        if (full.isPresent()) {
            return full;
        }
        var providerCap = ReelflowConfig.remote(config, m.provider()).map(RemoteConfig::maxConcurrentJobs);
        if (providerCap.isPresent() && providerCap.get().isPresent()) {
            return full("provider", m.provider(), providerCap.get().getAsInt());
        }
        return Optional.empty();
    }

    /**
     * The models with no free slot right now (their own cap or their provider's is reached): the worker does not
     * claim their waiting jobs, so a long queue behind a cap costs nothing until a slot frees. A waiting job that a
     * worker holds counts as taking a slot, since it is about to: with one slot free, one worker claims a job for
     * it, not every idle worker one each (the others would read their start frames only to find the slot taken).
     * Read without locks; {@link #full(String)} still decides.
     */
    @Transactional(TxType.MANDATORY)
    public Set<String> fullModels() {
        Map<String, Long> byModel = new HashMap<>();
        Map<String, Long> byProvider = new HashMap<>();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("""
                select model, provider, count(*) from (
                    select model, provider from job where %s
                    union all
                    select model, provider from job
                    where %s and lease_owner is not null and lease_until > now()) taking
                group by model, provider""".formatted(TAKES_SLOT_SQL, WAITING_SQL)).getResultList();
        for (Object[] row : rows) {
            long n = ((Number) row[2]).longValue();
            byModel.merge((String) row[0], n, Long::sum);
            byProvider.merge((String) row[1], n, Long::sum);
        }
        Set<String> full = new TreeSet<>();
        config.models().forEach((name, m) -> {
            var providerCap = ReelflowConfig.remote(config, m.provider()).map(RemoteConfig::maxConcurrentJobs);
            if (byModel.getOrDefault(name, 0L) >= m.maxConcurrentJobs() || (providerCap.isPresent()
                    && providerCap.get().isPresent()
                    && byProvider.getOrDefault(m.provider(), 0L) >= providerCap.get().getAsInt())) {
                full.add(name);
            }
        });
        return full;
    }

    /** A waiting job was not claimed, or not created, because its model's or provider's cap was reached. */
    void passedOver() {
        passedOver.set(true);
    }

    /**
     * Whether a waiting job may be waiting on this replica for the slot that just freed; forgets it, so that the
     * next freed slot wakes a worker only if a job was passed over again.
     */
    boolean takePassedOver() {
        return passedOver.getAndSet(false);
    }

    private Optional<String> full(String column, String name, int cap) {
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext(?1))").setParameter(1, "slots:" + column + ":" + name)
                .getSingleResult();
        long inFlight = ((Number) em.createNativeQuery("select count(*) from job where " + column + " = ?1"
                + " and " + TAKES_SLOT_SQL)
                .setParameter(1, name).getSingleResult()).longValue();
        if (inFlight < cap) {
            return Optional.empty();
        }
        passedOver();
        return Optional.of("waiting for a slot: " + column + " '" + name + "' has " + inFlight
                + " jobs in flight, its cap is " + cap);
    }
}
