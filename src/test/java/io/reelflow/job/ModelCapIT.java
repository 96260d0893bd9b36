package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Batches;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.LocalProviderSpool;
import io.reelflow.testkit.Metrics;

/**
 * A model's cap on jobs in flight holds for two service instances together, and its slots are shared fairly
 * between teams: with a cap of 2 and six worker threads between the two instances, the provider's own record of
 * its jobs never shows more than two running at once, and a team that sends two shots while another team's
 * backlog fills the cap gets the next free slots instead of waiting behind that backlog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelCapIT {

    private static final int CAP = 2;
    private static final int BACKLOG = 24;

    private ItStack it;
    private ServiceProcess first;
    private ServiceProcess second;
    private EventStream events;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(ModelCapIT.class);
        var env = ItStack.env(
                "REELFLOW_MODELS_LOCAL_PREVIEW_MAX_CONCURRENT_JOBS", Integer.toString(CAP),
                "REELFLOW_LOCAL_LATENCY", "PT1.5S",
                "REELFLOW_WORKER_CONCURRENCY", "3",
                "REELFLOW_METRICS_REFRESH", "PT0.5S");
        first = it.service("first", env).start();
        second = it.service("second", env).start();
        events = EventStream.open(it.stack.kafka(), "video-events");
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(events, first, second, it);
    }

    @Test
    void theCapHoldsAcrossReplicasAndItsSlotsAreSharedBetweenTeams() throws Exception {
        Kafka.send(it.stack.kafka(), "campaign-batches", "alpha/cap-1",
                Batches.json(Batches.valid("alpha", "cap-1", BACKLOG)));
        Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> it.db.count(
                "select count(*) from job where team = 'alpha' and submitted_at is not null") >= CAP);
        Kafka.send(it.stack.kafka(), "campaign-batches", "bravo/cap-2", Batches.json(Batches.valid("bravo", "cap-2", 2)));
        String metrics = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Metrics.of(first).text(),
                m -> m.lines().anyMatch(l -> l.startsWith("reelflow_team_jobs_waiting{") && l.contains("team=\"alpha\"")
                        && !l.endsWith(" 0.0")));
        assertThat(metrics).contains("reelflow_team_jobs_in_flight{");

        for (String batch : List.of("cap-1", "cap-2")) {
            JsonNode drafted = events.awaitFirst(e -> batch.equals(e.path("batchId").asText()),
                    e -> "BatchDrafted".equals(e.path("type").asText()), Duration.ofMinutes(3));
            assertThat(drafted.path("draftsLanded").asInt()).isEqualTo(batch.equals("cap-1") ? BACKLOG : 2);
        }
        List<Instant[]> runs = LocalProviderSpool.runs(it.spool);
        assertThat(runs).hasSize(BACKLOG + 2);
        assertThat(io.reelflow.testkit.Intervals.mostAtOnce(runs)).as("jobs running at the provider at once").isEqualTo(CAP);
        assertThat(LocalProviderSpool.createCalls(it.spool)).doesNotHaveDuplicates();
        // Each instance's own count of the jobs it submitted and landed (reelflow_job_moves, per replica).
        double submitted = 0;
        for (ServiceProcess instance : List.of(first, second)) {
            Metrics own = Metrics.of(instance);
            double mine = own.sum("reelflow_job_moves_total", "to=\"SUBMITTING\"");
            assertThat(mine + own.sum("reelflow_job_moves_total", "to=\"LANDED\"")).as("jobs %s submitted or landed", instance.baseUrl()).isPositive();
            submitted += mine;
        }
        assertThat(submitted).as("submissions counted by the two instances").isEqualTo(BACKLOG + 2);

        // Bravo's two shots arrived behind alpha's backlog: FIFO would submit every alpha job first, so bravo's last
        // draft would start after all of them. Shared fairly, bravo's work is claimed first from its arrival on, and
        // bravo has started both drafts while a third of alpha's backlog or more still waits. How many alpha jobs
        // start in between is not bounded more tightly: a slot is taken at the create step, not at the claim, so
        // alpha work that any of the six worker threads had claimed before bravo's jobs existed may still reach a
        // freed slot first (seen from 1 to 6 here, depending on the machine's load).
        var bravo = it.db.query("select min(created_at) as arrived, max(submitted_at) as submitted from job"
                + " where team = 'bravo'").get(0);
        long alphaBetween = it.db.count("select count(*) from job where team = 'alpha' and submitted_at > ?"
                + " and submitted_at < ?", bravo.get("arrived"), bravo.get("submitted"));
        long alphaAfter = it.db.count("select count(*) from job where team = 'alpha' and submitted_at > ?",
                bravo.get("submitted"));
        assertThat(alphaAfter).as("alpha jobs still waiting when bravo's last draft started (%d started in between)",
                alphaBetween).isGreaterThanOrEqualTo(BACKLOG / 3);
    }
}
