package io.reelflow.testkit.providers;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jose4j.jwk.PublicJsonWebKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import io.reelflow.media.FrameSize;
import io.reelflow.storage.Hashing;

/**
 * A local server playing fal.ai's queue API (https://docs.fal.ai/model-apis/model-endpoints/queue and
 * /webhooks) for the models Reelflow's catalog names, each with the input schema its model page publishes:
 * {@code POST /{model id}} with {@code Authorization: Key <key>} (the body is the model's input; an unknown field or
 * a wrong type answers 422 with {@code detail[].loc}), answered with {@code request_id}, {@code status_url},
 * {@code response_url} and {@code cancel_url}; {@code GET /{owner}/{app}/requests/{id}/status} ({@code IN_QUEUE},
 * {@code IN_PROGRESS}, {@code COMPLETED}); {@code GET /{owner}/{app}/requests/{id}} for the result
 * ({@code video.url}) or the model's refusal (422, {@code type: content_policy_violation} at the refused field);
 * {@code PUT .../cancel}. With {@code fal_webhook} the result is posted there, signed with Ed25519 over
 * {@code request id, user id, timestamp, hex sha256 of the body} (the public key served as a JWKS at
 * {@code /.well-known/jwks.json}), and posted a second time, as fal retries deliveries. Markers as in
 * {@link TaskStandIn}; {@code [nsfw]} refuses the prompt, {@code [image-refused]} the image.
 */
public final class FalStandIn extends TaskStandIn {

    /** A model's input fields and their published types. */
    private record Schema(Set<String> durations, Set<String> resolutions, Set<String> ratios, boolean image,
            String imageField, Set<String> extra) {
    }

    private static final Set<String> RATIOS = Set.of("16:9", "9:16", "1:1");
    private static final Map<String, Schema> MODELS = Map.of(
            "fal-ai/wan/v2.6/text-to-video", new Schema(Set.of("5", "10", "15"), Set.of("720p", "1080p"), RATIOS,
                    false, null, Set.of("seed", "negative_prompt", "enable_prompt_expansion")),
            "fal-ai/wan/v2.6/image-to-video", new Schema(Set.of("5", "10", "15"), Set.of("720p", "1080p"), RATIOS,
                    true, "image_url", Set.of("seed", "negative_prompt", "enable_prompt_expansion")),
            "fal-ai/bytedance/seedance/v1/pro/text-to-video", new Schema(Set.of("5", "10"),
                    Set.of("480p", "720p", "1080p"), Set.of("21:9", "16:9", "4:3", "1:1", "3:4", "9:16"), false, null,
                    Set.of("seed", "camera_fixed")),
            "fal-ai/bytedance/seedance/v1/pro/image-to-video", new Schema(Set.of("5", "10"),
                    Set.of("480p", "720p", "1080p"), Set.of("21:9", "16:9", "4:3", "1:1", "3:4", "9:16"), true,
                    "image_url", Set.of("seed", "camera_fixed")),
            "fal-ai/veo3.1", new Schema(Set.of("4s", "6s", "8s"), Set.of("720p", "1080p"), Set.of("16:9", "9:16"),
                    false, null, Set.of("seed", "generate_audio", "negative_prompt")),
            "fal-ai/veo3.1/image-to-video", new Schema(Set.of("4s", "6s", "8s"), Set.of("720p", "1080p"),
                    Set.of("16:9", "9:16"), true, "image_url", Set.of("seed", "generate_audio", "negative_prompt")));

    private final String apiKey;
    private final KeyPair signing;
    private final String userId = "user-" + Long.toHexString(System.nanoTime());
    private final HttpClient client = HttpClient.newHttpClient();

    public FalStandIn(String apiKey, Path workDir) throws IOException {
        super(workDir);
        this.apiKey = apiKey;
        try {
            this.signing = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the stand-in publishes its webhook key. */
    public String jwksUrl() {
        return baseUrl() + "/.well-known/jwks.json";
    }

    /** Signs {@code body} as a delivery for {@code requestId} at {@code timestamp}: fal's headers. */
    public Map<String, String> sign(String requestId, long timestamp, byte[] body) {
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(signing.getPrivate());
            ed25519.update(String.join("\n", requestId, userId, Long.toString(timestamp), Hashing.sha256Hex(body))
                    .getBytes(StandardCharsets.UTF_8));
            return Map.of("X-Fal-Webhook-Request-Id", requestId, "X-Fal-Webhook-User-Id", userId,
                    "X-Fal-Webhook-Timestamp", Long.toString(timestamp),
                    "X-Fal-Webhook-Signature", HexFormat.of().formatHex(ed25519.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected void handle(HttpExchange exchange, String path, byte[] body) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") && path.equals("/.well-known/jwks.json")) {
            try {
                String key = PublicJsonWebKey.Factory.newPublicJwk(signing.getPublic()).toJson();
                send(exchange, 200, "application/json", ("{\"keys\":[" + key + "]}").getBytes(StandardCharsets.UTF_8),
                        Map.of());
            } catch (org.jose4j.lang.JoseException e) {
                throw new IllegalStateException(e);
            }
            return;
        }
        if (method.equals("GET") && path.matches("/files/[^/]+\\.mp4")) {
            serveFile(exchange, path.substring("/files/".length(), path.length() - 4));
            return;
        }
        if (!("Key " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            violation(method + " " + path + ": Authorization must be 'Key <FAL_KEY>'");
            json(exchange, 401, Map.of("detail", "No user found for Key ID and Secret"), Map.of());
            return;
        }
        String[] parts = path.substring(1).split("/");
        if (parts.length == 5 && parts[2].equals("requests") && parts[4].equals("status") && method.equals("GET")) {
            status(exchange, parts[0] + "/" + parts[1], parts[3]);
        } else if (parts.length == 4 && parts[2].equals("requests") && method.equals("GET")) {
            result(exchange, parts[0] + "/" + parts[1], parts[3]);
        } else if (parts.length == 5 && parts[4].equals("cancel") && method.equals("PUT")) {
            json(exchange, tasks.containsKey(parts[3]) ? 202 : 404, Map.of("status", "CANCELLATION_REQUESTED"), Map.of());
        } else if (method.equals("POST") && MODELS.containsKey(path.substring(1))) {
            submit(exchange, path.substring(1), body);
        } else {
            violation(method + " " + path);
            json(exchange, 404, Map.of("detail", "Not found"), Map.of());
        }
    }

    private void submit(HttpExchange exchange, String model, byte[] raw) throws IOException {
        JsonNode input = JSON.readTree(raw);
        Schema schema = MODELS.get(model);
        String prompt = input.path("prompt").asText("");
        Map<String, Object> details = details(input, "image_url");
        details.put("model", model);
        java.util.Set<String> allowed = new java.util.HashSet<>(Set.of("prompt", "duration", "resolution",
                "aspect_ratio"));
        allowed.addAll(schema.extra());
        if (schema.image()) {
            allowed.add(schema.imageField());
        }
        Fields fields = new Fields(model, input, allowed).text("prompt", true, null)
                .text("duration", false, schema.durations()).text("resolution", false, schema.resolutions())
                .text("aspect_ratio", false, schema.ratios()).integer("seed", false, 0, 4294967295L)
                .bool("generate_audio");
        if (schema.image()) {
            fields.image(schema.imageField(), true, false, details);
        }
        String invalid = fields.problems();
        if (invalid != null) {
            recordCreate(new CreateCall(prompt, 422, null, details));
            json(exchange, 422, Map.of("detail", List.of(Map.of("loc", List.of("body"), "msg", invalid,
                    "type", "value_error"))), Map.of());
            return;
        }
        if (rateLimitFirst(prompt)) {
            recordCreate(new CreateCall(prompt, 429, null, details));
            json(exchange, 429, Map.of("detail", "Rate limit exceeded"), Map.of("Retry-After", "2"));
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        String webhook = null;
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("fal_webhook=")) {
                    webhook = URLDecoder.decode(pair.substring("fal_webhook=".length()), StandardCharsets.UTF_8);
                }
            }
        }
        int seconds = Integer.parseInt(input.path("duration").asText("5").replace("s", ""));
        FrameSize size = size(input.path("resolution").asText("720p"), input.path("aspect_ratio").asText("16:9"));
        String app = model.split("/")[0] + "/" + model.split("/")[1];
        Task task = newTask(app, model, prompt, size, seconds, webhook, Map.of());
        recordCreate(new CreateCall(prompt, 200, app + "/" + task.id(), details));
        if (webhook != null && !prompt.contains("[stuck]")) {
            scheduler.schedule(() -> deliver(task), 1500, TimeUnit.MILLISECONDS);
            // fal retries deliveries: the same one arrives again.
            scheduler.schedule(() -> deliver(task), 2500, TimeUnit.MILLISECONDS);
        }
        if (prompt.contains("[reset]")) {
            exchange.close();
            return;
        }
        String base = baseUrl() + "/" + app + "/requests/" + task.id();
        json(exchange, 200, Map.of("request_id", task.id(), "response_url", base, "status_url", base + "/status",
                "cancel_url", base + "/cancel", "queue_position", 0), Map.of());
    }

    private static FrameSize size(String resolution, String ratio) {
        int shortSide = switch (resolution) {
            case "1080p" -> 1080;
            case "480p" -> 480;
            default -> 720;
        };
        int longSide = shortSide * 16 / 9;
        return switch (ratio) {
            case "9:16" -> new FrameSize(shortSide, longSide);
            case "1:1" -> new FrameSize(shortSide, shortSide);
            default -> new FrameSize(longSide, shortSide);
        };
    }

    private Task task(String app, String id) {
        Task task = tasks.get(id);
        return task != null && task.kind().equals(app) ? task : null;
    }

    private void status(HttpExchange exchange, String app, String id) throws IOException {
        Task task = task(app, id);
        if (task == null) {
            json(exchange, 404, Map.of("detail", "Request not found"), Map.of());
            return;
        }
        read(id);
        if (flakyRead(task)) {
            json(exchange, 500, Map.of("detail", "Internal server error"), Map.of());
            return;
        }
        String base = baseUrl() + "/" + app + "/requests/" + id;
        json(exchange, 200, Map.of("status", task.done() ? "COMPLETED" : "IN_PROGRESS", "queue_position", 0,
                "response_url", base, "status_url", base + "/status"), Map.of());
    }

    private void result(HttpExchange exchange, String app, String id) throws IOException {
        Task task = task(app, id);
        if (task == null) {
            json(exchange, 404, Map.of("detail", "Request not found"), Map.of());
            return;
        }
        if (!task.done()) {
            json(exchange, 400, Map.of("detail", "Request is still in progress"), Map.of());
            return;
        }
        Map<String, Object> refusal = refusal(task);
        if (refusal != null) {
            json(exchange, 422, refusal, Map.of());
            return;
        }
        json(exchange, 200, output(task), Map.of());
    }

    private static Map<String, Object> refusal(Task task) {
        if (task.marked("nsfw")) {
            return Map.of("detail", List.of(Map.of("loc", List.of("body", "prompt"), "msg",
                    "The content could not be processed because it contained material flagged by a content checker.",
                    "type", "content_policy_violation")));
        }
        if (task.marked("image-refused")) {
            return Map.of("detail", List.of(Map.of("loc", List.of("body", "image_url"), "msg",
                    "The image could not be processed because it contained material flagged by a content checker.",
                    "type", "content_policy_violation")));
        }
        return null;
    }

    private Map<String, Object> output(Task task) {
        Map<String, Object> video = new LinkedHashMap<>();
        video.put("url", baseUrl() + "/files/" + task.id() + ".mp4");
        video.put("content_type", "video/mp4");
        video.put("file_name", task.id() + ".mp4");
        return Map.of("video", video, "seed", 42);
    }

    private void deliver(Task task) {
        try {
            Map<String, Object> refusal = refusal(task);
            Map<String, Object> delivery = new LinkedHashMap<>();
            delivery.put("request_id", task.id());
            delivery.put("gateway_request_id", task.id());
            delivery.put("status", refusal == null ? "OK" : "ERROR");
            delivery.put("payload", refusal == null ? output(task) : refusal);
            byte[] body = JSON.writeValueAsBytes(delivery);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(task.callback()))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
            sign(task.id(), Instant.now().getEpochSecond(), body).forEach(request::header);
            webhookAnswered(client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException | InterruptedException e) {
            webhookAnswered(-1);
        }
    }
}
