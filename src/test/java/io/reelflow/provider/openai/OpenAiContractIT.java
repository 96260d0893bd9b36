package io.reelflow.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
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
import java.util.Map;


import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.media.Deliverables;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Frames;
import io.reelflow.media.Similarity;
import io.reelflow.media.MediaProbe;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.TestData;
import io.reelflow.testkit.providers.OpenAiStandIn;
import io.reelflow.testkit.providers.PrismContract;
import io.reelflow.testkit.providers.StandInServer;
import io.reelflow.storage.Hashing;
import io.reelflow.provider.http.WebhookSignature;

/**
 * The {@code openai} provider against the OpenAI Videos API contract: the packaged service talks to a stand-in
 * that keeps a record of every create call and serves real MP4 files, and that has Prism judge every request
 * against {@code openai-videos.openapi.yaml} (the copy in {@code src/test/resources/contracts}, kept equal to
 * the shared one). One batch carries a shot per scenario.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiContractIT {

    private static final String TEAM = "contract";
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCENE = "Slow dolly in on a ceramic cup on a marble counter at golden hour, steam rising";

    private ItStack it;
    private OpenAiStandIn standIn;
    private PrismContract prism;
    private ServiceProcess service;
    private EventStream events;
    private String webhookSecret;
    private final String batchId = "openai-" + System.nanoTime();

    @TempDir
    Path tmp;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(OpenAiContractIT.class);
        String apiKey = "test-" + HexFormat.of().formatHex(TestData.random(12));
        webhookSecret = TestData.webhookSecret();
        prism = PrismContract.start(Path.of("src/test/resources/contracts/openai-videos.openapi.yaml"),
                it.dir.resolve("logs/prism.log"));
        standIn = new OpenAiStandIn(apiKey, it.dir.resolve("openai-stand-in"), prism);
        standIn.serveImage("wide.jpg", TestData.jpeg(1600, 1200, new Color(200, 120, 40)));
        service = it.service("service", ItStack.env(
                "REELFLOW_PROVIDERS_OPENAI_BASE_URL", standIn.baseUrl() + "/v1",
                "REELFLOW_PROVIDERS_OPENAI_API_KEY", apiKey,
                "REELFLOW_PROVIDERS_OPENAI_WEBHOOK_SECRET", webhookSecret,
                "REELFLOW_PROVIDERS_OPENAI_REQUEST_TIMEOUT", "PT5S",
                "REELFLOW_ROUTES_DRAFT_MODEL", "sora-2",
                "REELFLOW_ROUTES_FINAL_MODEL", "sora-2-pro",
                "REELFLOW_REFERENCE_IMAGES_TRUSTED_HOSTS", "localhost",
                "REELFLOW_WORKER_CONCURRENCY", "4")).start();
        events = EventStream.open(it.stack.kafka(), "video-events");
        Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + batchId, batch().toString());
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(events, service, standIn, prism, it);
    }

    private ObjectNode batch() {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        batch.put("team", TEAM);
        batch.put("campaign", "spring-launch");
        batch.putObject("defaults").put("aspectRatio", "landscape");
        ArrayNode shots = batch.putArray("shots");
        shot(shots, "ok", SCENE + ".");
        shot(shots, "moderation", SCENE + " [moderation].");
        shot(shots, "ratelimit", SCENE + " [ratelimit].");
        shot(shots, "flaky", SCENE + " [flaky-status].");
        shot(shots, "reset", SCENE + " [reset].");
        shot(shots, "timeout", SCENE + " [timeout].");
        shot(shots, "expired", SCENE + " [expired].");
        shot(shots, "hold", SCENE + " [hold].");
        shot(shots, "reference", SCENE + ", from the reference frame.").putObject("referenceImage")
                .put("url", "http://localhost:" + standIn.port() + "/images/wide.jpg");
        shot(shots, "portrait", SCENE + ", tall frame.").put("aspectRatio", "portrait");
        shot(shots, "signed", SCENE + " [c2pa].");
        return batch;
    }

    private static ObjectNode shot(ArrayNode shots, String id, String prompt) {
        return shots.addObject().put("shotId", id).put("prompt", prompt);
    }

    @Test
    void aDraftIsCreatedPolledDownloadedAndDeletedWithinTheContract() throws Exception {
        JsonNode ready = awaitEvent("DraftReady", "ok");
        List<StandInServer.CreateCall> calls = standIn.createCalls(SCENE + ".").stream()
                .filter(c -> c.details().get("model").equals("sora-2")).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).details()).containsEntry("size", "1280x720").containsEntry("seconds", "4");
        String videoId = calls.get(0).jobId();
        Path file = tmp.resolve("ok.mp4");
        it.storage.download(ready.path("objectKey").asText(), file);
        assertThat(sha256(file)).isEqualTo(ready.path("sha256").asText());
        // Stored as served, with content credentials appended.
        assertThat(io.reelflow.testkit.Credentials.sha256WithoutCredentials(file)).isEqualTo(standIn.servedSha256(videoId));
        MediaProbe.Probe probe = MediaProbe.probe(file);
        assertThat(probe.width()).isEqualTo(1280);
        assertThat(probe.height()).isEqualTo(720);
        assertThat(ready.path("thumbnailKey").asText()).endsWith("/ok/draft-r1.thumbnail.jpg");
        assertThat(it.storage.get(ready.path("thumbnailKey").asText())).startsWith(0xff, 0xd8);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> standIn.deleted(videoId));
        assertThat(it.db.query("select provider_job_id from job where provider_job_id = ?", videoId)).hasSize(1);
    }

    @Test
    void portraitDraftsAskForThePortraitSize() throws Exception {
        awaitEvent("DraftReady", "portrait");
        assertThat(standIn.createCalls("tall frame")).singleElement()
                .satisfies(c -> assertThat(c.details()).containsEntry("size", "720x1280"));
    }

    @Test
    void aModerationRefusalFailsTheShotWithTheProvidersReasonAndIsNeverRetried() throws Exception {
        JsonNode failed = awaitEvent("ShotFailed", "moderation");
        assertThat(failed.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(failed.path("reason").asText()).contains("blocked by our moderation system");
        // The job is FAILED, a state no worker claims again: one create call is all there will ever be.
        assertThat(it.db.query("select state from job where id = cast(? as uuid)", failed.path("jobId").asText()))
                .singleElement().satisfies(row -> assertThat(row.get("state")).isEqualTo("FAILED"));
        assertThat(standIn.createCalls("[moderation]")).hasSize(1);
        // Provider latency and errors are measured per call and outcome.
        String metrics = io.reelflow.testkit.Metrics.of(service).text();
        assertThat(metrics).containsPattern(
                "reelflow_provider_requests_seconds_count\\{call=\"create\",outcome=\"refused\",provider=\"openai\"} [1-9]")
                .containsPattern("reelflow_provider_requests_seconds_count\\{call=\"create\",outcome=\"ok\",provider=\"openai\"} [1-9]");
    }

    @Test
    void aRateLimitedCreateIsRetriedAfterRetryAfterAndMadeOnce() throws Exception {
        awaitEvent("DraftReady", "ratelimit");
        List<StandInServer.CreateCall> calls = standIn.createCalls("[ratelimit]");
        assertThat(calls).extracting(StandInServer.CreateCall::status).containsExactly(429, 200);
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(standIn.accepted("[ratelimit]")).hasSize(1);
    }

    @Test
    void serverErrorsOnStatusCallsAreRetriedUntilTheVideoLands() throws Exception {
        awaitEvent("DraftReady", "flaky");
        assertThat(standIn.accepted("[flaky-status]")).hasSize(1);
        assertThat(standIn.createCalls("[flaky-status]")).hasSize(1);
    }

    @Test
    void aConnectionDroppedAfterAnAcceptedCreateIsReconciledByListingNotByCreatingAgain() throws Exception {
        JsonNode ready = awaitEvent("DraftReady", "reset");
        assertThat(standIn.createCalls("[reset]")).hasSize(1);
        assertThat(standIn.accepted("[reset]")).singleElement()
                .satisfies(v -> assertThat(it.db.query("select state from job where provider_job_id = ?",
                        standIn.createCalls("[reset]").get(0).jobId())).hasSize(1));
        assertThat(ready.path("providerSha256").asText()).isEqualTo(
                standIn.servedSha256(standIn.createCalls("[reset]").get(0).jobId()));
    }

    @Test
    void aCreateAnsweredAfterTheTimeoutIsReconciledNotCreatedAgain() throws Exception {
        awaitEvent("DraftReady", "timeout");
        assertThat(standIn.createCalls("[timeout]")).hasSize(1);
        assertThat(standIn.accepted("[timeout]")).hasSize(1);
    }

    @Test
    void anExpiredDownloadFailsTheShotWithoutANewCreateCall() throws Exception {
        JsonNode failed = awaitEvent("ShotFailed", "expired");
        assertThat(failed.path("failureKind").asText()).isEqualTo("provider-error");
        assertThat(failed.path("reason").asText()).contains("no longer downloadable");
        assertThat(standIn.createCalls("[expired]")).hasSize(1);
    }

    @Test
    void aReferenceImageIsFetchedCroppedToTheFrameAndUploadedAsInputReference() throws Exception {
        awaitEvent("DraftReady", "reference");
        assertThat(standIn.createCalls("from the reference frame")).singleElement().satisfies(c -> {
            assertThat(c.details()).containsEntry("referenceSize", "1280x720");
        });
    }

    @Test
    void webhooksWithABadSignatureAreRefusedAndAGoodOneAdvancesTheJobAtOnce() throws Exception {
        Awaitility.await().atMost(WAIT).until(() -> running("[hold]"));
        String videoId = standIn.createCalls("[hold]").get(0).jobId();
        byte[] body = ("{\"id\":\"evt_1\",\"object\":\"event\",\"created_at\":" + Instant.now().getEpochSecond()
                + ",\"type\":\"video.completed\",\"data\":{\"id\":\"" + videoId + "\"}}").getBytes(StandardCharsets.UTF_8);
        String timestamp = Long.toString(Instant.now().getEpochSecond());

        String forged = "v1," + Base64.getEncoder().encodeToString(
                WebhookSignature.sign(TestData.webhookSecret(), "msg_1", timestamp, body));
        assertThat(webhook("msg_1", timestamp, forged, body).statusCode()).isEqualTo(401);
        String stale = Long.toString(Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond());
        String staleSignature = "v1," + Base64.getEncoder().encodeToString(
                WebhookSignature.sign(webhookSecret, "msg_2", stale, body));
        assertThat(webhook("msg_2", stale, staleSignature, body).statusCode()).isEqualTo(401);

        standIn.complete(videoId);
        String good = "v1," + Base64.getEncoder().encodeToString(
                WebhookSignature.sign(webhookSecret, "msg_3", timestamp, body));
        HttpResponse<String> accepted = webhook("msg_3", timestamp, good, body);
        assertThat(accepted.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(accepted.body()).path("jobNudged").asBoolean()).isTrue();
        // The poll hint for this video is ten minutes: only the webhook can land it this soon.
        JsonNode ready = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> "DraftReady".equals(e.path("type").asText()) && "hold".equals(e.path("shotId").asText()),
                Duration.ofMinutes(2));
        assertThat(ready).as("the held draft landed after the webhook").isNotNull();
        assertThat(webhook("msg_3", timestamp, good, body).statusCode()).isEqualTo(200);
        assertThat(it.db.count("select count(*) from job where provider_job_id = ? and state = 'LANDED'", videoId))
                .isEqualTo(1);
    }

    @Test
    void anApprovedDraftBecomesATwelveSecondFinalOnTheFinalModel() throws Exception {
        awaitEvent("DraftReady", "ok");
        ObjectNode d = JSON.createObjectNode().put("decisionId", "approve-ok-" + batchId).put("team", TEAM)
                .put("campaign", "spring-launch").put("batchId", batchId).put("shotId", "ok").put("revision", 1)
                .put("decision", "approve").put("reviewer", "dana");
        Kafka.send(it.stack.kafka(), "draft-reviews", TEAM + "/" + batchId + "/ok", d.toString());
        JsonNode ready = awaitEvent("FinalReady", "ok");
        StandInServer.CreateCall call = standIn.createCalls(SCENE + ".").stream()
                .filter(c -> c.details().get("model").equals("sora-2-pro")).findFirst().orElseThrow();
        assertThat(call.details()).containsEntry("size", "1792x1024").containsEntry("seconds", "12");
        Path file = tmp.resolve("final.mp4");
        it.storage.download(ready.path("objectKey").asText(), file);
        assertThat(MediaProbe.probe(file).seconds()).isBetween(11.95, 12.1);
        assertThat(io.reelflow.testkit.Credentials.sha256WithoutCredentials(file))
                .isEqualTo(standIn.servedSha256(call.jobId()));

        // The final starts from the approved draft's first frame, scaled to the final's frame: exactly the bytes
        // kept beside the final were uploaded as input_reference.
        String shot = ready.path("objectKey").asText().replace("final.mp4", "");
        Path start = tmp.resolve("final.start.jpg");
        it.storage.download(shot + "final.start.jpg", start);
        assertThat(call.details()).containsEntry("referenceSize", "1792x1024")
                .containsEntry("referenceSha256", sha256(start));
        Path draft = tmp.resolve("approved-draft.mp4");
        it.storage.download(shot + "draft-r1.mp4", draft);
        BufferedImage approved = Frames.fit(Frames.at(draft, 0), new FrameSize(1792, 1024));
        assertThat(call.details()).containsEntry("referenceType", "image/jpeg");
        // The same picture, but for the JPEG's loss: as close to it as the approved picture written here by the same
        // encoder (a different picture scores about 0.3).
        Path own = tmp.resolve("own-start.jpg");
        Frames.fittedJpeg(approved, new FrameSize(1792, 1024), Deliverables.Focus.CENTRE, own);
        assertThat(Similarity.ssim(approved, Frames.read(start)))
                .isGreaterThan(Math.min(0.95, Similarity.ssim(approved, Frames.read(own)) - 0.01));
        assertThat(ready.path("look").asText()).isEqualTo("carried");
        assertThat(ready.path("contactSheetKey").asText()).isEqualTo(shot + "final.contact.jpg");
        assertThat(it.storage.get(shot + "final.contact.jpg")).startsWith((byte) 0xff, (byte) 0xd8);
    }

    @Test
    void everyRequestReelflowSentKeptToTheContract() throws Exception {
        awaitEvent("DraftReady", "ok");
        awaitEvent("ShotFailed", "moderation");
        awaitEvent("DraftReady", "reference");
        assertThat(standIn.violations()).isEmpty();
        // The judge is live: a request off the contract is caught.
        assertThat(prism.check("POST", "/videos", Map.of("Authorization", "Bearer x",
                "Content-Type", "application/json"), "{\"prompt\":\"a\",\"seconds\":\"5\"}".getBytes(StandardCharsets.UTF_8)))
                .singleElement().asString().contains("seconds");
        // Every error Prism gives counts, not only some statuses: a body in a media type the contract does not take.
        assertThat(prism.check("POST", "/videos", Map.of("Authorization", "Bearer x", "Content-Type", "text/plain"),
                "a prompt".getBytes(StandardCharsets.UTF_8))).singleElement().asString().contains("-> 4");
    }

    private boolean running(String marker) {
        List<StandInServer.CreateCall> calls = standIn.createCalls(marker);
        return !calls.isEmpty() && !it.db.query("select 1 from job where state = 'RUNNING' and provider_job_id = ?",
                calls.get(0).jobId()).isEmpty();
    }

    private HttpResponse<String> webhook(String id, String timestamp, String signature, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.baseUrl() + "/webhooks/openai"))
                .header("Content-Type", "application/json")
                .header("webhook-id", id)
                .header("webhook-timestamp", timestamp)
                .header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aResultThatCarriesTheProvidersOwnCredentialsKeepsThemAsItsIngredientsManifest() throws Exception {
        JsonNode ready = awaitEvent("DraftReady", "signed");
        String served = standIn.servedSha256(standIn.accepted("[c2pa]").get(0).jobId());
        assertThat(ready.path("providerSha256").asText()).isEqualTo(served);
        Path file = tmp.resolve("signed.mp4");
        it.storage.download(ready.path("objectKey").asText(), file);
        JsonNode read = io.reelflow.testkit.C2paReader.read(it.credentialsRoot(), file);
        // Reelflow's manifest is valid and signed under the trusted root; the provider's own manifest travels in the
        // same store as the ingredient's, validated too (its throwaway signer is not trusted here, so the file as a
        // whole is Valid rather than Trusted).
        assertThat(read.path("state").asText()).as(read.toString()).isEqualTo("Valid");
        assertThat(read.path("failures")).as(read.toString()).isEmpty();
        assertThat(read.path("manifests").asInt()).isEqualTo(2);
        assertThat(read.path("c2paTs").path("valid").asBoolean()).as(read.path("c2paTs").toString()).isTrue();
        JsonNode ingredient = read.path("manifest").path("ingredients").get(0);
        assertThat(ingredient.path("title").asText()).contains("with the provider's own content credentials");
        assertThat(ingredient.path("active_manifest").asText()).startsWith("urn:c2pa:")
                .isNotEqualTo(read.path("manifest").path("label").asText());
        assertThat(ingredient.path("description").asText()).isEqualTo("sha256:" + served);
        assertThat(read.path("manifest").toString()).contains("re-encoded as H.264/AAC");
        MediaProbe.Probe probe = MediaProbe.probe(file);
        assertThat(probe.width()).isEqualTo(1280);
        assertThat(probe.seconds()).isBetween(3.9, 4.1);
    }

    private JsonNode awaitEvent(String type, String shotId) throws InterruptedException {
        JsonNode event = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> type.equals(e.path("type").asText()) && shotId.equals(e.path("shotId").asText()), WAIT);
        assertThat(event).as("%s for shot %s", type, shotId).isNotNull();
        return event;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(Hashing.sha256().digest(java.nio.file.Files.readAllBytes(file)));
    }
}
