package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Batches;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.LocalProviderSpool;

/**
 * The service dies (SIGKILL) or is stopped (SIGTERM) while drafts are being made, then starts again: every
 * job completes, and the provider received exactly one create call per job.
 */
class RestartIT {

    private static final String TEAM = "restart";
    private static final int SHOTS = 8;
    private static final int THREADS = 3;
    private static final int LANDING_THREADS = 2;
    private static final Map<String, String> SLOW_PROVIDER = ItStack.env(
            "REELFLOW_LOCAL_LATENCY", "PT3S",
            "REELFLOW_WORKER_CONCURRENCY", Integer.toString(THREADS),
            // Drafts run in waves of THREADS (landing has threads of its own, so the workers alone would start
            // all of them at once and they would all land together).
            "REELFLOW_MODELS_LOCAL_PREVIEW_MAX_CONCURRENT_JOBS", Integer.toString(THREADS),
            // Few landings at a time: drafts land a few at once at most, however slow landing is on this machine.
            "REELFLOW_WORKER_LANDING_THREADS", Integer.toString(LANDING_THREADS),
            // A short lease lets the second instance take over the first one's jobs quickly after a kill.
            "REELFLOW_WORKER_LEASE", "PT6S");

    private ItStack it;

    @BeforeEach
    void start() throws Exception {
        it = new ItStack(RestartIT.class);
    }

    @AfterEach
    void stop() {
        it.close();
    }

    @ParameterizedTest(name = "killed={0}")
    @ValueSource(booleans = {true, false})
    void everyJobCompletesAfterARestartWithOneCreateCallPerJob(boolean killed) throws Exception {
        String batchId = "restart-" + killed + "-" + System.nanoTime();
        ServiceProcess first = it.service("first-" + killed, SLOW_PROVIDER).start();
        Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + batchId,
                Batches.json(Batches.valid(TEAM, batchId, SHOTS)));

        // Stop once some drafts have landed, but few enough that the steps a graceful stop lets finish (one per
        // worker thread and one per landing thread) cannot land the rest: the restart always has work to take
        // over, whether it is still at the provider or finished there and not landed yet. Landing takes longer
        // than the provider's latency on a busy machine, so the jobs not landed may all be waiting to be landed.
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    long landed = states(batchId).getOrDefault("LANDED", 0L);
                    return landed >= 1 && landed <= SHOTS - 1 - THREADS - LANDING_THREADS;
                });
        if (killed) {
            first.kill();
        } else {
            first.stop();
        }
        Map<String, Long> atStop = states(batchId);
        assertThat(atStop.getOrDefault("LANDED", 0L)).as("drafts landed when stopped: %s", atStop)
                .isBetween(1L, (long) SHOTS - 1);

        try (ServiceProcess second = it.service("second-" + killed, SLOW_PROVIDER).start()) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> states(batchId).getOrDefault("LANDED", 0L) == SHOTS);
        }

        List<Map<String, Object>> jobs = it.db.jobsOf(TEAM, batchId);
        assertThat(jobs).hasSize(SHOTS);
        Map<String, Long> callsPerJob = LocalProviderSpool.createCalls(it.spool).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        for (Map<String, Object> job : jobs) {
            assertThat(callsPerJob.get(job.get("id").toString())).as("create calls for job %s", job.get("id"))
                    .isEqualTo(1L);
        }
        assertThat(callsPerJob).hasSize(SHOTS);
        for (Map<String, Object> job : jobs) {
            String key = (String) job.get("object_key");
            assertThat(it.storage.list(key)).as("object %s", key).hasSize(1);
        }
    }

    /**
     * The crash window of the paid create call: a worker died after writing SUBMITTING. Where the provider
     * never received the call, the job is created once; where it did, the provider's job is adopted and no
     * second call is made.
     */
    @org.junit.jupiter.api.Test
    void jobLeftInSubmittingIsReconciledWithTheProviderNeverCreatedTwice() throws Exception {
        String batchId = "submitting-" + System.nanoTime();
        try (ServiceProcess intakeOnly = it.service("intake-only", ItStack.env("REELFLOW_WORKER_ENABLED", "false"))
                .start()) {
            Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + batchId,
                    Batches.json(Batches.valid(TEAM, batchId, 2)));
            await().atMost(Duration.ofMinutes(1)).until(() -> it.db.jobsOf(TEAM, batchId).size() == 2);
        }
        List<Map<String, Object>> jobs = it.db.jobsOf(TEAM, batchId);
        String neverReceived = jobs.get(0).get("id").toString();
        String received = jobs.get(1).get("id").toString();
        it.db.update("update job set state = 'SUBMITTING', lease_owner = 'dead-instance/w0', "
                + "lease_until = now() - interval '1 second' where shot_id in "
                + "(select s.id from shot s join batch b on b.id = s.batch_id where b.batch_key = ?)", batchId);
        String adopted = LocalProviderSpool.recordCreateCall(it.spool, received, jobs.get(1));

        try (ServiceProcess worker = it.service("worker", ItStack.env()).start()) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> states(batchId).getOrDefault("LANDED", 0L) == 2);
        }
        Map<String, Long> callsPerJob = LocalProviderSpool.createCalls(it.spool).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(callsPerJob).containsEntry(neverReceived, 1L).containsEntry(received, 1L).hasSize(2);
        assertThat(it.db.jobsOf(TEAM, batchId).get(1).get("provider_job_id")).isEqualTo(adopted);
    }

    private Map<String, Long> states(String batchId) {
        return it.db.jobsOf(TEAM, batchId).stream()
                .collect(Collectors.groupingBy(j -> (String) j.get("state"), Collectors.counting()));
    }
}
