package io.reelflow.metrics;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reelflow.background.PollingLoop;
import io.reelflow.job.JobQueries;
import io.reelflow.spend.SpendReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The pipeline's state as Prometheus gauges, read from PostgreSQL every {@code reelflow.metrics.refresh} (so every replica
 * reports the same, whole-pipeline figures; aggregate them with {@code max}, not {@code sum}):
 * <ul>
 * <li>{@code reelflow_jobs{state, stage, provider}}: jobs in each state;
 * <li>{@code reelflow_oldest_due_job_age_seconds}: how long the oldest job due for a worker step has waited;
 * <li>{@code reelflow_spend_usd{team, model, kind}}: spend charged, and reserved for calls in flight;
 * <li>{@code reelflow_team_jobs_waiting{team, model}}, {@code reelflow_team_jobs_in_flight{team, model}} and
 * {@code reelflow_team_oldest_waiting_job_age_seconds{team, model}}: each team's queue and share of the slots.
 * </ul>
 * Provider latency and errors are {@code reelflow_provider_requests_seconds} (see
 * {@link io.reelflow.provider.http.RemoteProvider}).
 */
@ApplicationScoped
public class PipelineMetrics {

    private static final Logger LOG = Logger.getLogger(PipelineMetrics.class);

    private final JobQueries jobQueries;
    private final SpendReport spendReport;
    private final MultiGauge jobs;
    private final MultiGauge spend;
    private final MultiGauge waiting;
    private final MultiGauge inFlight;
    private final MultiGauge oldestWait;
    private final PollingLoop loop;
    private volatile double oldestDueSeconds;

    public PipelineMetrics(JobQueries jobQueries, SpendReport spendReport, MeterRegistry registry,
            io.reelflow.config.ReelflowConfig config) {
        this.jobQueries = jobQueries;
        this.spendReport = spendReport;
        this.jobs = MultiGauge.builder("reelflow_jobs").description("Jobs by state, stage and provider")
                .register(registry);
        this.spend = MultiGauge.builder("reelflow_spend_usd").description("Spend charged and reserved, by team and model")
                .register(registry);
        this.waiting = MultiGauge.builder("reelflow_team_jobs_waiting")
                .description("Jobs waiting for a provider slot, by team and model").register(registry);
        this.inFlight = MultiGauge.builder("reelflow_team_jobs_in_flight")
                .description("Jobs holding a provider slot, by team and model").register(registry);
        this.oldestWait = MultiGauge.builder("reelflow_team_oldest_waiting_job_age_seconds")
                .description("How long the team's oldest waiting job has waited, by team and model").register(registry);
        Gauge.builder("reelflow_oldest_due_job_age_seconds", this, m -> m.oldestDueSeconds)
                .description("How long the oldest job due for a worker step has been waiting").register(registry);
        this.loop = new PollingLoop("pipeline-metrics", config.metrics().refresh(), Duration.ZERO, this::refresh, LOG);
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop(Duration.ofSeconds(5));
    }

    private boolean refresh() {
        QuarkusTransaction.requiringNew().run(() -> {
            jobs.register(this.jobQueries.countsByState().stream().<MultiGauge.Row<?>>map(c -> MultiGauge.Row.of(
                    Tags.of("state", c.state(), "stage", c.stage().toLowerCase(), "provider", c.provider()),
                    c.jobs())).toList(), true);
            Map<List<String>, BigDecimal[]> byTeamAndModel = new TreeMap<>(Comparator.comparing(Object::toString));
            for (SpendReport.Line line : spendReport.all()) {
                BigDecimal[] sums = byTeamAndModel.computeIfAbsent(List.of(line.team(), line.model()),
                        k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                sums[0] = sums[0].add(line.chargedUsd());
                sums[1] = sums[1].add(line.reservedUsd());
            }
            List<MultiGauge.Row<?>> spendRows = new ArrayList<>();
            byTeamAndModel.forEach((k, sums) -> {
                spendRows.add(MultiGauge.Row.of(Tags.of("team", k.get(0), "model", k.get(1), "kind", "charged"),
                        sums[0].doubleValue()));
                spendRows.add(MultiGauge.Row.of(Tags.of("team", k.get(0), "model", k.get(1), "kind", "reserved"),
                        sums[1].doubleValue()));
            });
            spend.register(spendRows, true);
            oldestDueSeconds = jobQueries.oldestDueSeconds();
            List<JobQueries.TeamWork> work = jobQueries.workByTeam();
            waiting.register(teamRows(work, JobQueries.TeamWork::waiting), true);
            inFlight.register(teamRows(work, JobQueries.TeamWork::inFlight), true);
            oldestWait.register(teamRows(work, JobQueries.TeamWork::oldestWaitSeconds), true);
        });
        return false;
    }

    private static List<MultiGauge.Row<?>> teamRows(List<JobQueries.TeamWork> work,
            java.util.function.ToDoubleFunction<JobQueries.TeamWork> value) {
        return work.stream().<MultiGauge.Row<?>>map(w -> MultiGauge.Row.of(Tags.of("team", w.team(), "model", w.model()),
                value.applyAsDouble(w))).toList();
    }
}
