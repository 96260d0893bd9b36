package io.reelflow.testkit.providers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.HmacKey;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import io.reelflow.media.FrameSize;

/**
 * A local server playing Kling's own video API, built from its published reference
 * (https://app.klingai.com/global/dev/document-api: authentication, text-to-video, image-to-video, task queries,
 * callbacks, error codes). Every request must carry {@code Authorization: Bearer <JWT>}: HS256 under the secret
 * key, header {@code typ: JWT}, {@code iss} the access key, {@code nbf} in the past and {@code exp} in the future at
 * most thirty minutes on (else 401, code 1004). {@code POST /v1/videos/text2video} takes {@code model_name},
 * {@code prompt}, {@code duration} as a string, {@code mode}, {@code aspect_ratio} (16:9, 9:16, 1:1),
 * {@code external_task_id} (unique per account) and {@code callback_url}; {@code /v1/videos/image2video} takes
 * {@code image} as bare base64 instead of {@code aspect_ratio}. Tasks are read at
 * {@code GET /v1/videos/{kind}/{task_id or external_task_id}}; unknown ones answer 404 (code 1203). Callbacks are
 * the task itself, unsigned. Refusals: {@code [nsfw]} 400 code 1301 (content security policy), {@code [busy]} 429
 * code 1303 (concurrency over the resource pack), {@code [ratelimit]} 429 code 1302, plus the markers of
 * {@link TaskStandIn}.
 */
public final class KlingStandIn extends TaskStandIn {

    private static final Map<String, Set<String>> DURATIONS = Map.of(
            "kling-v2-5-turbo", Set.of("5", "10"),
            "kling-v3", IntStream.rangeClosed(3, 15).mapToObj(Integer::toString).collect(Collectors.toSet()));

    private final String accessKey;
    private final JwtConsumer tokens;
    private final Map<String, String> byExternalId = new ConcurrentHashMap<>();
    private final Set<String> tokensSeen = ConcurrentHashMap.newKeySet();
    private final List<String> lookups = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient client = HttpClient.newHttpClient();

    public KlingStandIn(String accessKey, String secretKey, Path workDir) throws IOException {
        super(workDir);
        this.accessKey = accessKey;
        this.tokens = new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(secretKey.getBytes(StandardCharsets.UTF_8)))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setExpectedIssuer(accessKey).setRequireExpirationTime().setRequireNotBefore()
                .setMaxFutureValidityInMinutes(31).setRelaxVerificationKeyValidation().build();
    }

    /** Reads of tasks by {@code external_task_id}, as {@code <kind>/<id>=<status>@<millis>}. */
    public List<String> lookups() {
        synchronized (lookups) {
            return List.copyOf(lookups);
        }
    }

    /** The distinct tokens Reelflow signed. */
    public Set<String> tokensSeen() {
        return Set.copyOf(tokensSeen);
    }

    @Override
    protected void handle(HttpExchange exchange, String path, byte[] body) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") && path.matches("/files/[^/]+\\.mp4")) {
            serveFile(exchange, path.substring("/files/".length(), path.length() - 4));
            return;
        }
        String denied = authenticate(exchange.getRequestHeaders().getFirst("Authorization"));
        if (denied != null) {
            violation(method + " " + path + ": " + denied);
            json(exchange, 401, error(1004, denied), Map.of());
            return;
        }
        if (method.equals("POST") && path.matches("/v1/videos/(text2video|image2video)")) {
            create(exchange, path.substring("/v1/videos/".length()), body);
        } else if (method.equals("GET") && path.matches("/v1/videos/(text2video|image2video)/[^/]+")) {
            String[] parts = path.substring("/v1/videos/".length()).split("/");
            query(exchange, parts[0], parts[1]);
        } else {
            violation(method + " " + path);
            json(exchange, 404, error(1202, "invalid request method or path"), Map.of());
        }
    }

    private String authenticate(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return "Authorization must be a Bearer token";
        }
        String token = header.substring("Bearer ".length());
        try {
            JsonWebStructure jws = JsonWebStructure.fromCompactSerialization(token);
            if (!"JWT".equals(jws.getHeader("typ"))) {
                return "the token's header must say typ JWT";
            }
            JwtClaims claims = tokens.processToClaims(token);
            if (claims.getNotBefore().getValue() > Instant.now().getEpochSecond()) {
                return "the token is not valid yet";
            }
            tokensSeen.add(token);
            return null;
        } catch (InvalidJwtException | org.jose4j.lang.JoseException | org.jose4j.jwt.MalformedClaimException e) {
            return "token refused: " + e.getMessage();
        }
    }

    private void create(HttpExchange exchange, String kind, byte[] raw) throws IOException {
        JsonNode body = JSON.readTree(raw);
        String prompt = body.path("prompt").asText("");
        Map<String, Object> details = details(body, "image");
        details.put("kind", kind);
        String model = body.path("model_name").asText("");
        Fields fields = new Fields(kind, body, kind.equals("text2video")
                ? Set.of("model_name", "prompt", "negative_prompt", "duration", "mode", "aspect_ratio", "cfg_scale",
                        "external_task_id", "callback_url", "sound")
                : Set.of("model_name", "prompt", "negative_prompt", "duration", "mode", "image", "image_tail",
                        "cfg_scale", "external_task_id", "callback_url", "sound"))
                .text("model_name", true, DURATIONS.keySet())
                .text("prompt", true, null)
                .text("duration", true, DURATIONS.getOrDefault(model, Set.of()))
                .text("mode", false, Set.of("std", "pro"))
                .text("external_task_id", false, null)
                .text("callback_url", false, null);
        if (kind.equals("text2video")) {
            fields.text("aspect_ratio", true, Set.of("16:9", "9:16", "1:1"));
        } else {
            fields.image("image", true, true, details);
        }
        String invalid = fields.problems();
        if (invalid != null) {
            recordCreate(new CreateCall(prompt, 400, null, details));
            json(exchange, 400, error(1201, invalid), Map.of());
            return;
        }
        String external = body.path("external_task_id").asText(null);
        if (external != null && byExternalId.containsKey(external)) {
            violation("external_task_id " + external + " sent twice");
            recordCreate(new CreateCall(prompt, 400, null, details));
            json(exchange, 400, error(1201, "external_task_id already exists"), Map.of());
            return;
        }
        if (dropBeforeCreate(prompt)) {
            recordCreate(new CreateCall(prompt, -1, null, details));
            exchange.close();
            return;
        }
        if (busy(prompt)) {
            recordCreate(new CreateCall(prompt, 429, null, details));
            json(exchange, 429, error(1303, "parallel task over resource pack limit"), Map.of());
            return;
        }
        if (rateLimitFirst(prompt)) {
            recordCreate(new CreateCall(prompt, 429, null, details));
            json(exchange, 429, error(1302, "the API request is too fast, please slow down"), Map.of("Retry-After", "2"));
            return;
        }
        if (prompt.contains("[nsfw]")) {
            recordCreate(new CreateCall(prompt, 400, null, details));
            json(exchange, 400, error(1301, "Trigger the content security policy of the platform, prompt is flagged"),
                    Map.of());
            return;
        }
        FrameSize size = kind.equals("image2video") ? imageShape((String) details.get("imageSize"))
                : switch (body.path("aspect_ratio").asText()) {
                    case "9:16" -> new FrameSize(1080, 1920);
                    case "1:1" -> new FrameSize(1080, 1080);
                    default -> new FrameSize(1920, 1080);
                };
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("external_task_id", external);
        Task task = newTask(kind, model, prompt, size, Integer.parseInt(body.path("duration").asText()),
                body.path("callback_url").asText(null), request);
        if (external != null) {
            byExternalId.put(external, task.id());
        }
        recordCreate(new CreateCall(prompt, 200, kind + "/" + task.id(), details));
        if (task.callback() != null && !prompt.contains("[stuck]")) {
            scheduler.schedule(() -> callback(task), 1500, TimeUnit.MILLISECONDS);
        }
        if (prompt.contains("[reset]")) {
            exchange.close();
            return;
        }
        json(exchange, 200, envelope(data(task)), Map.of());
    }

    /** An image-to-video task keeps its image's shape, at 1080p. */
    private static FrameSize imageShape(String imageSize) {
        String[] wh = imageSize.split("x");
        int w = Integer.parseInt(wh[0]);
        int h = Integer.parseInt(wh[1]);
        return w == h ? new FrameSize(1080, 1080) : h > w ? new FrameSize(1080, 1920) : new FrameSize(1920, 1080);
    }

    private void query(HttpExchange exchange, String kind, String id) throws IOException {
        String taskId = tasks.containsKey(id) ? id : byExternalId.get(id);
        Task task = taskId == null ? null : tasks.get(taskId);
        if (byExternalId.containsKey(id) || !tasks.containsKey(id)) {
            lookups.add(kind + "/" + id + "=" + (task != null && task.kind().equals(kind) ? 200 : 404) + "@"
                    + System.currentTimeMillis());
        }
        if (task == null || !task.kind().equals(kind)) {
            json(exchange, 404, error(1203, "task not found"), Map.of());
            return;
        }
        read(task.id());
        if (flakyRead(task)) {
            json(exchange, 500, error(5000, "server internal error"), Map.of());
            return;
        }
        json(exchange, 200, envelope(data(task)), Map.of());
    }

    private Map<String, Object> data(Task task) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task_id", task.id());
        data.put("task_info", task.request().get("external_task_id") == null ? Map.of()
                : Map.of("external_task_id", task.request().get("external_task_id")));
        data.put("created_at", task.createdAt().toEpochMilli());
        data.put("updated_at", task.done() ? task.readyAt().toEpochMilli() : task.createdAt().toEpochMilli());
        if (!task.done()) {
            data.put("task_status", task.reads().get() > 0 ? "processing" : "submitted");
            data.put("task_status_msg", "");
        } else if (task.marked("risk")) {
            data.put("task_status", "failed");
            data.put("task_status_msg", "Failure to pass the risk control system");
        } else {
            data.put("task_status", "succeed");
            data.put("task_status_msg", "");
            data.put("task_result", Map.of("videos", List.of(Map.of("id", "v-" + task.id(),
                    "url", baseUrl() + "/files/" + task.id() + ".mp4",
                    "duration", Integer.toString(task.servedSeconds())))));
        }
        return data;
    }

    private static Map<String, Object> envelope(Map<String, Object> data) {
        return Map.of("code", 0, "message", "SUCCEED", "request_id", java.util.UUID.randomUUID().toString(),
                "data", data);
    }

    private static Map<String, Object> error(int code, String message) {
        return Map.of("code", code, "message", message, "request_id", java.util.UUID.randomUUID().toString());
    }

    private void callback(Task task) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(task.callback()))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(data(task)))).build();
            webhookAnswered(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IOException | InterruptedException e) {
            webhookAnswered(-1);
        }
    }
}
