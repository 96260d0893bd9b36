package io.reelflow.review;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.media.MediaProbe;
import io.reelflow.testkit.Batches;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;
import io.reelflow.storage.Hashing;

/**
 * Review and promotion end to end through the packaged service and the real broker, database and S3
 * server: decisions on {@code draft-reviews} turn drafts into finals, revisions or closed shots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReviewIT {

    private static final String TEAM = "review";
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ItStack it;
    private ServiceProcess service;
    private EventStream events;
    private EventStream decisions;
    private EventStream refused;

    @TempDir
    Path tmp;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(ReviewIT.class);
        service = it.service("service", ItStack.env(
                "REELFLOW_WORKER_CONCURRENCY", "3",
                "REELFLOW_LOCAL_DEFECT_PATTERN", "broken-take")).start();
        events = EventStream.open(it.stack.kafka(), "video-events");
        decisions = EventStream.open(it.stack.kafka(), "draft-reviews");
        refused = EventStream.open(it.stack.kafka(), "draft-reviews-rejected");
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(events, decisions, refused, service, it);
    }

    @Test
    void approveMakesATwelveSecondHighResolutionFinalAndRejectClosesTheShot() throws Exception {
        String batchId = "approve-" + System.nanoTime();
        submit(Batches.valid(TEAM, batchId, 2));
        awaitEvent(batchId, "BatchDrafted", null);

        decide(batchId, "s02", 1, "approve", null, "dana", null, "d-approve-" + batchId);
        decide(batchId, "s01", 1, "reject", null, "lee", "off-brand colours", "d-reject-" + batchId);

        JsonNode finalReady = awaitEvent(batchId, "FinalReady", "s02");
        String prefix = TEAM + "/spring-launch/" + batchId + "/";
        assertThat(finalReady.path("objectKey").asText()).isEqualTo(prefix + "s02/final.mp4");
        Path file = tmp.resolve("final.mp4");
        it.storage.download(prefix + "s02/final.mp4", file);
        MediaProbe.Probe probe = MediaProbe.probe(file);
        assertThat(probe.seconds()).isBetween(11.95, 12.1);
        assertThat(probe.width()).isEqualTo(1024);
        assertThat(probe.height()).isEqualTo(1792);
        assertThat(probe.hasAudio()).isTrue();
        assertThat(sha256(file)).isEqualTo(finalReady.path("sha256").asText());
        assertThat(it.storage.get(prefix + "s02/final.jpg")).hasSizeGreaterThan(1000);

        JsonNode delivered = awaitEvent(batchId, "BatchDelivered", null);
        assertThat(delivered.path("delivered").asInt()).isEqualTo(1);
        assertThat(delivered.path("rejected").asInt()).isEqualTo(1);

        JsonNode manifest = JSON.readTree(it.storage.get(prefix + "manifest.json"));
        assertThat(manifest.path("state").asText()).isEqualTo("DELIVERED");
        JsonNode s01 = manifest.path("shots").get(0);
        JsonNode s02 = manifest.path("shots").get(1);
        assertThat(s01.path("state").asText()).isEqualTo("REJECTED");
        assertThat(s01.path("decisions").get(0).path("reviewer").asText()).isEqualTo("lee");
        assertThat(s01.path("decisions").get(0).path("note").asText()).isEqualTo("off-brand colours");
        assertThat(s02.path("state").asText()).isEqualTo("DELIVERED");
        assertThat(s02.path("decisions").get(0).path("decision").asText()).isEqualTo("approve");
        assertThat(s02.path("decisions").get(0).path("decidedAt").asText()).isNotBlank();
        JsonNode finalJob = s02.path("jobs").get(1);
        assertThat(finalJob.path("stage").asText()).isEqualTo("final");
        assertThat(finalJob.path("seconds").asInt()).isEqualTo(12);
        assertThat(finalJob.path("model").asText()).isEqualTo("local-preview");
        assertThat(finalJob.path("sha256").asText()).isEqualTo(sha256(file));
        assertThat(finalJob.path("sizeBytes").asLong()).isEqualTo(Files.size(file));
        assertThat(finalJob.path("prompt").asText()).isEqualTo(s02.path("prompt").asText());

        JsonNode library = JSON.readTree(it.storage.get(TEAM + "/spring-launch/prompt-library.json"));
        assertThat(library.path("prompts").findValuesAsText("shotId")).contains("s02");
        assertThat(new String(it.storage.get(TEAM + "/spring-launch/prompt-library.csv")))
                .startsWith("team,campaign,batchId,shotId,revision,prompt")
                .contains(batchId + ",s02,1,");

        decide(batchId, "s01", 1, "approve", null, "dana", null, "d-late-" + batchId);
        assertThat(reasonsOf("d-late-" + batchId)).containsKey("revision")
                .hasEntrySatisfying("revision", r -> assertThat(r).contains("closed (REJECTED)"));
    }

    @Test
    void reviseMakesTheNextRevisionWithLineageAndOutOfPlaceDecisionsAreAnsweredWithReasons() throws Exception {
        String batchId = "revise-" + System.nanoTime();
        submit(Batches.valid(TEAM, batchId, 1));
        awaitEvent(batchId, "DraftReady", "s01");
        String revised = "Slow orbit around a lighthouse at golden hour, warm light on the tower; waves and gulls.";
        decide(batchId, "s01", 1, "revise", revised, "sam", "warmer light", "rev-" + batchId);

        JsonNode second = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> "DraftReady".equals(e.path("type").asText()) && e.path("revision").asInt() == 2, WAIT);
        assertThat(second).as("revision 2 landed").isNotNull();
        String prefix = TEAM + "/spring-launch/" + batchId + "/";
        assertThat(second.path("objectKey").asText()).isEqualTo(prefix + "s01/draft-r2.mp4");
        Path file = tmp.resolve("r2.mp4");
        it.storage.download(prefix + "s01/draft-r2.mp4", file);
        assertThat(MediaProbe.probe(file).seconds()).isBetween(3.95, 4.1);
        List<Map<String, Object>> jobs = it.db.query("select j.revision, j.parent_revision, j.requested_by, "
                + "j.request_note, j.prompt from job j join shot s on s.id = j.shot_id join batch b on b.id = s.batch_id "
                + "where b.batch_key = ? order by j.revision", batchId);
        assertThat(jobs).hasSize(2);
        assertThat(jobs.get(1)).containsEntry("parent_revision", 1).containsEntry("requested_by", "sam")
                .containsEntry("request_note", "warmer light").containsEntry("prompt", revised);

        // The same decision again changes nothing: no third revision, no answer.
        decide(batchId, "s01", 1, "revise", revised, "sam", "warmer light", "rev-" + batchId);
        decide(batchId, "s01", 1, "approve", null, "dana", null, "stale-" + batchId);
        assertThat(reasonsOf("stale-" + batchId).get("revision"))
                .contains("revision 1 is not the latest draft").contains("latest is revision 2");
        assertThat(it.db.count("select count(*) from job j join shot s on s.id = j.shot_id join batch b "
                + "on b.id = s.batch_id where b.batch_key = ?", batchId)).isEqualTo(2);
        assertThat(refused.records()).noneMatch(r -> r.value().contains("\"decisionId\":\"rev-" + batchId + "\""));

        decide(batchId, "s99", 1, "approve", null, "dana", null, "unknown-" + batchId);
        assertThat(reasonsOf("unknown-" + batchId).get("shotId")).contains("unknown shot").contains("s99");

        String malformed = "{\"decisionId\": \"bad-" + batchId + "\", \"team\": \"" + TEAM + "\", \"campaign\": "
                + "\"spring-launch\", \"batchId\": \"" + batchId + "\", \"shotId\": \"s01\", \"revision\": 2, "
                + "\"decision\": \"maybe\", \"revisedPrompt\": \"x\"}";
        Kafka.send(it.stack.kafka(), "draft-reviews", TEAM + "/" + batchId + "/s01", malformed);
        Map<String, String> reasons = reasonsOf("bad-" + batchId);
        assertThat(reasons.get("decision")).contains("'maybe'").contains("approve", "reject", "revise");
        assertThat(reasons.get("reviewer")).isEqualTo("is required");

        String garbage = "{\"decision\": \"approve\", " + batchId;
        Kafka.send(it.stack.kafka(), "draft-reviews", TEAM + "/" + batchId + "/s01", garbage);
        ConsumerRecord<String, String> answer = refused.awaitRecord(r -> r.value().contains(batchId)
                && EventStream.parse(r.value()).path("payload").asText().equals(garbage), WAIT);
        assertThat(answer).as("answer to the unreadable decision").isNotNull();
        assertThat(EventStream.parse(answer.value()).path("reasons").get(0).path("reason").asText())
                .startsWith("not valid JSON");
        // A reviewer's tool that writes Latin-1: the decision is answered naming the byte, not applied with a U+FFFD.
        String latin1 = malformed.replace("\"maybe\"", "\"approve\"").replace("\"bad-", "\"latin1-")
                .replace("\"revisedPrompt\": \"x\"", "\"reviewer\": \"Zoë\"");
        Kafka.send(it.stack.kafka(), "draft-reviews", TEAM + "/" + batchId + "/s01",
                latin1.getBytes(StandardCharsets.ISO_8859_1));
        ConsumerRecord<String, String> notUtf8 = refused.awaitRecord(r -> r.value().contains(batchId)
                && EventStream.parse(r.value()).path("payload").asText().contains("latin1-" + batchId), WAIT);
        assertThat(notUtf8).as("answer to the decision in Latin-1").isNotNull();
        assertThat(EventStream.parse(notUtf8.value()).path("reasons").get(0).path("reason").asText())
                .isEqualTo("not UTF-8: the text has the byte 0xEB at offset " + latin1.indexOf('ë') + ", which is not"
                        + " UTF-8 there; JSON is read as UTF-8");

        // Decision ids are each team's own: another team's decision under the same id, refused (it names no shot
        // of that team), does not make this team's decision a duplicate.
        decide("intruder", batchId, "s01", 2, "reject", null, "eve", null, "close-" + batchId);
        assertThat(refused.awaitRecord(r -> EventStream.parse(r.value()).path("decisionId").asText().equals("close-" + batchId)
                && EventStream.parse(r.value()).path("team").asText().equals("intruder"), WAIT)).isNotNull();
        // A refused decision's answer echoes at most 64 KiB of what was sent, so that it always fits one message.
        String longNote = "n".repeat(300_000);
        decide(TEAM, batchId, "s01", 2, "reject", null, "sam", longNote, "long-" + batchId);
        ConsumerRecord<String, String> cut = refused.awaitRecord(
                r -> EventStream.parse(r.value()).path("decisionId").asText().equals("long-" + batchId), WAIT);
        assertThat(cut).as("answer to the decision with a 300,000-character note").isNotNull();
        assertThat(EventStream.parse(cut.value()).path("payloadTruncated").asBoolean()).isTrue();
        assertThat(EventStream.parse(cut.value()).path("payload").asText()).hasSize(64 * 1024);
        assertThat(it.db.query("select length(payload) as n from review_decision where decision_id = ?", "long-" + batchId))
                .as("the whole decision is kept").extracting(r -> ((Number) r.get("n")).intValue())
                .allMatch(n -> n > longNote.length());

        decide(batchId, "s01", 2, "reject", null, "sam", "still not right", "close-" + batchId);
        awaitEvent(batchId, "BatchDelivered", null);
        JsonNode shot = JSON.readTree(it.storage.get(prefix + "manifest.json")).path("shots").get(0);
        assertThat(shot.path("state").asText()).isEqualTo("REJECTED");
        assertThat(shot.path("jobs").get(1).path("fromRevision").asInt()).isEqualTo(1);
        assertThat(shot.path("jobs").get(1).path("requestedBy").asText()).isEqualTo("sam");
        assertThat(shot.path("decisions").findValuesAsText("decision")).containsExactly("revise", "reject");
        assertThat(shot.path("decisions").get(0).path("revisedPrompt").asText()).isEqualTo(revised);
    }

    @Test
    void autoQcApprovesAGoodDraftAndRejectsABrokenOneOnTheReviewTopic() throws Exception {
        String batchId = "auto-qc-" + System.nanoTime();
        ObjectNode batch = Batches.valid(TEAM, batchId, 2);
        ((ObjectNode) batch.path("defaults")).put("reviewPolicy", "auto-qc");
        ((ObjectNode) batch.path("shots").get(1)).put("prompt", "A broken-take of a slow pan over a harbour.");
        submit(batch);

        JsonNode approve = awaitDecision(batchId, "s01");
        assertThat(approve.path("decision").asText()).isEqualTo("approve");
        assertThat(approve.path("reviewer").asText()).isEqualTo("auto-qc");
        JsonNode reject = awaitDecision(batchId, "s02");
        assertThat(reject.path("decision").asText()).isEqualTo("reject");
        assertThat(reject.path("note").asText()).contains("audio: no audio stream").contains("picture: blank");

        JsonNode delivered = awaitEvent(batchId, "BatchDelivered", null);
        assertThat(delivered.path("delivered").asInt()).isEqualTo(1);
        assertThat(delivered.path("rejected").asInt()).isEqualTo(1);
        assertThat(it.db.query("select s.shot_key, s.state from shot s join batch b on b.id = s.batch_id "
                + "where b.batch_key = ? order by s.position", batchId))
                .extracting(r -> r.get("state")).containsExactly("DELIVERED", "REJECTED");
    }

    /**
     * A decision that waits on its shot (the test holds the shot's row, as a landing of that shot would for a moment)
     * holds up only the decisions on that shot after it: decisions on the batch's other shots are applied meanwhile,
     * whichever partition they are in, and the shot's own later decision is applied after the first.
     */
    @Test
    void aDecisionWaitingOnItsShotHoldsUpOnlyThatShotsLaterDecisions() throws Exception {
        int shots = 8;
        String batchId = "side-by-side-" + System.nanoTime();
        submit(Batches.valid(TEAM, batchId, shots));
        awaitEvent(batchId, "BatchDrafted", null);
        try (Connection holder = DriverManager.getConnection(it.stack.jdbcUrl(), it.stack.jdbcUser(),
                it.stack.jdbcPassword())) {
            holder.setAutoCommit(false);
            long holderPid = lockShot(holder, batchId, "s01");
            decide(batchId, "s01", 1, "reject", null, "lee", null, "d-first-" + batchId);
            Awaitility.await("the decision on s01 waiting for its shot's row").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200)).until(() -> it.db.count("select count(*) from pg_stat_activity"
                            + " where ? = any(pg_blocking_pids(pid))", (int) holderPid) == 1);
            // Behind it on the same key: not started until the first is applied, so it finds the shot closed.
            decide(batchId, "s01", 1, "approve", null, "dana", null, "d-second-" + batchId);
            List<String> others = new ArrayList<>();
            for (int i = 2; i <= shots; i++) {
                String shot = String.format("s%02d", i);
                others.add(shot);
                decide(batchId, shot, 1, "reject", null, "lee", null, "d-" + shot + "-" + batchId);
            }
            Awaitility.await("decisions on the other shots applied while s01's waits").atMost(WAIT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> others.stream().allMatch(shot -> "REJECTED".equals(shotState(batchId, shot))));
            assertThat(shotState(batchId, "s01")).isEqualTo("AWAITING_REVIEW");
            holder.rollback();
        }
        // In order on s01: the rejection first, so the approval behind it is answered as too late.
        assertThat(reasonsOf("d-second-" + batchId)).hasEntrySatisfying("revision",
                r -> assertThat(r).contains("closed (REJECTED)"));
        JsonNode delivered = awaitEvent(batchId, "BatchDelivered", null);
        assertThat(delivered.path("rejected").asInt()).isEqualTo(shots);
    }

    /** Locks the row of {@code shotId} in the transaction of {@code holder}; returns the holder's backend pid. */
    private long lockShot(Connection holder, String batchId, String shotId) throws SQLException {
        try (PreparedStatement lock = holder.prepareStatement("select s.id from shot s join batch b on b.id = s.batch_id"
                + " where b.team = ? and b.batch_key = ? and s.shot_key = ? for update of s");
                PreparedStatement pid = holder.prepareStatement("select pg_backend_pid()")) {
            lock.setString(1, TEAM);
            lock.setString(2, batchId);
            lock.setString(3, shotId);
            try (ResultSet rows = lock.executeQuery()) {
                assertThat(rows.next()).as("shot %s of %s", shotId, batchId).isTrue();
            }
            try (ResultSet rows = pid.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private String shotState(String batchId, String shotId) {
        return (String) it.db.query("select s.state from shot s join batch b on b.id = s.batch_id"
                + " where b.team = ? and b.batch_key = ? and s.shot_key = ?", TEAM, batchId, shotId).get(0).get("state");
    }

    private void submit(ObjectNode batch) throws Exception {
        Kafka.send(it.stack.kafka(), "campaign-batches",
                TEAM + "/" + batch.path("batchId").asText(), Batches.json(batch));
    }

    private void decide(String batchId, String shotId, int revision, String decision, String revisedPrompt,
            String reviewer, String note, String decisionId) throws Exception {
        decide(TEAM, batchId, shotId, revision, decision, revisedPrompt, reviewer, note, decisionId);
    }

    private void decide(String team, String batchId, String shotId, int revision, String decision,
            String revisedPrompt, String reviewer, String note, String decisionId) throws Exception {
        ObjectNode d = JSON.createObjectNode();
        d.put("decisionId", decisionId);
        d.put("team", team);
        d.put("campaign", "spring-launch");
        d.put("batchId", batchId);
        d.put("shotId", shotId);
        d.put("revision", revision);
        d.put("decision", decision);
        if (revisedPrompt != null) {
            d.put("revisedPrompt", revisedPrompt);
        }
        d.put("reviewer", reviewer);
        if (note != null) {
            d.put("note", note);
        }
        Kafka.send(it.stack.kafka(), "draft-reviews", team + "/" + batchId + "/" + shotId, d.toString());
    }

    private JsonNode awaitEvent(String batchId, String type, String shotId) throws InterruptedException {
        JsonNode event = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> type.equals(e.path("type").asText())
                        && (shotId == null || shotId.equals(e.path("shotId").asText())), WAIT);
        assertThat(event).as("%s event for batch %s", type, batchId).isNotNull();
        return event;
    }

    private JsonNode awaitDecision(String batchId, String shotId) throws InterruptedException {
        JsonNode decision = decisions.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> shotId.equals(e.path("shotId").asText()), WAIT);
        assertThat(decision).as("automatic decision on %s", shotId).isNotNull();
        return decision;
    }

    private Map<String, String> reasonsOf(String decisionId) throws InterruptedException {
        ConsumerRecord<String, String> answer = refused.awaitRecord(
                r -> decisionId.equals(EventStream.parse(r.value()).path("decisionId").asText()), WAIT);
        assertThat(answer).as("answer to decision %s", decisionId).isNotNull();
        Map<String, String> reasons = new java.util.LinkedHashMap<>();
        for (JsonNode r : EventStream.parse(answer.value()).path("reasons")) {
            reasons.merge(r.path("field").asText(), r.path("reason").asText(), (a, b) -> a + "; " + b);
        }
        return reasons;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(Hashing.sha256().digest(Files.readAllBytes(file)));
    }
}
