package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

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

/**
 * A model's cap on jobs in flight holds for two service instances together: with a cap of 2 and six worker
 * threads between them, the provider's own record of its jobs never shows more than two running at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelCapIT {

    private static final int CAP = 2;

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
                "REELFLOW_WORKER_CONCURRENCY", "3");
        first = it.service("first", env).start();
        second = it.service("second", env).start();
        events = EventStream.open(it.stack.kafka(), "video-events");
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(events, first, second, it);
    }

    @Test
    void theCapHoldsAcrossReplicasAndIsUsed() throws Exception {
        Kafka.send(it.stack.kafka(), "campaign-batches", "cap/cap-1",
                Batches.json(Batches.valid("cap", "cap-1", 10)));
        JsonNode drafted = events.awaitFirst(e -> "cap-1".equals(e.path("batchId").asText()),
                e -> "BatchDrafted".equals(e.path("type").asText()), Duration.ofMinutes(3));
        assertThat(drafted).isNotNull();
        assertThat(drafted.path("draftsLanded").asInt()).isEqualTo(10);

        List<Instant[]> runs = LocalProviderSpool.runs(it.spool);
        assertThat(runs).hasSize(10);
        assertThat(io.reelflow.testkit.Intervals.mostAtOnce(runs)).as("jobs running at the provider at once").isEqualTo(CAP);
        assertThat(LocalProviderSpool.createCalls(it.spool)).doesNotHaveDuplicates();
        for (String instance : List.of("first", "second")) {
            String log = java.nio.file.Files.readString(it.dir.resolve("logs").resolve(instance + ".log"));
            assertThat(log.contains("submitted to local") || log.contains(" landed: "))
                    .as("instance %s created or landed jobs", instance).isTrue();
        }
    }
}
