package io.reelflow.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Batches;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;

/**
 * The service dies (SIGKILL) while a shot's placement files are being made, then starts again: every file is
 * stored, the ones stored before the kill are not made again, and the one being made when it died is taken over
 * once its lease runs out.
 */
class DeliveryRestartIT {

    private static final String TEAM = "deliver-restart";
    private static final Map<String, String> ENV = ItStack.env(
            "REELFLOW_WORKER_CONCURRENCY", "2",
            // A short lease lets the second instance take over the first one's file quickly after the kill.
            "REELFLOW_DELIVERY_LEASE", "PT6S");

    private ItStack it;

    @BeforeEach
    void start() throws Exception {
        it = new ItStack(DeliveryRestartIT.class);
    }

    @AfterEach
    void stop() {
        it.close();
    }

    @Test
    void aKillLosesNoPlacementFileAndMakesNoStoredOneAgain() throws Exception {
        String batchId = "restart-" + System.nanoTime();
        ObjectNode batch = Batches.valid(TEAM, batchId, 1);
        ObjectNode defaults = (ObjectNode) batch.get("defaults");
        defaults.put("reviewPolicy", "approve-all");
        defaults.putArray("deliverables").add("youtube").add("square").add("reels").add("feed-4x5");

        ServiceProcess first = it.service("first", ENV).start();
        Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + batchId, Batches.json(batch));
        // Kill once a file is stored and the next one is being made.
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, Long> states = states(batchId);
            return states.getOrDefault("DELIVERED", 0L) >= 1 && states.getOrDefault("LEASED", 0L) == 1;
        });
        first.kill();
        List<Map<String, Object>> before = it.db.query("select d.placement, d.delivered_at, d.sha256"
                + " from deliverable d join shot s on s.id = d.shot_id join batch b on b.id = s.batch_id"
                + " where b.batch_key = ? and d.state = 'DELIVERED'", batchId);
        assertThat(before).as("files stored before the kill").isNotEmpty().hasSizeLessThan(4);

        try (ServiceProcess second = it.service("second", ENV).start()) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> states(batchId).getOrDefault("DELIVERED", 0L) == 4);
        }

        Map<Object, Map<String, Object>> after = it.db.query("select d.placement, d.delivered_at, d.sha256,"
                + " d.attempts, s.state as shot_state from deliverable d join shot s on s.id = d.shot_id"
                + " join batch b on b.id = s.batch_id where b.batch_key = ?", batchId).stream()
                .collect(Collectors.toMap(r -> r.get("placement"), Function.identity()));
        assertThat(after).hasSize(4);
        for (Map<String, Object> stored : before) {
            Map<String, Object> now = after.get(stored.get("placement"));
            assertThat(now.get("delivered_at")).as("%s was not made again", stored.get("placement"))
                    .isEqualTo(stored.get("delivered_at"));
            assertThat(now.get("sha256")).isEqualTo(stored.get("sha256"));
        }
        assertThat(after.values()).allSatisfy(r -> {
            assertThat(r.get("shot_state")).isEqualTo("DELIVERED");
            assertThat(r.get("attempts")).as("a kill is not a failed attempt").isEqualTo(0);
        });
        for (String placement : List.of("youtube", "square", "reels", "feed-4x5")) {
            assertThat(it.storage.exists(TEAM + "/spring-launch/" + batchId + "/s01/deliverables/" + placement
                    + ".mp4")).as(placement).isTrue();
        }
    }

    /** Files by state: {@code DELIVERED}, {@code FAILED}, and pending ones as {@code LEASED} or {@code PENDING}. */
    private Map<String, Long> states(String batchId) {
        return it.db.query("select case when d.state = 'PENDING' and d.lease_until > now() then 'LEASED'"
                + " else d.state end as state from deliverable d join shot s on s.id = d.shot_id"
                + " join batch b on b.id = s.batch_id where b.batch_key = ?", batchId).stream()
                .collect(Collectors.groupingBy(r -> r.get("state").toString(), Collectors.counting()));
    }
}
