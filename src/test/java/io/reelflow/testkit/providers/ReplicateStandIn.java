package io.reelflow.testkit.providers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;


import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import io.reelflow.media.FrameSize;
import io.reelflow.provider.http.WebhookSignature;

/**
 * A local server playing Replicate's predictions API for Kling v2.5 and Wan 2.5, built from the documented
 * request and response shapes (https://replicate.com/docs/reference/http, https://replicate.com/docs/topics/predictions/lifecycle,
 * https://replicate.com/docs/topics/webhooks and the models' input schemas at
 * https://replicate.com/kwaivgi/kling-v2.5-turbo-pro/api and https://replicate.com/wan-video/wan-2.5-t2v/api):
 * {@code POST /v1/models/{owner}/{name}/predictions} with {@code input} ({@code prompt}, {@code duration} 5 or 10,
 * Kling's {@code aspect_ratio} and {@code start_image}, Wan's {@code size} as {@code W*H}), {@code webhook} and
 * {@code webhook_events_filter}; {@code GET /v1/predictions/{id}}; {@code GET /v1/predictions} (newest first,
 * {@code next} cursor). A finished prediction's {@code output} is a file URL; when a webhook was given it is
 * called with the prediction, signed with the {@code webhook-id}/{@code webhook-timestamp}/{@code webhook-signature}
 * scheme. Markers in the prompt: {@code [nsfw]} (fails as flagged), {@code [ratelimit]} (first create 429 with
 * {@code Retry-After: 2}), {@code [flaky]} (first two reads 500), {@code [reset]} (accepted, connection dropped),
 * {@code [expired]} (output deleted: 404), {@code [stuck]} (never finishes unless cancelled at
 * {@code POST /v1/predictions/{id}/cancel}).
 */
public final class ReplicateStandIn extends StandInServer {

    private static final Set<String> MODELS = Set.of("kwaivgi/kling-v2.5-turbo-pro", "wan-video/wan-2.5-t2v");

    private record Prediction(String id, String model, Map<String, Object> input, FrameSize size, int seconds,
            Instant createdAt, Instant readyAt, String webhook, AtomicInteger reads) {
    }

    private final String apiKey;
    private final String webhookSecret;
    private final Map<String, Prediction> predictions = new ConcurrentHashMap<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> webhookAnswers = Collections.synchronizedList(new ArrayList<>());
    private final Set<String> cancelled = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient client = HttpClient.newHttpClient();

    public ReplicateStandIn(String apiKey, String webhookSecret, Path workDir) throws IOException {
        super(workDir);
        this.apiKey = apiKey;
        this.webhookSecret = webhookSecret;
    }

    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    /** Predictions Reelflow asked to cancel. */
    public Set<String> cancelled() {
        return Set.copyOf(cancelled);
    }

    /** HTTP statuses Reelflow answered to the webhooks sent to it. */
    public List<Integer> webhookAnswers() {
        synchronized (webhookAnswers) {
            return List.copyOf(webhookAnswers);
        }
    }

    @Override
    protected void handle(HttpExchange exchange, String path, byte[] body) throws IOException {
        String method = exchange.getRequestMethod();
        // Output files are served from a delivery host without authentication, as Replicate does.
        if (!path.startsWith("/files/")
                && !("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            json(exchange, 401, Map.of("title", "Unauthenticated", "detail", "You did not pass a valid authentication token",
                    "status", 401), Map.of());
            return;
        }
        if (method.equals("POST") && path.matches("/v1/models/[^/]+/[^/]+/predictions")) {
            create(exchange, path.substring("/v1/models/".length(), path.length() - "/predictions".length()), body);
        } else if (method.equals("POST") && path.matches("/v1/predictions/[^/]+/cancel")) {
            String id = path.substring("/v1/predictions/".length(), path.length() - "/cancel".length());
            if (predictions.containsKey(id)) {
                cancelled.add(id);
                json(exchange, 200, resource(predictions.get(id)), Map.of());
            } else {
                json(exchange, 404, Map.of("detail", "Not found."), Map.of());
            }
        } else if (method.equals("GET") && path.equals("/v1/predictions")) {
            list(exchange);
        } else if (method.equals("GET") && path.matches("/v1/predictions/[^/]+")) {
            read(exchange, path.substring("/v1/predictions/".length()));
        } else if (method.equals("GET") && path.matches("/files/[^/]+\\.mp4")) {
            String id = path.substring("/files/".length(), path.length() - 4);
            Prediction p = predictions.get(id);
            if (p == null || prompt(p).contains("[expired]")) {
                json(exchange, 404, Map.of("detail", "Not found."), Map.of());
            } else {
                serveVideo(exchange, id, prompt(p), p.size(), p.seconds());
            }
        } else {
            violations.add(method + " " + path);
            json(exchange, 404, Map.of("detail", "Not found."), Map.of());
        }
    }

    private void create(HttpExchange exchange, String model, byte[] body) throws IOException {
        JsonNode request = JSON.readTree(body);
        JsonNode input = request.path("input");
        String prompt = input.path("prompt").asText(null);
        Map<String, Object> details = new HashMap<>();
        details.put("model", model);
        String imageField = model.contains("kling") ? "start_image" : "image";
        details.put("input", ((com.fasterxml.jackson.databind.node.ObjectNode) input.deepCopy()).without(imageField)
                .toString());
        if (input.has(imageField)) {
            String data = input.path(imageField).asText();
            byte[] bytes = Base64.getDecoder().decode(data.substring(data.indexOf(',') + 1));
            String declared = data.startsWith("data:") && data.contains(";base64,")
                    ? data.substring(5, data.indexOf(";base64,")) : "";
            String mismatch = Uploads.mismatch("input." + imageField, declared, bytes);
            if (mismatch != null) {
                violations.add(mismatch);
                json(exchange, 422, Map.of("title", "Input validation failed", "detail", mismatch, "status", 422),
                        Map.of());
                return;
            }
            details.put("imageType", declared);
            details.put("imageSize", Uploads.size(bytes));
            details.put("imageSha256", io.reelflow.storage.Hashing.sha256Hex(bytes));
        }
        String invalid = invalid(model, input);
        if (invalid != null) {
            violations.add(invalid);
            recordCreate(new CreateCall(prompt, 422, null, details));
            json(exchange, 422, Map.of("title", "Input validation failed", "detail", invalid, "status", 422), Map.of());
            return;
        }
        if (prompt.contains("[ratelimit]") && rateLimited.getAndIncrement() == 0) {
            recordCreate(new CreateCall(prompt, 429, null, details));
            json(exchange, 429, Map.of("title", "Too Many Requests", "detail", "Request was throttled.", "status", 429),
                    Map.of("Retry-After", "2"));
            return;
        }
        FrameSize size = model.contains("kling")
                ? (input.path("aspect_ratio").asText().equals("9:16") ? new FrameSize(1080, 1920) : new FrameSize(1920, 1080))
                : size(input.path("size").asText());
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 26);
        Map<String, Object> inputCopy = JSON.convertValue(input, Map.class);
        Prediction p = new Prediction(id, model, inputCopy, size, input.path("duration").asInt(), Instant.now(),
                prompt.contains("[stuck]") ? Instant.MAX : Instant.now().plusMillis(1000),
                request.path("webhook").asText(null), new AtomicInteger());
        predictions.put(id, p);
        recordCreate(new CreateCall(prompt, 201, id, details));
        if (p.webhook() != null && !prompt.contains("[stuck]")) {
            scheduler.schedule(() -> sendWebhook(p), 1500, TimeUnit.MILLISECONDS);
        }
        if (prompt.contains("[reset]")) {
            exchange.close();
            return;
        }
        json(exchange, 201, resource(p), Map.of());
    }

    private static String invalid(String model, JsonNode input) {
        if (!MODELS.contains(model)) {
            return "model " + model + " is not one this stand-in plays";
        }
        if (!input.path("prompt").isTextual()) {
            return "input.prompt is required";
        }
        if (!Set.of(5, 10).contains(input.path("duration").asInt(-1))) {
            return "input.duration must be 5 or 10";
        }
        if (model.contains("kling") && !Set.of("16:9", "9:16", "1:1").contains(input.path("aspect_ratio").asText())) {
            return "input.aspect_ratio must be 16:9, 9:16 or 1:1";
        }
        if (model.contains("wan") && !Set.of("1280*720", "720*1280", "1920*1080", "1080*1920")
                .contains(input.path("size").asText())) {
            return "input.size must be one of 1280*720, 720*1280, 1920*1080, 1080*1920";
        }
        return null;
    }

    private static FrameSize size(String wan) {
        String[] wh = wan.split("\\*");
        return new FrameSize(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
    }

    private void read(HttpExchange exchange, String id) throws IOException {
        Prediction p = predictions.get(id);
        if (p == null) {
            json(exchange, 404, Map.of("detail", "Not found."), Map.of());
            return;
        }
        if (prompt(p).contains("[flaky]") && p.reads().incrementAndGet() <= 2) {
            json(exchange, 500, Map.of("detail", "Internal server error"), Map.of());
            return;
        }
        json(exchange, 200, resource(p), Map.of());
    }

    private void list(HttpExchange exchange) throws IOException {
        List<Map<String, Object>> results = predictions.values().stream()
                .sorted(Comparator.comparing(Prediction::createdAt).reversed())
                .map(p -> {
                    Map<String, Object> summary = new LinkedHashMap<>(resource(p));
                    summary.remove("input");
                    summary.remove("output");
                    return summary;
                }).toList();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("previous", null);
        page.put("next", null);
        page.put("results", results);
        json(exchange, 200, page, Map.of());
    }

    private Map<String, Object> resource(Prediction p) {
        boolean done = !Instant.now().isBefore(p.readyAt());
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", p.id());
        r.put("model", p.model());
        r.put("version", "hidden");
        r.put("input", p.input());
        r.put("created_at", p.createdAt().toString());
        r.put("urls", Map.of("get", baseUrl() + "/v1/predictions/" + p.id(), "cancel",
                baseUrl() + "/v1/predictions/" + p.id() + "/cancel"));
        if (cancelled.contains(p.id())) {
            r.put("status", "canceled");
            r.put("output", null);
            r.put("error", null);
        } else if (!done) {
            r.put("status", "processing");
            r.put("output", null);
            r.put("error", null);
        } else if (prompt(p).contains("[nsfw]")) {
            r.put("status", "failed");
            r.put("output", null);
            r.put("error", "The input or output was flagged as sensitive (E005)");
        } else {
            r.put("status", "succeeded");
            r.put("output", baseUrl() + "/files/" + p.id() + ".mp4");
            r.put("error", null);
            r.put("completed_at", p.readyAt().toString());
        }
        return r;
    }

    private void sendWebhook(Prediction p) {
        try {
            byte[] body = JSON.writeValueAsBytes(resource(p));
            String id = "msg_" + UUID.randomUUID();
            String timestamp = Long.toString(Instant.now().getEpochSecond());
            String signature = "v1," + Base64.getEncoder().encodeToString(
                    WebhookSignature.sign(webhookSecret, id, timestamp, body));
            HttpRequest request = HttpRequest.newBuilder(URI.create(p.webhook()))
                    .header("Content-Type", "application/json")
                    .header("webhook-id", id).header("webhook-timestamp", timestamp)
                    .header("webhook-signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            webhookAnswers.add(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException | InterruptedException e) {
            webhookAnswers.add(-1);
        }
    }

    private static String prompt(Prediction p) {
        return String.valueOf(p.input().get("prompt"));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        super.close();
    }
}
