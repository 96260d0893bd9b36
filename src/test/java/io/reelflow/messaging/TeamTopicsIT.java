package io.reelflow.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.api.ApiKeys;
import io.reelflow.localstack.KafkaAccess;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Batches;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;

/**
 * Teams as principals on Kafka: the packaged service with {@code reelflow.kafka.team-topics} on a broker that
 * authenticates (SASL SCRAM-SHA-512) and authorizes (the standard authorizer, the ACLs of {@code k8s/}). Each team
 * signs in as itself; the broker refuses what its ACLs do not grant, and the service takes a message's team from the
 * topic it came on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TeamTopicsIT {

    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHA_KEY = "alpha-" + UUID.randomUUID();

    private ItStack it;
    private ServiceProcess service;
    private KafkaAccess alpha;
    private KafkaAccess bravo;
    private EventStream alphaEvents;
    private EventStream bravoEvents;
    private EventStream alphaRejected;
    private EventStream alphaRefused;
    private EventStream alphaDeadLetters;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(TeamTopicsIT.class);
        Assumptions.assumeTrue(it.stack.kafka().authenticated(), "the local stack's broker authenticates");
        alpha = it.stack.kafkaTeam("alpha");
        bravo = it.stack.kafkaTeam("bravo");
        service = it.service("service", ItStack.env(
                "REELFLOW_KAFKA_TEAM_TOPICS", "true",
                "REELFLOW_API_KEYS", ApiKeys.entry("alpha", ALPHA_KEY))).start();
        alphaEvents = EventStream.open(alpha, "video-events.alpha", "alpha.events");
        bravoEvents = EventStream.open(bravo, "video-events.bravo", "bravo.events");
        alphaRejected = EventStream.open(alpha, "campaign-batches-rejected.alpha", "alpha.rejected");
        alphaRefused = EventStream.open(alpha, "draft-reviews-rejected.alpha", "alpha.refused");
        alphaDeadLetters = EventStream.open(alpha, "campaign-batches-dlq.alpha", "alpha.dlq");
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(alphaEvents, bravoEvents, alphaRejected, alphaRefused, alphaDeadLetters, service, it);
    }

    @Test
    void theBrokerRefusesATeamEveryTopicButItsOwn() {
        for (String topic : List.of("campaign-batches.bravo", "draft-reviews.bravo", "campaign-batches",
                "draft-reviews", "video-events.alpha")) {
            assertThatThrownBy(() -> Kafka.send(alpha, topic, "alpha/x", "{}"))
                    .as("alpha writing %s", topic).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        for (String topic : List.of("video-events.bravo", "campaign-batches-rejected.bravo", "draft-reviews-dlq.bravo",
                "video-events", "campaign-batches.alpha")) {
            assertThatThrownBy(() -> readOnce(alpha, topic, "alpha.peek"))
                    .as("alpha reading %s", topic).isInstanceOf(TopicAuthorizationException.class);
        }
        // Its own events, but in another team's consumer group: refused too.
        assertThatThrownBy(() -> readOnce(alpha, "video-events.alpha", "bravo.peek"))
                .isInstanceOf(GroupAuthorizationException.class);
    }

    @Test
    void aBatchOnATeamsTopicRunsForThatTeamAndItsEventsReachOnlyThatTeam() throws Exception {
        String batchId = "own-" + System.nanoTime();
        Kafka.send(alpha, "campaign-batches.alpha", "alpha/" + batchId, Batches.json(Batches.valid("alpha", batchId, 1)));

        JsonNode ready = awaitEvent(alphaEvents, batchId, "DraftReady");
        assertThat(ready.path("team").asText()).isEqualTo("alpha");
        // Alpha's reviewer approves on alpha's review topic.
        Kafka.send(alpha, "draft-reviews.alpha", "alpha/" + batchId + "/s01", decision("alpha", batchId).toString());
        JsonNode reviewed = awaitEvent(alphaEvents, batchId, "ShotReviewed");
        assertThat(reviewed.path("decision").asText()).isEqualTo("approve");

        // Bravo's own batch: bravo sees its events, and none of alpha's.
        String bravoBatch = "bravo-" + System.nanoTime();
        Kafka.send(bravo, "campaign-batches.bravo", "bravo/" + bravoBatch,
                Batches.json(Batches.valid("bravo", bravoBatch, 1)));
        awaitEvent(bravoEvents, bravoBatch, "BatchDrafted");
        assertThat(bravoEvents.events()).allSatisfy(e -> assertThat(e.path("team").asText()).isEqualTo("bravo"));
        assertThat(alphaEvents.events()).noneMatch(e -> bravoBatch.equals(e.path("batchId").asText()));
        // Nothing reached the shared topic.
        assertThat(it.db.count("select count(*) from outbox_event where topic = 'video-events'")).isZero();
    }

    @Test
    void aBatchOnATeamsTopicNamingAnotherTeamIsRejectedToTheSender() throws Exception {
        String batchId = "claim-" + System.nanoTime();
        Kafka.send(alpha, "campaign-batches.alpha", "bravo/" + batchId, Batches.json(Batches.valid("bravo", batchId, 1)));

        JsonNode rejected = alphaRejected.awaitFirst(e -> batchId.equals(e.path("batchId").asText()), e -> true, WAIT);
        assertThat(rejected).as("BatchRejected on alpha's rejected topic").isNotNull();
        assertThat(rejected.path("team").asText()).isEqualTo("alpha");
        assertThat(rejected.path("reasons")).anySatisfy(r -> {
            assertThat(r.path("field").asText()).isEqualTo("team");
            assertThat(r.path("reason").asText()).contains("'bravo'", "campaign-batches.alpha");
        });
        assertThat(it.db.count("select count(*) from batch where batch_key = '" + batchId + "'")).isZero();
        assertThat(it.db.count("select count(*) from outbox_event where topic like '%.bravo' and payload like '%"
                + batchId + "%'")).isZero();
    }

    @Test
    void aDecisionOnATeamsTopicNamingAnotherTeamIsRefusedToTheSender() throws Exception {
        String batchId = "victim-" + System.nanoTime();
        Kafka.send(bravo, "campaign-batches.bravo", "bravo/" + batchId, Batches.json(Batches.valid("bravo", batchId, 1)));
        awaitEvent(bravoEvents, batchId, "DraftReady");

        ObjectNode forged = decision("bravo", batchId);
        Kafka.send(alpha, "draft-reviews.alpha", "bravo/" + batchId + "/s01", forged.toString());
        JsonNode refused = alphaRefused.awaitFirst(
                e -> forged.path("decisionId").asText().equals(e.path("decisionId").asText()), e -> true, WAIT);
        assertThat(refused).as("DecisionRejected on alpha's topic").isNotNull();
        assertThat(refused.path("team").asText()).isEqualTo("alpha");
        assertThat(refused.path("reasons").get(0).path("field").asText()).isEqualTo("team");
        assertThat(it.db.query("select s.state from shot s join batch b on b.id = s.batch_id where b.batch_key = ?",
                batchId)).extracting(r -> r.get("state")).containsExactly("AWAITING_REVIEW");
    }

    @Test
    void aMessageThatIsNotJsonGoesToTheSendersDeadLetterTopic() throws Exception {
        String garbage = "not json " + UUID.randomUUID();
        Kafka.send(alpha, "campaign-batches.alpha", "alpha/garbage", garbage);
        ConsumerRecord<String, String> dead = alphaDeadLetters.awaitRecord(r -> garbage.equals(r.value()), WAIT);
        assertThat(dead).as("the message on campaign-batches-dlq.alpha").isNotNull();
        assertThat(EventStream.header(dead, "dead-letter-reason")).contains("not valid JSON");
        assertThat(EventStream.header(dead, "dead-letter-topic")).isEqualTo("campaign-batches.alpha");
    }

    @Test
    void aBatchSubmittedOverRestTravelsOnTheCallersTopics() throws Exception {
        String batchId = "rest-" + System.nanoTime();
        ObjectNode batch = Batches.valid("alpha", batchId, 1);
        batch.remove("team");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(service.baseUrl() + "/api/v1/batches"))
                .header("Authorization", "Bearer " + ALPHA_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        awaitEvent(alphaEvents, batchId, "BatchAccepted");
        assertThat(it.db.count("select count(*) from outbox_event where topic = 'campaign-batches.alpha' and payload like '%"
                + batchId + "%'")).isEqualTo(1);
    }

    /**
     * A record the broker will not take (its topic allows smaller messages than Reelflow sends) is set aside with the
     * broker's reason and counted, and every other event, of this team and of others, is published behind it.
     */
    @Test
    void anEventTheBrokerRefusesIsSetAsideAndTheOutboxFlowsOn() throws Exception {
        Kafka.maxMessageBytes(it.stack.kafka(), "campaign-batches.alpha", "40000");
        try {
            String big = "big-" + System.nanoTime();
            ObjectNode large = Batches.valid("alpha", big, 40);
            large.remove("team");
            for (JsonNode shot : large.path("shots")) {
                ((ObjectNode) shot).put("prompt", "Slow dolly across a sunlit kitchen, steam over a cup. ".repeat(30));
            }
            assertThat(large.toString().length()).isBetween(60_000, 200_000);
            assertThat(submitOverRest(large).statusCode()).isEqualTo(202);
            String small = "after-" + System.nanoTime();
            ObjectNode next = Batches.valid("alpha", small, 1);
            next.remove("team");
            assertThat(submitOverRest(next).statusCode()).isEqualTo(202);
            String other = "bravo-" + System.nanoTime();
            Kafka.send(bravo, "campaign-batches.bravo", "bravo/" + other, Batches.json(Batches.valid("bravo", other, 1)));

            awaitEvent(alphaEvents, small, "BatchAccepted");
            awaitEvent(bravoEvents, other, "BatchAccepted");
            var aside = it.db.query("select set_aside_at, last_error, published_at from outbox_event"
                    + " where topic = 'campaign-batches.alpha' and payload like ?", "%" + big + "%");
            assertThat(aside).singleElement().satisfies(row -> {
                assertThat(row.get("set_aside_at")).isNotNull();
                assertThat(row.get("published_at")).isNull();
                assertThat((String) row.get("last_error")).startsWith("the broker refused it: RecordTooLargeException");
            });
            assertThat(io.reelflow.testkit.Metrics.of(service).sum("reelflow_outbox_set_aside_total")).isEqualTo(1.0);
            assertThat(it.db.count("select count(*) from outbox_event where published_at is null and set_aside_at is null"
                    + " and attempts > 0")).as("events waiting for another try").isZero();
        } finally {
            Kafka.maxMessageBytes(it.stack.kafka(), "campaign-batches.alpha", null);
        }
    }

    /** A batch larger than a Kafka message may be is refused at once with its size, never accepted and then lost. */
    @Test
    void aBatchLargerThanOneMessageIsRefusedOverRestWithItsSize() throws Exception {
        ObjectNode batch = Batches.valid("alpha", "cjk-" + System.nanoTime(), 500);
        batch.remove("team");
        String prompt = "夕暮れの海辺を歩く二人、波が静かに打ち寄せ、空は茜色に染まっている。".repeat(60).substring(0, 2000);
        for (JsonNode shot : batch.path("shots")) {
            ((ObjectNode) shot).put("prompt", prompt);
        }
        HttpResponse<String> response = submitOverRest(batch);
        assertThat(response.statusCode()).isEqualTo(422);
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("violations").get(0).path("field").asText()).isEqualTo("$");
        assertThat(problem.path("violations").get(0).path("reason").asText())
                .matches("is 3\\d{6} bytes of JSON .*a batch may be at most 900000 bytes.*");
        assertThat(it.db.count("select count(*) from outbox_event where payload like ?", "%" + prompt.substring(0, 20) + "%"))
                .isZero();
    }

    private HttpResponse<String> submitOverRest(ObjectNode batch) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(service.baseUrl() + "/api/v1/batches"))
                .header("Authorization", "Bearer " + ALPHA_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static ObjectNode decision(String team, String batchId) {
        ObjectNode d = JSON.createObjectNode();
        d.put("decisionId", "d-" + UUID.randomUUID());
        d.put("team", team);
        d.put("campaign", "spring-launch");
        d.put("batchId", batchId);
        d.put("shotId", "s01");
        d.put("revision", 1);
        d.put("decision", "approve");
        d.put("reviewer", "art-director@" + team);
        return d;
    }

    private static JsonNode awaitEvent(EventStream events, String batchId, String type) throws InterruptedException {
        JsonNode event = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> type.equals(e.path("type").asText()), WAIT);
        assertThat(event).as("%s event for batch %s", type, batchId).isNotNull();
        return event;
    }

    /** One poll as {@code access} in {@code group}: throws what the broker answers. */
    private static void readOnce(KafkaAccess access, String topic, String group) {
        Properties props = access.clientProperties();
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500));
            }
        }
    }
}
