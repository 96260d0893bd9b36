package io.reelflow.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

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
import io.reelflow.media.MediaProbe;
import io.reelflow.storage.Hashing;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.EventStream;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Kafka;
import io.reelflow.testkit.TestData;
import io.reelflow.testkit.providers.FalStandIn;
import io.reelflow.testkit.providers.KlingStandIn;
import io.reelflow.testkit.providers.ReplicateStandIn;
import io.reelflow.testkit.providers.RunwayStandIn;
import io.reelflow.testkit.providers.StandInServer;
import io.reelflow.testkit.providers.TaskStandIn;

/**
 * The {@code kling}, {@code fal} and {@code runway} providers, and routes with fallback models, through the packaged
 * service against stand-ins built from each provider's published reference (see {@link KlingStandIn},
 * {@link FalStandIn}, {@link RunwayStandIn}) that check every request. One batch per model carries a shot per
 * scenario (the scenario is a marker in its prompt); the fallback batches name two models.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KlingFalRunwayContractIT {

    private static final String TEAM = "routes";
    private static final Duration WAIT = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCENE = "Slow dolly across a rooftop garden at dusk, lanterns swaying";

    private ItStack it;
    private KlingStandIn kling;
    private FalStandIn fal;
    private RunwayStandIn runway;
    private ReplicateStandIn replicate;
    private ServiceProcess service;
    private EventStream events;
    private final String run = Long.toString(System.nanoTime(), 36);
    private final String klingBatch = "kling-" + run;
    private final String kling25Batch = "kling25-" + run;
    private final String falBatch = "fal-" + run;
    private final String runwayBatch = "runway-" + run;
    private final String routesBatch = "routes-" + run;
    private final String pausedBatch = "paused-" + run;
    private final String elsewhereBatch = "elsewhere-" + run;

    @TempDir
    Path tmp;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(KlingFalRunwayContractIT.class);
        String accessKey = "ak-" + HexFormat.of().formatHex(TestData.random(8));
        String secretKey = HexFormat.of().formatHex(TestData.random(16));
        String falKey = HexFormat.of().formatHex(TestData.random(8)) + ":" + HexFormat.of().formatHex(TestData.random(16));
        String runwayKey = "key_" + HexFormat.of().formatHex(TestData.random(16));
        String replicateKey = "r8_" + HexFormat.of().formatHex(TestData.random(12));
        kling = new KlingStandIn(accessKey, secretKey, it.dir.resolve("kling-stand-in"));
        fal = new FalStandIn(falKey, it.dir.resolve("fal-stand-in"));
        runway = new RunwayStandIn(runwayKey, it.dir.resolve("runway-stand-in"));
        replicate = new ReplicateStandIn(replicateKey, TestData.webhookSecret(), it.dir.resolve("replicate-stand-in"));
        service = it.service("service", ItStack.env(
                "REELFLOW_PROVIDERS_KLING_BASE_URL", kling.baseUrl(),
                "REELFLOW_PROVIDERS_KLING_API_KEY", accessKey,
                "REELFLOW_PROVIDERS_KLING_SECRET_KEY", secretKey,
                "REELFLOW_PROVIDERS_KLING_LISTING_DELAY", "PT3S",
                "REELFLOW_PROVIDERS_KLING_REQUEST_TIMEOUT", "PT5S",
                "REELFLOW_PROVIDERS_FAL_BASE_URL", fal.baseUrl(),
                "REELFLOW_PROVIDERS_FAL_API_KEY", falKey,
                "REELFLOW_PROVIDERS_FAL_WEBHOOK_KEYS_URL", fal.jwksUrl(),
                "REELFLOW_PROVIDERS_FAL_RECONCILE_WINDOW", "PT3S",
                "REELFLOW_PROVIDERS_FAL_REQUEST_TIMEOUT", "PT5S",
                "REELFLOW_PROVIDERS_RUNWAY_BASE_URL", runway.baseUrl(),
                "REELFLOW_PROVIDERS_RUNWAY_API_KEY", runwayKey,
                "REELFLOW_PROVIDERS_RUNWAY_RECONCILE_WINDOW", "PT3S",
                "REELFLOW_PROVIDERS_RUNWAY_REQUEST_TIMEOUT", "PT5S",
                "REELFLOW_PROVIDERS_REPLICATE_BASE_URL", replicate.baseUrl(),
                "REELFLOW_PROVIDERS_REPLICATE_API_KEY", replicateKey,
                "REELFLOW_BREAKER_FAILURES", "50",
                "REELFLOW_WORKER_CONCURRENCY", "6"));
        service.env("REELFLOW_WEBHOOKS_PUBLIC_URL", service.baseUrl()).start();
        events = EventStream.open(it.stack.kafka(), "video-events");
        // The replicate provider is paused by its breaker before anything is sent: routes starting there move on.
        it.db.update("insert into provider_breaker (provider, failures, open_until, last_error)"
                + " values ('replicate', 5, now() + interval '10 minutes', 'test: paused')");
        String reference = "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(
                TestData.jpeg(1600, 1200, new Color(60, 140, 200)));
        submit(klingBatch, List.of("kling-3"), List.of("ok", "text", "nsfw", "risk", "ratelimit", "flaky", "reset",
                "expired"), reference);
        submit(kling25Batch, List.of("kling-2.5-turbo"), List.of("short"), null);
        submit(falBatch, List.of("wan-2.6"), List.of("ok", "text", "nsfw", "image-refused", "ratelimit", "flaky",
                "reset", "expired", "upscaled"), reference);
        submit(runwayBatch, List.of("runway-gen-4.5"), List.of("ok", "text", "nsfw", "image-refused", "ratelimit",
                "flaky", "reset", "expired"), reference);
        submit(routesBatch, List.of("kling-3", "runway-gen-4.5"), List.of("lost busy", "nsfw"), null);
        submit(pausedBatch, List.of("kling-v2.5", "runway-gen-4.5"), List.of("paused"), null);
        // sora-2 is in the catalog, but this deployment has no openai provider configured.
        submit(elsewhereBatch, List.of("sora-2", "runway-gen-4.5"), List.of("elsewhere"), null);
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(events, service, kling, fal, runway, replicate, it);
    }

    /** Shots whose prompt carries {@code [marker]} for each word of the scenario; "ok" and "text" carry none. */
    private void submit(String batchId, List<String> route, List<String> scenarios, String reference) throws Exception {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", batchId);
        batch.put("team", TEAM);
        batch.put("campaign", "today");
        ObjectNode defaults = batch.putObject("defaults");
        ObjectNode routeNode = defaults.putObject("route");
        if (route.size() == 1) {
            routeNode.put("draftModel", route.get(0));
        } else {
            ArrayNode models = routeNode.putArray("draftModel");
            route.forEach(models::add);
        }
        routeNode.put("finalModel", "local-preview");
        ArrayNode shots = batch.putArray("shots");
        for (String scenario : scenarios) {
            String id = scenario.replace(' ', '-');
            StringBuilder prompt = new StringBuilder(SCENE);
            if (!scenario.equals("ok") && !scenario.equals("text")) {
                for (String marker : scenario.split(" ")) {
                    prompt.append(" [").append(marker).append("]");
                }
            }
            prompt.append(", ").append(batchId).append(".");
            ObjectNode shot = shots.addObject().put("shotId", id).put("prompt", prompt.toString());
            if (reference != null && (scenario.equals("ok") || scenario.equals("image-refused"))) {
                shot.putObject("referenceImage").put("url", reference);
            }
        }
        Kafka.send(it.stack.kafka(), "campaign-batches", TEAM + "/" + batchId, batch.toString());
    }

    // --- Kling's own API ---

    @Test
    void klingTakesTheFirstFrameAsBareBase64WithItsExternalTaskIdAndASignedToken() throws Exception {
        JsonNode ready = awaitEvent(klingBatch, "DraftReady", "ok");
        StandInServer.CreateCall call = only(kling.accepted(klingBatch + "."), c -> !c.prompt().contains("["),
                "image2video");
        JsonNode body = JSON.readTree((String) call.details().get("body"));
        assertThat(body.path("model_name").asText()).isEqualTo("kling-v3");
        assertThat(body.path("duration").isTextual()).isTrue();
        assertThat(body.path("duration").asText()).isEqualTo("4");
        assertThat(body.path("mode").asText()).isEqualTo("pro");
        assertThat(body.path("external_task_id").asText()).startsWith("rf-" + ready.path("jobId").asText());
        assertThat(body.path("callback_url").asText()).isEqualTo(service.baseUrl() + "/webhooks/kling");
        assertThat(body.has("aspect_ratio")).as("image-to-video takes its shape from the image").isFalse();
        assertThat(call.details().get("imageSize")).isEqualTo("1920x1080");
        assertThat(kling.tokensSeen()).isNotEmpty();
        assertThat(kling.webhookAnswers()).isNotEmpty().containsOnly(200);
        landed(ready, "kling-ok.mp4");
    }

    @Test
    void klingTextToVideoNamesTheAspectRatio() throws Exception {
        awaitEvent(klingBatch, "DraftReady", "text");
        StandInServer.CreateCall call = only(kling.accepted(klingBatch + "."), c -> !c.prompt().contains("["),
                "text2video");
        assertThat(JSON.readTree((String) call.details().get("body")).path("aspect_ratio").asText()).isEqualTo("16:9");
    }

    @Test
    void aKlingCreateWhoseAnswerWasLostIsLookedUpByItsExternalTaskIdAndLandsOnce() throws Exception {
        JsonNode ready = awaitEvent(klingBatch, "DraftReady", "reset");
        assertThat(kling.createCalls("[reset]")).hasSize(1);
        String external = JSON.readTree((String) kling.createCalls("[reset]").get(0).details().get("body"))
                .path("external_task_id").asText();
        assertThat(kling.lookups()).anyMatch(l -> l.contains("/" + external + "=200@"));
        String taskId = kling.accepted("[reset]").get(0).jobId().split("/")[1];
        assertThat(ready.path("providerSha256").asText()).isEqualTo(kling.servedSha256(taskId));
    }

    @Test
    void klingRefusalsKeepTheProvidersReasonAndAreNeverRetried() throws Exception {
        JsonNode refused = awaitEvent(klingBatch, "ShotFailed", "nsfw");
        assertThat(refused.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(refused.path("reason").asText()).contains("content security policy");
        assertThat(refused.path("refusedInput").asText()).isEqualTo("prompt");
        assertThat(kling.createCalls("[nsfw], " + klingBatch)).hasSize(1);
        JsonNode risk = awaitEvent(klingBatch, "ShotFailed", "risk");
        assertThat(risk.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(risk.path("reason").asText()).contains("risk control");
    }

    @Test
    void klingFiveSecondClipDeliveredShortIsChargedForWhatCameBack() throws Exception {
        JsonNode ready = awaitEvent(kling25Batch, "DraftReady", "short");
        JsonNode charge = ready.path("charge");
        assertThat(charge.path("model").asText()).isEqualTo("kling-2.5-turbo");
        assertThat(charge.path("reservedUsd").decimalValue()).isEqualByComparingTo("0.35");
        assertThat(charge.path("chargedUsd").decimalValue()).isEqualByComparingTo("0.28");
        assertThat(charge.path("deliveredSeconds").asDouble()).isBetween(3.9, 4.1);
        assertThat(charge.path("note").asText()).contains("asked 5 s").contains("charged $0.28");
        Map<String, Object> row = it.db.query("select charged_usd, delivered_size from spend_ledger where job_id = ?::uuid",
                ready.path("jobId").asText()).get(0);
        assertThat((BigDecimal) row.get("charged_usd")).isEqualByComparingTo("0.28");
        assertThat(row.get("delivered_size")).isEqualTo("1920x1080");
    }

    // --- fal.ai's queue ---

    @Test
    void falSendsTheCatalogsInputFieldsToTheImageModelAndLandsItsVideo() throws Exception {
        JsonNode ready = awaitEvent(falBatch, "DraftReady", "ok");
        StandInServer.CreateCall call = fal.accepted(falBatch + ".").stream().filter(c -> !c.prompt().contains("["))
                .filter(c -> c.details().get("model").equals("fal-ai/wan/v2.6/image-to-video")).findFirst().orElseThrow();
        JsonNode input = JSON.readTree((String) call.details().get("body"));
        assertThat(input.path("duration").asText()).isEqualTo("5");
        assertThat(input.path("resolution").asText()).isEqualTo("720p");
        assertThat(input.path("aspect_ratio").asText()).isEqualTo("16:9");
        assertThat(input.path("seed").isIntegralNumber()).isTrue();
        assertThat(call.details().get("imageSize")).isEqualTo("1280x720");
        assertThat(ready.path("seed").asLong()).isEqualTo(input.path("seed").asLong());
        landed(ready, "fal-ok.mp4");
        JsonNode text = awaitEvent(falBatch, "DraftReady", "text");
        assertThat(fal.accepted(falBatch + ".").stream().filter(c -> !c.prompt().contains("["))
                .map(c -> c.details().get("model"))).contains("fal-ai/wan/v2.6/text-to-video");
        assertThat(text.path("model").asText()).isEqualTo("wan-2.6");
    }

    @Test
    void falRefusalsSayWhetherThePromptOrTheImageWasRefused() throws Exception {
        JsonNode prompt = awaitEvent(falBatch, "ShotFailed", "nsfw");
        assertThat(prompt.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(prompt.path("refusedInput").asText()).isEqualTo("prompt");
        JsonNode image = awaitEvent(falBatch, "ShotFailed", "image-refused");
        assertThat(image.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(image.path("refusedInput").asText()).isEqualTo("image");
        assertThat(image.path("reason").asText()).contains("image_url");
        assertThat(fal.createCalls("[image-refused]")).hasSize(1);
    }

    @Test
    void falSignedWebhooksAreAcceptedRetriesActOnceAndForgedOnesAreRefused() throws Exception {
        awaitEvent(falBatch, "DraftReady", "ok");
        assertThat(fal.webhookAnswers()).hasSizeGreaterThanOrEqualTo(2).containsOnly(200);
        byte[] body = "{\"request_id\":\"forged\",\"status\":\"OK\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        // Signed with another key than the one fal publishes.
        var other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        var signer = java.security.Signature.getInstance("Ed25519");
        signer.initSign(other.getPrivate());
        signer.update(String.join("\n", "forged", "user", Long.toString(now), Hashing.sha256Hex(body))
                .getBytes(StandardCharsets.UTF_8));
        assertThat(postWebhook("fal", body, Map.of("X-Fal-Webhook-Request-Id", "forged", "X-Fal-Webhook-User-Id", "user",
                "X-Fal-Webhook-Timestamp", Long.toString(now), "X-Fal-Webhook-Signature",
                HexFormat.of().formatHex(signer.sign())))).isEqualTo(401);
        // Signed by the stand-in but too old: outside the replay window.
        assertThat(postWebhook("fal", body, fal.sign("forged", now - 3600, body))).isEqualTo(401);
        Map<String, String> genuine = fal.sign("replayed", now, body);
        assertThat(postWebhook("fal", body, genuine)).isEqualTo(200);
        // fal retries a delivery: the same one again is acknowledged and not acted on twice.
        HttpResponse<String> replay = webhook("fal", body, genuine);
        assertThat(replay.statusCode()).isEqualTo(200);
        assertThat(replay.body()).contains("\"duplicate\":true");
        assertThat(postWebhook("runway", body, Map.of())).isEqualTo(404);
    }

    @Test
    void falUpscaledResultIsChargedAtThePriceOfTheResolutionDelivered() throws Exception {
        JsonNode charge = awaitEvent(falBatch, "DraftReady", "upscaled").path("charge");
        assertThat(charge.path("reservedUsd").decimalValue()).isEqualByComparingTo("0.50");
        assertThat(charge.path("chargedUsd").decimalValue()).isEqualByComparingTo("0.75");
        assertThat(charge.path("deliveredSize").asText()).isEqualTo("1920x1080");
    }

    // --- Runway ---

    @Test
    void runwaySendsItsVersionHeaderAndPixelRatioAndDeletesTheTaskOnceLanded() throws Exception {
        JsonNode ready = awaitEvent(runwayBatch, "DraftReady", "ok");
        StandInServer.CreateCall call = only(runway.accepted(runwayBatch + "."), c -> !c.prompt().contains("["),
                "image_to_video");
        JsonNode body = JSON.readTree((String) call.details().get("body"));
        assertThat(body.path("model").asText()).isEqualTo("gen4.5");
        assertThat(body.path("ratio").asText()).isEqualTo("1280:720");
        assertThat(body.path("duration").isInt()).isTrue();
        assertThat(body.path("duration").asInt()).isEqualTo(4);
        assertThat(call.details().get("imageSize")).isEqualTo("1280x720");
        landed(ready, "runway-ok.mp4");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> runway.deleted().contains(call.jobId()));
    }

    @Test
    void runwayFailureCodesSayWhatWasRefused() throws Exception {
        JsonNode text = awaitEvent(runwayBatch, "ShotFailed", "nsfw");
        assertThat(text.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(text.path("reason").asText()).contains("SAFETY.INPUT.TEXT");
        assertThat(text.path("refusedInput").asText()).isEqualTo("prompt");
        JsonNode image = awaitEvent(runwayBatch, "ShotFailed", "image-refused");
        assertThat(image.path("refusedInput").asText()).isEqualTo("image");
    }

    // --- what every adapter must do ---

    @Test
    void rateLimitsAreRetriedAfterRetryAfterAndServerErrorsOnReadsUntilTheDraftLands() throws Exception {
        for (TaskStandIn provider : List.of(kling, fal, runway)) {
            String batch = batchOf(provider);
            awaitEvent(batch, "DraftReady", "ratelimit");
            List<StandInServer.CreateCall> calls = provider.createCalls("[ratelimit]");
            assertThat(calls).extracting(StandInServer.CreateCall::status).containsExactly(429, 200);
            assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1900));
            awaitEvent(batch, "DraftReady", "flaky");
            assertThat(provider.accepted("[flaky]")).hasSize(1);
        }
    }

    @Test
    void aLostCreateWithoutALookupFailsAfterTheReconcileWindowAndIsNeverMadeTwice() throws Exception {
        for (TaskStandIn provider : List.of(fal, runway)) {
            JsonNode failed = awaitEvent(batchOf(provider), "ShotFailed", "reset");
            assertThat(failed.path("failureKind").asText()).isEqualTo("provider-error");
            assertThat(failed.path("reason").asText()).contains("it is not created again");
            assertThat(provider.createCalls("[reset]")).hasSize(1);
        }
    }

    @Test
    void expiredResultsFailTheShotWithoutANewCreateCall() throws Exception {
        for (TaskStandIn provider : List.of(kling, fal, runway)) {
            JsonNode failed = awaitEvent(batchOf(provider), "ShotFailed", "expired");
            assertThat(failed.path("reason").asText()).contains("no longer downloadable");
            assertThat(provider.createCalls("[expired]")).hasSize(1);
        }
    }

    @Test
    void everyRequestFollowedThePublishedShapes() throws Exception {
        for (String batch : List.of(klingBatch, falBatch, runwayBatch)) {
            awaitEvent(batch, "DraftReady", "ok");
        }
        awaitEvent(routesBatch, "DraftReady", "lost-busy");
        assertThat(kling.violations()).isEmpty();
        assertThat(fal.violations()).isEmpty();
        assertThat(runway.violations()).isEmpty();
    }

    // --- routes with fallback models ---

    @Test
    void aModelPausedByTheBreakerSendsTheJobToTheNextModelChargedOnlyThere() throws Exception {
        JsonNode moved = awaitEvent(pausedBatch, "ShotRerouted", "paused");
        assertThat(moved.path("fromModel").asText()).isEqualTo("kling-v2.5");
        assertThat(moved.path("toModel").asText()).isEqualTo("runway-gen-4.5");
        assertThat(moved.path("reason").asText()).contains("replicate is paused by the circuit breaker");
        JsonNode ready = awaitEvent(pausedBatch, "DraftReady", "paused");
        assertThat(ready.path("model").asText()).isEqualTo("runway-gen-4.5");
        assertThat(ready.path("fallback").asText()).startsWith("kling-v2.5 -> runway-gen-4.5");
        assertThat(replicate.createCalls("[paused]")).isEmpty();
        assertThat(runway.accepted("[paused]")).hasSize(1);
        assertChargedOnceOn(ready, "runway-gen-4.5", "0.60");
    }

    @Test
    void aModelWhoseProviderIsNotConfiguredHereIsPassedOver() throws Exception {
        JsonNode moved = awaitEvent(elsewhereBatch, "ShotRerouted", "elsewhere");
        assertThat(moved.path("fromModel").asText()).isEqualTo("sora-2");
        assertThat(moved.path("reason").asText()).isEqualTo("provider 'openai' is not configured here");
        JsonNode ready = awaitEvent(elsewhereBatch, "DraftReady", "elsewhere");
        assertChargedOnceOn(ready, "runway-gen-4.5", "0.60");
        assertThat(io.reelflow.testkit.Metrics.of(service).sum("reelflow_jobs_rerouted_total", "from=\"sora-2\"",
                "to=\"runway-gen-4.5\"")).isEqualTo(1.0);
    }

    @Test
    void aModerationRefusalNeverFallsBack() throws Exception {
        JsonNode failed = awaitEvent(routesBatch, "ShotFailed", "nsfw");
        assertThat(failed.path("model").asText()).isEqualTo("kling-3");
        assertThat(failed.path("failureKind").asText()).isEqualTo("moderation");
        assertThat(runway.createCalls(routesBatch + ".")).noneMatch(c -> c.prompt().contains("[nsfw]"));
        assertThat(events.events()).noneMatch(e -> routesBatch.equals(e.path("batchId").asText())
                && "ShotRerouted".equals(e.path("type").asText()) && "nsfw".equals(e.path("shotId").asText()));
        assertThat(it.db.count("select count(*) from spend_ledger l join job j on j.id = l.job_id"
                + " where j.id = ?::uuid and l.state = 'charged'", failed.path("jobId").asText())).isZero();
    }

    @Test
    void aLostCreateIsReconciledFirstAndFallsBackOnlyOnceTheLookupProvesNothingWasMade() throws Exception {
        JsonNode moved = awaitEvent(routesBatch, "ShotRerouted", "lost-busy");
        JsonNode ready = awaitEvent(routesBatch, "DraftReady", "lost-busy");
        List<StandInServer.CreateCall> klingCalls = kling.createCalls("[lost]");
        // The first create never arrived (connection dropped before anything was made); the second, made only after
        // the exact lookup proved that, was refused for capacity; then the job moved on.
        assertThat(klingCalls).extracting(StandInServer.CreateCall::status).containsExactly(-1, 429);
        assertThat(kling.accepted("[lost]")).isEmpty();
        String firstKey = JSON.readTree((String) klingCalls.get(0).details().get("body")).path("external_task_id").asText();
        String secondKey = JSON.readTree((String) klingCalls.get(1).details().get("body")).path("external_task_id").asText();
        assertThat(secondKey).isNotEqualTo(firstKey);
        List<Long> lookupTimes = kling.lookups().stream().filter(l -> l.contains("/" + firstKey + "=404@"))
                .map(l -> Long.parseLong(l.substring(l.indexOf('@') + 1))).toList();
        assertThat(lookupTimes).isNotEmpty();
        assertThat(lookupTimes.get(lookupTimes.size() - 1)).isLessThanOrEqualTo(klingCalls.get(1).at().toEpochMilli());
        assertThat(Duration.between(klingCalls.get(0).at(), klingCalls.get(1).at())).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
        assertThat(moved.path("reason").asText()).contains("refused for capacity").contains("1303");
        List<StandInServer.CreateCall> runwayCalls = runway.accepted("[lost]");
        assertThat(runwayCalls).hasSize(1);
        assertThat(runwayCalls.get(0).at()).isAfter(klingCalls.get(1).at());
        assertThat(ready.path("model").asText()).isEqualTo("runway-gen-4.5");
        assertChargedOnceOn(ready, "runway-gen-4.5", "0.60");
        // Reserved at kling's price while kling was tried, given back when the job moved.
        assertThat(it.db.count("select count(*) from spend_ledger where job_id = ?::uuid", ready.path("jobId").asText()))
                .isEqualTo(1);
    }

    private void assertChargedOnceOn(JsonNode ready, String model, String usd) {
        List<Map<String, Object>> rows = it.db.query("select model, state, charged_usd from spend_ledger"
                + " where job_id = ?::uuid", ready.path("jobId").asText());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("model")).isEqualTo(model);
        assertThat(rows.get(0).get("state")).isEqualTo("charged");
        assertThat((BigDecimal) rows.get(0).get("charged_usd")).isEqualByComparingTo(usd);
        assertThat(ready.path("charge").path("model").asText()).isEqualTo(model);
    }

    private String batchOf(TaskStandIn provider) {
        return provider == kling ? klingBatch : provider == fal ? falBatch : runwayBatch;
    }

    private static StandInServer.CreateCall only(List<StandInServer.CreateCall> calls,
            java.util.function.Predicate<StandInServer.CreateCall> match, String kind) {
        return calls.stream().filter(match).filter(c -> kind.equals(c.details().get("kind"))).findFirst().orElseThrow();
    }

    private int postWebhook(String provider, byte[] body, Map<String, String> headers) throws Exception {
        return webhook(provider, body, headers).statusCode();
    }

    private HttpResponse<String> webhook(String provider, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.baseUrl() + "/webhooks/" + provider))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void landed(JsonNode ready, String name) throws Exception {
        Path file = tmp.resolve(name);
        it.storage.download(ready.path("objectKey").asText(), file);
        MediaProbe.Probe probe = MediaProbe.probe(file);
        assertThat(probe.width()).isEqualTo(1280);
        assertThat(probe.height()).isEqualTo(720);
        assertThat(probe.seconds()).isBetween(3.9, 4.1);
        assertThat(Hashing.sha256Hex(file)).isEqualTo(ready.path("sha256").asText());
    }

    private JsonNode awaitEvent(String batchId, String type, String shotId) throws InterruptedException {
        JsonNode event = events.awaitFirst(e -> batchId.equals(e.path("batchId").asText()),
                e -> type.equals(e.path("type").asText()) && shotId.equals(e.path("shotId").asText()), WAIT);
        assertThat(event).as("%s for %s/%s", type, batchId, shotId).isNotNull();
        return event;
    }
}
