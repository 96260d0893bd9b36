package io.reelflow.job;

import java.util.Optional;

import io.reelflow.config.ReelflowConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * A model's cap on jobs in flight at its provider ({@code reelflow.models.*.max-concurrent-jobs}), held for all
 * replicas together: a job may enter {@code SUBMITTING} only while fewer than the cap are submitting, unknown,
 * running or downloading, counted in the database under a transaction-level advisory lock per model.
 */
@ApplicationScoped
public class ModelSlots {

    private final EntityManager em;
    private final ReelflowConfig config;

    public ModelSlots(EntityManager em, ReelflowConfig config) {
        this.em = em;
        this.config = config;
    }

    /** Why a new create call for {@code model} must wait, or empty when a slot is free (it is then taken). */
    @Transactional(TxType.MANDATORY)
    public Optional<String> full(String model) {
        ReelflowConfig.Model m = config.models().get(model);
        if (m == null) {
            return Optional.empty();
        }
        em.createNativeQuery("select pg_advisory_xact_lock(hashtext(?1))").setParameter(1, "slots:" + model)
                .getSingleResult();
        long inFlight = ((Number) em.createNativeQuery("select count(*) from job where model = ?1"
                + " and state in ('SUBMITTING', 'UNKNOWN', 'RUNNING', 'DOWNLOADING')")
                .setParameter(1, model).getSingleResult()).longValue();
        if (inFlight < m.maxConcurrentJobs()) {
            return Optional.empty();
        }
        return Optional.of("waiting for a slot: model '" + model + "' has " + inFlight + " jobs in flight, its cap is "
                + m.maxConcurrentJobs());
    }
}
