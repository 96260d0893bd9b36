package io.reelflow.metrics;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reelflow.util.PollingLoop;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

/**
 * The pipeline's state as Prometheus gauges, read from PostgreSQL every {@link #REFRESH} (so every replica
 * reports the same, whole-pipeline figures; aggregate them with {@code max}, not {@code sum}):
 * <ul>
 * <li>{@code reelflow_jobs{state, stage, provider}}: jobs in each state;
 * <li>{@code reelflow_oldest_due_job_age_seconds}: how long the oldest job due for a worker step has waited;
 * <li>{@code reelflow_spend_usd{team, model, kind}}: spend charged, and reserved for calls in flight.
 * </ul>
 * Provider latency and errors are {@code reelflow_provider_requests_seconds} (see
 * {@link io.reelflow.provider.http.RemoteProvider}).
 */
@ApplicationScoped
public class PipelineMetrics {

    private static final Logger LOG = Logger.getLogger(PipelineMetrics.class);
    static final Duration REFRESH = Duration.ofSeconds(15);

    private final EntityManager em;
    private final MultiGauge jobs;
    private final MultiGauge spend;
    private final PollingLoop loop;
    private volatile double oldestDueSeconds;

    public PipelineMetrics(EntityManager em, MeterRegistry registry) {
        this.em = em;
        this.jobs = MultiGauge.builder("reelflow_jobs").description("Jobs by state, stage and provider")
                .register(registry);
        this.spend = MultiGauge.builder("reelflow_spend_usd").description("Spend charged and reserved, by team and model")
                .register(registry);
        Gauge.builder("reelflow_oldest_due_job_age_seconds", this, m -> m.oldestDueSeconds)
                .description("How long the oldest job due for a worker step has been waiting").register(registry);
        this.loop = new PollingLoop("pipeline-metrics", REFRESH, Duration.ZERO, this::refresh, LOG);
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop(Duration.ofSeconds(5));
    }

    @SuppressWarnings("unchecked")
    private boolean refresh() {
        QuarkusTransaction.requiringNew().run(() -> {
            List<MultiGauge.Row<?>> jobRows = new ArrayList<>();
            for (Object[] r : (List<Object[]>) em.createNativeQuery("select state, stage, provider, count(*) from job"
                    + " group by state, stage, provider").getResultList()) {
                jobRows.add(MultiGauge.Row.of(Tags.of("state", (String) r[0], "stage", ((String) r[1]).toLowerCase(),
                        "provider", (String) r[2]), ((Number) r[3]).doubleValue()));
            }
            jobs.register(jobRows, true);
            List<MultiGauge.Row<?>> spendRows = new ArrayList<>();
            for (Object[] r : (List<Object[]>) em.createNativeQuery("select team, model, sum(charged_usd),"
                    + " sum(reserved_usd) from spend_by_model group by team, model").getResultList()) {
                spendRows.add(MultiGauge.Row.of(Tags.of("team", (String) r[0], "model", (String) r[1], "kind", "charged"),
                        ((BigDecimal) r[2]).doubleValue()));
                spendRows.add(MultiGauge.Row.of(Tags.of("team", (String) r[0], "model", (String) r[1], "kind", "reserved"),
                        ((BigDecimal) r[3]).doubleValue()));
            }
            spend.register(spendRows, true);
            Object oldest = em.createNativeQuery("select coalesce(extract(epoch from now() - min(next_attempt_at)), 0)"
                    + " from job where state in ('PENDING', 'SUBMITTING', 'UNKNOWN', 'RUNNING', 'DOWNLOADING')"
                    + " and next_attempt_at <= now() and (lease_until is null or lease_until < now())").getSingleResult();
            oldestDueSeconds = ((Number) oldest).doubleValue();
        });
        return false;
    }
}
