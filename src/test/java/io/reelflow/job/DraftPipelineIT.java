package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import io.reelflow.testkit.LocalProviderSpool;
import io.reelflow.storage.Hashing;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The draft pipeline end to end through the packaged service, a real Kafka broker, a real PostgreSQL and a
 * real S3-compatible server: batches in on {@code campaign-batches}, MP4 drafts out in object storage.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DraftPipelineIT {

    private static final String TEAM = "acme";
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ItStack it;
    private ServiceProcess service;
    private EventStream events;
    private EventStream rejected;
    private EventStream deadLetters;

    @TempDir
    Path tmp;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(DraftPipelineIT.class);
        service = it.service("service", ItStack.env(
                "REELFLOW_INTAKE_MAX_SHOTS", "12",
                // Fewer landing threads than workers: finished drafts also wait for a free one.
                "REELFLOW_WORKER_LANDING_THREADS", "1",
                "REELFLOW_LOCAL_REFUSE_PATTERN", "forbidden-scene")).start();
        io.reelflow.localstack.KafkaAccess kafka = it.stack.kafka();
        events = EventStream.open(kafka, "video-events");
        rejected = EventStream.open(kafka, "campaign-batches-rejected");
        deadLetters = EventStream.open(kafka, "campaign-batches-dlq");
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(events, rejected, deadLetters, service, it);
    }

    @Test
    void batchOfShotsBecomesDraftsWithTheRequestedDurationSizeAndAudio() throws Exception {
        String batchId = "drafts-" + System.nanoTime();
        int shots = 4;
        submit(Batches.valid(TEAM, batchId, shots));

        JsonNode drafted = awaitEvent(batchId, "BatchDrafted");
        assertThat(drafted.path("draftsLanded").asInt()).isEqualTo(shots);
        assertThat(eventsOf(batchId)).extracting(e -> e.path("type").asText())
                .containsOnlyOnce("BatchAccepted", "BatchDrafted")
                .filteredOn("DraftReady"::equals).hasSize(shots);

        String prefix = TEAM + "/spring-launch/" + batchId + "/";
        JsonNode manifest = JSON.readTree(it.storage.get(prefix + "manifest.json"));
        assertThat(manifest.path("state").asText()).isEqualTo("DRAFTED");
        assertThat(manifest.path("shots")).hasSize(shots);
        for (int i = 0; i < shots; i++) {
            JsonNode shot = manifest.path("shots").get(i);
            JsonNode job = shot.path("jobs").get(0);
            boolean portrait = i % 2 == 1;
            assertThat(shot.path("shotId").asText()).isEqualTo(String.format("s%02d", i + 1));
            assertThat(shot.path("prompt").asText()).contains("Take " + (i + 1));
            assertThat(shot.path("state").asText()).isEqualTo("AWAITING_REVIEW");
            assertThat(job.path("state").asText()).isEqualTo("LANDED");
            assertThat(job.path("model").asText()).isEqualTo("local-preview");
            assertThat(job.path("seconds").asInt()).isEqualTo(4);
            assertThat(job.path("size").asText()).isEqualTo(portrait ? "720x1280" : "1280x720");

            String key = prefix + shot.path("shotId").asText() + "/draft-r1.mp4";
            assertThat(job.path("objectKey").asText()).isEqualTo(key);
            Path file = tmp.resolve(shot.path("shotId").asText() + ".mp4");
            it.storage.download(key, file);
            MediaProbe.Probe probe = MediaProbe.probe(file);
            assertThat(probe.seconds()).isBetween(3.95, 4.1);
            assertThat(probe.width()).isEqualTo(portrait ? 720 : 1280);
            assertThat(probe.height()).isEqualTo(portrait ? 1280 : 720);
            assertThat(probe.hasAudio()).as("audio stream in %s", key).isTrue();
            assertThat(probe.videoCodec()).containsIgnoringCase("264");
            assertThat(sha256(file)).isEqualTo(job.path("sha256").asText());
            assertThat(Files.size(file)).isEqualTo(job.path("sizeBytes").asLong());

            byte[] poster = it.storage.get(prefix + shot.path("shotId").asText() + "/draft-r1.jpg");
            assertThat(poster).hasSizeGreaterThan(1000);
            assertThat(poster[0]).isEqualTo((byte) 0xFF);
            assertThat(poster[1]).isEqualTo((byte) 0xD8);
        }
    }

    @Test
    void draftsAreLandedByTheLandingThreadAtTheLowestPriorityWhileTheWorkersKeepTheNormalOne() throws Exception {
        String batchId = "landing-" + System.nanoTime();
        int shots = 8;
        submit(Batches.valid(TEAM, batchId, shots));
        assertThat(awaitEvent(batchId, "BatchDrafted").path("draftsLanded").asInt()).isEqualTo(shots);
        assertThat(it.db.count("select count(*) from job j join batch b on b.id = j.batch_id"
                + " where b.batch_key = ? and j.state = 'LANDED'", batchId)).isEqualTo(shots);

        // Each draft's landing is logged by the thread that did it: the landing thread, never a worker.
        List<String> landed = Files.readAllLines(service.log()).stream()
                .filter(l -> l.contains("/" + batchId + "/") && l.contains(" landed: ")).toList();
        assertThat(landed).hasSize(shots).allSatisfy(l -> assertThat(l).contains("(job-landing)"));

        // Nice values as the operating system sees them (field 19 of /proc/<pid>/task/<tid>/stat).
        Map<String, List<Integer>> nice = niceByThread(service.pid());
        assertThat(nice.get("job-landing")).as("landing threads' nice values").containsOnly(19);
        assertThat(nice.keySet().stream().filter(t -> t.startsWith("job-worker-")).toList()).hasSize(4)
                .allSatisfy(t -> assertThat(nice.get(t)).as("nice of %s", t).containsOnly(0));
        assertThat(LocalProviderSpool.createCalls(it.spool)).doesNotHaveDuplicates();
    }

    private static Map<String, List<Integer>> niceByThread(long pid) throws Exception {
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            return tasks.map(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    return Map.entry(Files.readString(task.resolve("comm")).trim(), Integer.parseInt(fields[16]));
                } catch (java.io.IOException e) {
                    return null; // the thread ended while the list was read
                }
            }).filter(java.util.Objects::nonNull).collect(Collectors.groupingBy(Map.Entry::getKey,
                    Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
        }
    }

    @Test
    void resendingTheSameBatchCreatesNoNewJobsNoNewCallsAndNoNewFiles() throws Exception {
        String batchId = "resend-" + System.nanoTime();
        ObjectNode batch = Batches.valid(TEAM, batchId, 2);
        submit(batch);
        awaitEvent(batchId, "BatchDrafted");
        String prefix = TEAM + "/spring-launch/" + batchId + "/";
        Map<String, String> objectsBefore = versions(prefix);
        long jobsBefore = it.db.count("select count(*) from job");
        long callsBefore = LocalProviderSpool.createCalls(it.spool).size();

        // The same batch twice more, then a sentinel on the same key: once the sentinel is accepted, the
        // re-sends before it on the same partition have certainly been consumed.
        submit(batch);
        submit(batch);
        String sentinel = "sentinel-" + System.nanoTime();
        Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + batchId,
                Batches.json(Batches.valid(TEAM, sentinel, 1)));
        awaitEvent(sentinel, "BatchAccepted");

        assertThat(it.db.count("select count(*) from job")).isEqualTo(jobsBefore + 1);
        assertThat(it.db.count("select count(*) from batch where batch_key = ?", batchId)).isEqualTo(1);
        assertThat(eventsOf(batchId)).filteredOn(e -> e.path("type").asText().equals("BatchAccepted")).hasSize(1);
        awaitEvent(sentinel, "BatchDrafted");
        assertThat(LocalProviderSpool.createCalls(it.spool)).hasSize((int) callsBefore + 1);
        assertThat(versions(prefix)).isEqualTo(objectsBefore);
    }

    @Test
    void invalidBatchIsAnsweredWithEveryReasonAndTheNextBatchStillFlows() throws Exception {
        String batchId = "invalid-" + System.nanoTime();
        ObjectNode batch = Batches.valid(TEAM, batchId, 3);
        batch.put("campaign", "../escape");
        ObjectNode shots0 = (ObjectNode) batch.path("shots").get(0);
        shots0.put("prompt", "   ");
        ObjectNode shots1 = (ObjectNode) batch.path("shots").get(1);
        shots1.put("shotId", "s01");
        shots1.put("aspectRatio", "square");
        ObjectNode shots2 = (ObjectNode) batch.path("shots").get(2);
        shots2.put("prompt", "x".repeat(2001));
        shots2.put("colour", "red");
        submit(batch);

        ConsumerRecord<String, String> answer = rejected.awaitRecord(
                r -> batchId.equals(EventStream.parse(r.value()).path("batchId").asText()), WAIT);
        assertThat(answer).as("rejection of %s", batchId).isNotNull();
        JsonNode body = EventStream.parse(answer.value());
        assertThat(body.path("type").asText()).isEqualTo("BatchRejected");
        assertThat(body.path("team").asText()).isEqualTo(TEAM);
        assertThat(body.path("payload").asText()).isEqualTo(Batches.json(batch));
        Map<String, String> reasons = reasons(body);
        assertThat(reasons).containsOnlyKeys("campaign", "shots[0].prompt", "shots[1].shotId",
                "shots[1].aspectRatio", "shots[2].prompt", "shots[2].colour");
        assertThat(reasons.get("campaign")).contains("letters, digits");
        assertThat(reasons.get("shots[0].prompt")).contains("must not be empty");
        assertThat(reasons.get("shots[1].shotId")).contains("duplicates shot id 's01'");
        assertThat(reasons.get("shots[1].aspectRatio")).contains("'square'").contains("landscape", "portrait");
        assertThat(reasons.get("shots[2].prompt")).contains("2001 characters").contains("at most 2000");
        assertThat(reasons.get("shots[2].colour")).contains("not a known field");
        assertThat(it.db.count("select count(*) from batch where batch_key = ?", batchId)).isZero();
        assertThat(it.db.count("select count(*) from batch_rejection where batch_key = ?", batchId)).isEqualTo(1);

        String tooMany = "too-many-" + System.nanoTime();
        submit(Batches.valid(TEAM, tooMany, 13));
        ConsumerRecord<String, String> tooManyAnswer = rejected.awaitRecord(
                r -> tooMany.equals(EventStream.parse(r.value()).path("batchId").asText()), WAIT);
        assertThat(reasons(EventStream.parse(tooManyAnswer.value())))
                .containsEntry("shots", "holds 13 shots; at most 12 are allowed");

        String next = "after-invalid-" + System.nanoTime();
        submit(Batches.valid(TEAM, next, 1));
        assertThat(awaitEvent(next, "BatchDrafted").path("draftsLanded").asInt()).isEqualTo(1);
    }

    /**
     * A refused batch taken in again (its offset replayed, as after a crash before the offset was committed) is not
     * stored or answered a second time: one rejection, one answer, under its first event id.
     */
    @Test
    void aRefusedBatchTakenInAgainIsAnsweredOnce() throws Exception {
        String batchId = "refused-again-" + System.nanoTime();
        ObjectNode batch = Batches.valid(TEAM, batchId, 1);
        ((ObjectNode) batch.path("shots").get(0)).put("prompt", "   ");
        var written = Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + batchId, Batches.json(batch));
        assertThat(rejected.awaitRecord(r -> batchId.equals(EventStream.parse(r.value()).path("batchId").asText()), WAIT))
                .isNotNull();

        service.stop();
        Kafka.rewind(it.stack.kafka(), "reelflow-intake", "campaign-batches", written.partition(), written.offset());
        service.start();
        Path log = it.dir.resolve("logs").resolve("service.log");
        await().atMost(WAIT).until(() -> Files.readString(log).contains("batch " + batchId + " (team " + TEAM + ") at"
                + " campaign-batches-" + written.partition() + "@" + written.offset() + " was rejected and answered before"));
        String next = "after-replay-" + System.nanoTime();
        submit(Batches.valid(TEAM, next, 1));
        awaitEvent(next, "BatchDrafted");
        assertThat(it.db.count("select count(*) from batch_rejection where batch_key = ?", batchId)).isEqualTo(1);
        assertThat(rejected.records()).filteredOn(r -> batchId.equals(EventStream.parse(r.value()).path("batchId").asText()))
                .hasSize(1);
    }

    @Test
    void unreadableMessageGoesToTheDeadLetterTopicWithItsReasonAndTheNextBatchStillFlows() throws Exception {
        String garbage = "{\"batchId\": \"half-" + System.nanoTime() + "\", \"shots\": [";
        Kafka.send(it.stack.kafka(), "campaign-batches", "garbage", garbage);

        ConsumerRecord<String, String> dead = deadLetters.awaitRecord(r -> garbage.equals(r.value()), WAIT);
        assertThat(dead).as("dead letter for the unreadable message").isNotNull();
        assertThat(EventStream.header(dead, "dead-letter-reason")).startsWith("not valid JSON");
        assertThat(EventStream.header(dead, "dead-letter-topic")).isEqualTo("campaign-batches");

        // Latin-1 bytes (a client encoding in its platform's charset): set aside unchanged, naming the byte, rather
        // than taken with U+FFFD in the prompt.
        ObjectNode accented = Batches.valid(TEAM, "latin1-" + System.nanoTime(), 1);
        ((ObjectNode) accented.withArray("shots").get(0)).put("prompt", "Café terrace at dawn, slow push in, warm light.");
        byte[] latin1 = Batches.json(accented).getBytes(StandardCharsets.ISO_8859_1);
        Kafka.send(it.stack.kafka(), "campaign-batches", "latin1", latin1);
        ConsumerRecord<String, String> notUtf8 = deadLetters.awaitRecord(r -> "latin1".equals(r.key()), WAIT);
        assertThat(notUtf8).as("dead letter for the Latin-1 batch").isNotNull();
        assertThat(EventStream.header(notUtf8, "dead-letter-reason")).isEqualTo("not UTF-8: the text has the byte 0xE9"
                + " at offset " + Batches.json(accented).indexOf('é') + ", which is not UTF-8 there; JSON is read as"
                + " UTF-8");
        assertThat(it.db.count("select count(*) from batch where batch_key like 'latin1-%'")).isZero();

        // A byte order mark before the batch, as some tools write it: read like any batch.
        String next = "after-garbage-" + System.nanoTime();
        byte[] utf8 = Batches.json(Batches.valid(TEAM, next, 1)).getBytes(StandardCharsets.UTF_8);
        byte[] marked = new byte[utf8.length + 3];
        System.arraycopy(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, 0, marked, 0, 3);
        System.arraycopy(utf8, 0, marked, 3, utf8.length);
        Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + next, marked);
        assertThat(awaitEvent(next, "BatchDrafted").path("draftsLanded").asInt()).isEqualTo(1);
    }

    @Test
    void batchNamingAModelWhoseProviderIsNotConfiguredIsRefusedNamingTheAvailableModels() throws Exception {
        String batchId = "catalog-" + System.nanoTime();
        ObjectNode batch = Batches.valid(TEAM, batchId, 1);
        ((ObjectNode) batch.path("defaults")).putObject("route").put("draftModel", "sora-2-pro")
                .put("finalModel", "veo-3.1");
        submit(batch);

        ConsumerRecord<String, String> answer = rejected.awaitRecord(
                r -> batchId.equals(EventStream.parse(r.value()).path("batchId").asText()), WAIT);
        Map<String, String> reasons = reasons(EventStream.parse(answer.value()));
        assertThat(reasons.get("defaults.route.draftModel")).isEqualTo("model 'sora-2-pro' runs on provider "
                + "'openai', which is not configured in this deployment; available models: [local-preview]");
        assertThat(reasons.get("defaults.route.finalModel")).contains("model 'veo-3.1' runs on provider 'veo'");
    }

    @Test
    void batchIdReusedWithDifferentContentIsRejectedAndTheFirstBatchIsKept() throws Exception {
        String batchId = "reused-" + System.nanoTime();
        submit(Batches.valid(TEAM, batchId, 1));
        awaitEvent(batchId, "BatchAccepted");
        submit(Batches.valid(TEAM, batchId, 2));

        ConsumerRecord<String, String> answer = rejected.awaitRecord(
                r -> batchId.equals(EventStream.parse(r.value()).path("batchId").asText()), WAIT);
        assertThat(reasons(EventStream.parse(answer.value())).get("batchId")).contains("different content");
        assertThat(it.db.count("select count(*) from shot s join batch b on b.id = s.batch_id where b.batch_key = ?",
                batchId)).isEqualTo(1);
    }

    @Test
    void refusedPromptFailsItsShotWithTheProviderReasonAndTheBatchStillCompletes() throws Exception {
        String batchId = "refused-" + System.nanoTime();
        ObjectNode batch = Batches.valid(TEAM, batchId, 2);
        ((ObjectNode) batch.path("shots").get(1)).put("prompt", "A forbidden-scene shot, slow pan at dusk.");
        submit(batch);

        JsonNode failed = awaitEvent(batchId, "ShotFailed");
        assertThat(failed.path("shotId").asText()).isEqualTo("s02");
        assertThat(failed.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(failed.path("reason").asText()).contains("moderation");
        JsonNode drafted = awaitEvent(batchId, "BatchDrafted");
        assertThat(drafted.path("draftsLanded").asInt()).isEqualTo(1);
        assertThat(drafted.path("draftsFailed").asInt()).isEqualTo(1);
        List<Map<String, Object>> jobs = it.db.jobsOf(TEAM, batchId);
        assertThat(jobs).extracting(j -> j.get("state")).containsExactly("LANDED", "FAILED");
        assertThat(jobs.get(1).get("failure_kind")).isEqualTo("MODERATION");
    }

    private void submit(ObjectNode batch) throws Exception {
        Kafka.send(it.stack.kafka(), "campaign-batches",
                TEAM + "/" + batch.path("batchId").asText(), Batches.json(batch));
    }

    private JsonNode awaitEvent(String batchId, String type) throws InterruptedException {
        JsonNode event = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> type.equals(e.path("type").asText()), WAIT);
        assertThat(event).as("%s event for batch %s", type, batchId).isNotNull();
        return event;
    }

    private List<JsonNode> eventsOf(String batchId) {
        return events.events().stream().filter(e -> e != null && batchId.equals(e.path("batchId").asText())).toList();
    }

    /** Each object under the prefix with its size and last-modified time: a rewrite would change them. */
    private Map<String, String> versions(String prefix) {
        await().atMost(WAIT).until(() -> !it.storage.list(prefix).isEmpty());
        return it.storage.list(prefix).stream()
                .collect(Collectors.toMap(S3Object::key, o -> o.size() + "@" + o.lastModified()));
    }

    private static Map<String, String> reasons(JsonNode rejection) {
        Map<String, String> reasons = new java.util.LinkedHashMap<>();
        for (JsonNode r : rejection.path("reasons")) {
            reasons.merge(r.path("field").asText(), r.path("reason").asText(), (a, b) -> a + "; " + b);
        }
        return reasons;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(Hashing.sha256().digest(Files.readAllBytes(file)));
    }
}
