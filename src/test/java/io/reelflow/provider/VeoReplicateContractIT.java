package io.reelflow.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;


import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.media.MediaProbe;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.TestData;
import io.reelflow.testkit.providers.ReplicateStandIn;
import io.reelflow.testkit.providers.StandInServer;
import io.reelflow.testkit.providers.VeoStandIn;
import io.reelflow.storage.Hashing;
import io.reelflow.provider.http.WebhookSignature;

/**
 * The {@code veo} and {@code replicate} providers through the packaged service against stand-ins built from each
 * provider's documented request and response shapes (see {@link VeoStandIn} and {@link ReplicateStandIn} for the
 * documentation addresses). One batch per model carries a shot per scenario; drafts made by models whose
 * lengths or sizes differ from the draft profile are cut and fitted to it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VeoReplicateContractIT {

    private static final String TEAM = "contract";
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCENE = "Handheld tracking shot through a neon night market, light rain";

    private ItStack it;
    private VeoStandIn veo;
    private ReplicateStandIn replicate;
    private ServiceProcess service;
    private EventStream events;
    private String replicateSecret;
    private final String veoBatch = "veo-" + System.nanoTime();
    private final String klingBatch = "kling-" + System.nanoTime();
    private final String wanBatch = "wan-" + System.nanoTime();

    @TempDir
    Path tmp;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(VeoReplicateContractIT.class);
        String veoKey = "test-" + HexFormat.of().formatHex(TestData.random(12));
        String replicateKey = "r8_test" + HexFormat.of().formatHex(TestData.random(12));
        replicateSecret = TestData.webhookSecret();
        veo = new VeoStandIn(veoKey, it.dir.resolve("veo-stand-in"));
        replicate = new ReplicateStandIn(replicateKey, replicateSecret, it.dir.resolve("replicate-stand-in"));
        service = it.service("service", ItStack.env(
                "REELFLOW_PROVIDERS_VEO_BASE_URL", veo.baseUrl(),
                "REELFLOW_PROVIDERS_VEO_API_KEY", veoKey,
                "REELFLOW_PROVIDERS_VEO_RECONCILE_WINDOW", "PT3S",
                "REELFLOW_PROVIDERS_VEO_REQUEST_TIMEOUT", "PT5S",
                "REELFLOW_PROVIDERS_REPLICATE_BASE_URL", replicate.baseUrl(),
                "REELFLOW_PROVIDERS_REPLICATE_API_KEY", replicateKey,
                "REELFLOW_PROVIDERS_REPLICATE_WEBHOOK_SECRET", replicateSecret,
                "REELFLOW_PROVIDERS_REPLICATE_REQUEST_TIMEOUT", "PT5S",
                "REELFLOW_WORKER_MAX_RUNNING", "PT5S",
                "REELFLOW_BREAKER_FAILURES", "3",
                "REELFLOW_BREAKER_PAUSE", "PT5S",
                "REELFLOW_WORKER_CONCURRENCY", "4"));
        service.env("REELFLOW_WEBHOOKS_PUBLIC_URL", service.baseUrl()).start();
        events = EventStream.open(it.stack.kafka(), "video-events");
        String reference = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(TestData.jpeg(1600, 1200, new Color(200, 120, 40)));
        submit(veoBatch, "veo-3.1", List.of("ok", "filtered", "ratelimit", "flaky", "reset", "expired", "outage"),
                reference);
        submit(klingBatch, "kling-v2.5", List.of("ok", "nsfw", "ratelimit", "flaky", "reset", "expired", "stuck"),
                reference);
        submit(wanBatch, "wan-2.5", List.of("ok"), null);
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(events, service, veo, replicate, it);
    }

    private void submit(String batchId, String model, List<String> scenarios, String reference) throws Exception {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        batch.put("team", TEAM);
        batch.put("campaign", "provider-contracts");
        ObjectNode defaults = batch.putObject("defaults");
        defaults.put("aspectRatio", model.startsWith("wan") ? "portrait" : "landscape");
        defaults.putObject("route").put("draftModel", model).put("finalModel",
                model.startsWith("wan") ? "local-preview" : model);
        ArrayNode shots = batch.putArray("shots");
        for (String scenario : scenarios) {
            ObjectNode shot = shots.addObject().put("shotId", scenario)
                    .put("prompt", SCENE + (scenario.equals("ok") ? "" : " [" + scenario + "]") + ", " + model + ".");
            if (scenario.equals("ok") && reference != null) {
                shot.putObject("referenceImage").put("url", reference);
            }
        }
        Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + batchId, batch.toString());
    }

    @Test
    void veoMakesAFourSecond720pDraftFromTheFittedFirstFrame() throws Exception {
        JsonNode ready = awaitEvent(veoBatch, "DraftReady", "ok");
        StandInServer.CreateCall call = veo.accepted("veo-3.1.").stream()
                .filter(c -> !c.prompt().contains("[")).findFirst().orElseThrow();
        assertThat(call.details().get("model")).isEqualTo("veo-3.1-generate-preview");
        assertThat(JSON.readTree((String) call.details().get("parameters"))).isEqualTo(JSON.readTree(
                "{\"aspectRatio\":\"16:9\",\"resolution\":\"720p\",\"durationSeconds\":4}"));
        assertThat(call.details().get("imageSize")).isEqualTo("1280x720");
        Path file = landed(ready, "veo-ok.mp4");
        // Stored as served, with content credentials appended.
        assertThat(io.reelflow.testkit.Credentials.sha256WithoutCredentials(file)).isEqualTo(veo.servedSha256(call.jobId()));
        assertThat(ready.path("providerSha256").asText()).isEqualTo(veo.servedSha256(call.jobId()));
        assertThat(Hashing.sha256Hex(file)).isEqualTo(ready.path("sha256").asText());
    }

    @Test
    void aTwelveSecondVeoFinalIsMadeOfTwoEightSecondSegmentsAt1080pChainedByTheLastFrame() throws Exception {
        awaitEvent(veoBatch, "DraftReady", "ok");
        ObjectNode approve = JSON.createObjectNode().put("decisionId", "approve-" + veoBatch).put("team", TEAM)
                .put("campaign", "provider-contracts").put("batchId", veoBatch).put("shotId", "ok").put("revision", 1)
                .put("decision", "approve").put("reviewer", "dana");
        Kafka.send(it.stack.kafka(), "draft-reviews", TEAM + "/" + veoBatch + "/ok", approve.toString());
        JsonNode ready = awaitEvent(veoBatch, "FinalReady", "ok");

        List<StandInServer.CreateCall> segments = veo.accepted("veo-3.1.").stream()
                .filter(c -> !c.prompt().contains("[")).skip(1).toList();
        assertThat(segments).hasSize(2);
        assertThat(segments).extracting(c -> JSON.readTree((String) c.details().get("parameters")).path("durationSeconds")
                .asInt()).containsExactly(8, 8);
        assertThat(segments).extracting(c -> JSON.readTree((String) c.details().get("parameters")).path("resolution")
                .asText()).containsOnly("1080p");
        assertThat(segments).extracting(c -> c.details().get("imageSize")).containsOnly("1920x1080");
        Path file = landedFile(ready, "veo-final.mp4");
        MediaProbe.Probe probe = MediaProbe.probe(file);
        assertThat(probe.width()).isEqualTo(1792);
        assertThat(probe.height()).isEqualTo(1024);
        assertThat(probe.seconds()).isBetween(11.9, 12.1);
        assertThat(Hashing.sha256Hex(file)).isEqualTo(ready.path("sha256").asText());
        String prefix = ready.path("objectKey").asText().replace(".mp4", "");
        List<java.util.Map<String, Object>> recorded = it.db.query("select s.provider_job_id, s.sha256, s.object_key"
                + " from job_segment s join job j on j.id = s.job_id where j.object_key = ? order by s.segment_index",
                ready.path("objectKey").asText());
        assertThat(recorded).extracting(r -> r.get("provider_job_id"))
                .containsExactly(segments.get(0).jobId(), segments.get(1).jobId());
        for (int i = 0; i < 2; i++) {
            assertThat(recorded.get(i).get("sha256")).isEqualTo(veo.servedSha256(segments.get(i).jobId()));
            assertThat(recorded.get(i).get("object_key")).isEqualTo(prefix + ".part" + (i + 1) + ".mp4");
        }
        assertThat(it.storage.get(prefix + ".part1.last.png")).startsWith((byte) 0x89, (byte) 'P');
        // The first segment starts from the approved draft's frame scaled to the frame veo makes (the exact bytes
        // kept beside the final); the second from the first's last frame.
        assertThat(segments.get(0).details().get("imageSha256"))
                .isEqualTo(Hashing.sha256Hex(it.storage.get(prefix + ".start.jpg")));
        assertThat(segments.get(1).details().get("imageSha256"))
                .isEqualTo(Hashing.sha256Hex(it.storage.get(prefix + ".part1.last.png")));
        assertThat(ready.path("look").asText()).isEqualTo("carried");
        // Its content credentials name both segments the provider made, by hash, and the joining.
        JsonNode credentials = io.reelflow.testkit.C2paReader.read(it.credentialsRoot(), file);
        assertThat(credentials.path("state").asText()).as(credentials.toString()).isEqualTo("Trusted");
        assertThat(credentials.path("c2paTs").path("valid").asBoolean()).as(credentials.path("c2paTs").toString())
                .isTrue();
        assertThat(credentials.path("manifest").path("ingredients")).extracting(i -> i.path("description").asText())
                .containsExactly("sha256:" + veo.servedSha256(segments.get(0).jobId()),
                        "sha256:" + veo.servedSha256(segments.get(1).jobId()));
        assertThat(credentials.path("manifest").toString()).contains("joined 2 generated segments")
                .contains("\"name\":\"veo-3.1 (veo)\"");
    }

    // First, so that the outage ends early and the pauses it causes do not hold up the other scenarios.
    @Test
    @Order(1)
    void aProviderThatKeepsFailingIsPausedAndResumesWhenItRecovers() throws Exception {
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> !it.db.query(
                "select 1 from provider_breaker where provider = 'veo' and open_until > now()").isEmpty());
        Instant seenOpen = Instant.now();
        Instant until = Instant.ofEpochMilli(Math.round(((Number) it.db.query("select extract(epoch from open_until)"
                + " * 1000 as until from provider_breaker where provider = 'veo'").get(0).get("until")).doubleValue()));
        // The pause (5 s) runs out; while it lasted, the failing job was not read (one read may have been in
        // flight when it began).
        Awaitility.await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> Instant.now().isAfter(until));
        assertThat(veo.outageReadTimes()).filteredOn(t -> t.isAfter(seenOpen) && t.isBefore(until)).hasSizeLessThan(2);

        veo.endOutage();
        awaitEvent(veoBatch, "DraftReady", "outage");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !it.db.query(
                "select 1 from provider_breaker where provider = 'veo' and failures = 0 and open_until is null")
                .isEmpty());
        assertThat(veo.accepted("[outage]")).hasSize(1);
    }

    @Test
    void veoSafetyFilteringIsAModerationFailureNotACrashOrARetry() throws Exception {
        JsonNode failed = awaitEvent(veoBatch, "ShotFailed", "filtered");
        assertThat(failed.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(failed.path("reason").asText()).contains("Unsafe content was detected");
        assertThat(veo.createCalls("[filtered]")).hasSize(1);
    }

    @Test
    void rateLimitsAreRetriedAfterRetryAfterAndServerErrorsOnReadsUntilTheDraftLands() throws Exception {
        for (StandInServer provider : List.of(veo, replicate)) {
            String batch = provider == veo ? veoBatch : klingBatch;
            awaitEvent(batch, "DraftReady", "ratelimit");
            List<StandInServer.CreateCall> calls = provider.createCalls("[ratelimit]");
            assertThat(calls).extracting(StandInServer.CreateCall::status).containsExactly(429, provider == veo ? 200 : 201);
            assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            awaitEvent(batch, "DraftReady", "flaky");
            assertThat(provider.accepted("[flaky]")).hasSize(1);
        }
    }

    @Test
    void aVeoCreateWhoseAnswerWasLostFailsAfterTheReconcileWindowAndIsNeverMadeTwice() throws Exception {
        JsonNode failed = awaitEvent(veoBatch, "ShotFailed", "reset");
        assertThat(failed.path("failureKind").asText()).isEqualTo("provider-error");
        assertThat(failed.path("reason").asText()).contains("it is not created again");
        assertThat(veo.accepted("[reset]")).hasSize(1);
        assertThat(veo.createCalls("[reset]")).hasSize(1);
    }

    @Test
    void aReplicateCreateWhoseAnswerWasLostIsFoundByListingAndLandsOnce() throws Exception {
        JsonNode ready = awaitEvent(klingBatch, "DraftReady", "reset");
        assertThat(replicate.createCalls("[reset]")).hasSize(1);
        String id = replicate.accepted("[reset]").get(0).jobId();
        assertThat(ready.path("providerSha256").asText()).isEqualTo(replicate.servedSha256(id));
    }

    @Test
    void expiredResultsFailTheShotWithoutANewCreateCall() throws Exception {
        for (StandInServer provider : List.of(veo, replicate)) {
            JsonNode failed = awaitEvent(provider == veo ? veoBatch : klingBatch, "ShotFailed", "expired");
            assertThat(failed.path("reason").asText()).contains("no longer downloadable");
            assertThat(provider.createCalls("[expired]")).hasSize(1);
        }
    }

    @Test
    void klingsFiveSecond1080pClipIsCutAndFittedToTheDraftAndBothHashesAreKept() throws Exception {
        JsonNode ready = awaitEvent(klingBatch, "DraftReady", "ok");
        StandInServer.CreateCall call = replicate.accepted("kling-v2.5.").stream()
                .filter(c -> !c.prompt().contains("[")).findFirst().orElseThrow();
        assertThat(call.details().get("model")).isEqualTo("kwaivgi/kling-v2.5-turbo-pro");
        JsonNode input = JSON.readTree((String) call.details().get("input"));
        assertThat(input.path("duration").asInt()).isEqualTo(5);
        assertThat(input.path("aspect_ratio").asText()).isEqualTo("16:9");
        assertThat(call.details().get("imageSize")).isEqualTo("1920x1080");
        Path file = landed(ready, "kling-ok.mp4");
        assertThat(Hashing.sha256Hex(file)).isEqualTo(ready.path("sha256").asText());
        assertThat(ready.path("providerSha256").asText()).isEqualTo(replicate.servedSha256(call.jobId()))
                .isNotEqualTo(ready.path("sha256").asText());
        assertThat(input.has("seed")).as("kling takes no seed").isFalse();
    }

    @Test
    void anApprovedKlingDraftsFinalStartsFromItsFrameSentAsTheStartImage() throws Exception {
        awaitEvent(klingBatch, "DraftReady", "ok");
        ObjectNode approve = JSON.createObjectNode().put("decisionId", "approve-" + klingBatch).put("team", TEAM)
                .put("campaign", "provider-contracts").put("batchId", klingBatch).put("shotId", "ok").put("revision", 1)
                .put("decision", "approve").put("fromSecond", 2.0).put("reviewer", "dana");
        Kafka.send(it.stack.kafka(), "draft-reviews", TEAM + "/" + klingBatch + "/ok", approve.toString());
        JsonNode ready = awaitEvent(klingBatch, "FinalReady", "ok");

        String prefix = ready.path("objectKey").asText().replace(".mp4", "");
        List<StandInServer.CreateCall> finals = replicate.accepted("kling-v2.5.").stream()
                .filter(c -> !c.prompt().contains("[")).skip(1).toList();
        assertThat(finals).hasSize(2);
        assertThat(finals.get(0).details()).containsEntry("imageSize", "1920x1080")
                .containsEntry("imageSha256", Hashing.sha256Hex(it.storage.get(prefix + ".start.jpg")));
        assertThat(ready.path("fromSecond").asDouble()).isEqualTo(2.0);
        assertThat(ready.path("startFrameSsim").isNumber()).isTrue();
    }

    @Test
    void wanMakesPortraitDraftsAtItsOwnSizeNotation() throws Exception {
        JsonNode ready = awaitEvent(wanBatch, "DraftReady", "ok");
        JsonNode input = JSON.readTree((String) replicate.accepted("wan-2.5.").get(0).details().get("input"));
        assertThat(input.path("size").asText()).isEqualTo("720*1280");
        // Wan takes a seed: Reelflow chooses it, sends it and keeps it with the draft.
        assertThat(input.path("seed").isIntegralNumber()).isTrue();
        assertThat(ready.path("seed").asLong()).isEqualTo(input.path("seed").asLong());
        MediaProbe.Probe probe = MediaProbe.probe(landedFile(ready, "wan.mp4"));
        assertThat(probe.width()).isEqualTo(720);
        assertThat(probe.height()).isEqualTo(1280);
        assertThat(probe.seconds()).isBetween(3.9, 4.1);
    }

    @Test
    void aPredictionRunningPastTheLimitIsCancelledAtReplicateAndFailsAsATimeout() throws Exception {
        JsonNode failed = awaitEvent(klingBatch, "ShotFailed", "stuck");
        assertThat(failed.path("failureKind").asText()).isEqualTo("timeout");
        assertThat(failed.path("reason").asText()).contains("after PT5S; cancel requested at replicate");
        assertThat(replicate.cancelled()).containsExactly(replicate.accepted("[stuck]").get(0).jobId());
    }

    @Test
    void replicateModerationRefusalsFailTheShot() throws Exception {
        JsonNode failed = awaitEvent(klingBatch, "ShotFailed", "nsfw");
        assertThat(failed.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(failed.path("reason").asText()).contains("flagged as sensitive");
    }

    @Test
    void replicatesSignedWebhooksAreAcceptedAndForgedOnesRefused() throws Exception {
        awaitEvent(klingBatch, "DraftReady", "ok");
        assertThat(replicate.webhookAnswers()).isNotEmpty().containsOnly(200);
        byte[] body = "{\"id\":\"forged\",\"status\":\"succeeded\"}".getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String forged = "v1," + Base64.getEncoder().encodeToString(WebhookSignature.sign(
                TestData.webhookSecret(), "msg_forged", timestamp, body));
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.baseUrl() + "/webhooks/replicate"))
                .header("webhook-id", "msg_forged").header("webhook-timestamp", timestamp)
                .header("webhook-signature", forged).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        assertThat(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(401);
        HttpRequest veoHook = HttpRequest.newBuilder(URI.create(service.baseUrl() + "/webhooks/veo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        assertThat(HttpClient.newHttpClient().send(veoHook, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(404);
    }

    @Test
    void everyRequestFollowedTheDocumentedShapes() throws Exception {
        awaitEvent(veoBatch, "DraftReady", "ok");
        awaitEvent(klingBatch, "DraftReady", "ok");
        awaitEvent(wanBatch, "DraftReady", "ok");
        assertThat(veo.violations()).isEmpty();
        assertThat(replicate.violations()).isEmpty();
    }

    private Path landed(JsonNode ready, String name) throws Exception {
        Path file = landedFile(ready, name);
        MediaProbe.Probe probe = MediaProbe.probe(file);
        assertThat(probe.width()).isEqualTo(1280);
        assertThat(probe.height()).isEqualTo(720);
        assertThat(probe.seconds()).isBetween(3.9, 4.1);
        assertThat(probe.hasAudio()).isTrue();
        return file;
    }

    private Path landedFile(JsonNode ready, String name) {
        Path file = tmp.resolve(name);
        it.storage.download(ready.path("objectKey").asText(), file);
        return file;
    }

    private JsonNode awaitEvent(String batchId, String type, String shotId) throws InterruptedException {
        JsonNode event = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> type.equals(e.path("type").asText()) && shotId.equals(e.path("shotId").asText()), WAIT);
        assertThat(event).as("%s for %s/%s", type, batchId, shotId).isNotNull();
        return event;
    }
}
