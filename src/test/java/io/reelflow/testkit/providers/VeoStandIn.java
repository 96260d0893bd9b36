package io.reelflow.testkit.providers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;


import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;

import io.reelflow.media.FrameSize;

/**
 * A local server playing the Gemini API's Veo 3.1 video generation, built from the documented request and
 * response shapes (https://ai.google.dev/gemini-api/docs/video and
 * https://ai.google.dev/api/models#method:-models.predictlongrunning): {@code POST
 * /v1beta/models/{model}:predictLongRunning} with {@code instances[0].prompt}, an optional
 * {@code instances[0].image} ({@code bytesBase64Encoded}, {@code mimeType}) and {@code parameters}
 * ({@code aspectRatio} 16:9 or 9:16, {@code resolution} 720p, 1080p or 4k, {@code durationSeconds} 4, 6 or 8, and
 * only 8 above 720p);
 * an operation polled at {@code GET /v1beta/{name}} until {@code done}; the video at
 * {@code response.generateVideoResponse.generatedSamples[0].video.uri}, downloaded with the API key. Requests
 * outside those shapes are answered 400 {@code INVALID_ARGUMENT} and counted as contract violations.
 * Markers in the prompt: {@code [filtered]} (done without a video, with {@code raiMediaFilteredReasons}),
 * {@code [ratelimit]} (first create 429 {@code RESOURCE_EXHAUSTED} with {@code Retry-After: 2}),
 * {@code [flaky]} (first two operation reads 500), {@code [reset]} (accepted, connection dropped),
 * {@code [expired]} (the video file is gone: 404), {@code [outage]} (every read answers 500 until
 * {@link #endOutage}).
 */
public final class VeoStandIn extends StandInServer {

    private record Operation(String name, String prompt, FrameSize size, int seconds, Instant readyAt,
            AtomicInteger reads) {
    }

    private final String apiKey;
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final List<String> violations = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private volatile boolean outage = true;
    private final AtomicInteger outageReads = new AtomicInteger();
    private final List<Instant> outageReadTimes = new java.util.concurrent.CopyOnWriteArrayList<>();

    public VeoStandIn(String apiKey, Path workDir) throws IOException {
        super(workDir);
        this.apiKey = apiKey;
    }

    /** Ends the outage that {@code [outage]} operations are read through. */
    public void endOutage() {
        outage = false;
    }

    /** When each read of an {@code [outage]} operation was received. */
    public List<Instant> outageReadTimes() {
        return List.copyOf(outageReadTimes);
    }

    /** Reads of {@code [outage]} operations received so far. */
    public int outageReads() {
        return outageReads.get();
    }

    /** Requests that did not follow the documented shapes. */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    @Override
    protected void handle(HttpExchange exchange, String path, byte[] body) throws IOException {
        if (!apiKey.equals(exchange.getRequestHeaders().getFirst("x-goog-api-key"))) {
            error(exchange, 403, "PERMISSION_DENIED", "API key not valid.");
            return;
        }
        String method = exchange.getRequestMethod();
        if (method.equals("POST") && path.matches("/v1beta/models/[^/]+:predictLongRunning")) {
            create(exchange, path.substring("/v1beta/models/".length(), path.indexOf(':')), body);
        } else if (method.equals("GET") && path.matches("/v1beta/models/[^/]+/operations/[^/]+")) {
            read(exchange, path.substring("/v1beta/".length()));
        } else if (method.equals("GET") && path.matches("/v1beta/files/[^/]+:download")) {
            download(exchange, path.substring("/v1beta/files/".length(), path.indexOf(":download")));
        } else {
            violations.add(method + " " + path);
            error(exchange, 404, "NOT_FOUND", "no such method " + method + " " + path);
        }
    }

    private void create(HttpExchange exchange, String model, byte[] body) throws IOException {
        JsonNode request = JSON.readTree(body);
        JsonNode instance = request.path("instances").path(0);
        JsonNode parameters = request.path("parameters");
        String prompt = instance.path("prompt").asText(null);
        String invalid = invalid(instance, parameters);
        Map<String, Object> details = new HashMap<>();
        details.put("model", model);
        details.put("parameters", parameters.toString());
        if (instance.has("image")) {
            byte[] bytes = java.util.Base64.getDecoder().decode(instance.path("image").path("bytesBase64Encoded").asText());
            details.put("imageSize", Uploads.size(bytes));
            details.put("imageSha256", io.reelflow.storage.Hashing.sha256Hex(bytes));
        }
        if (invalid != null) {
            violations.add(invalid);
            recordCreate(new CreateCall(prompt, 400, null, details));
            error(exchange, 400, "INVALID_ARGUMENT", invalid);
            return;
        }
        if (prompt.contains("[ratelimit]") && rateLimited.getAndIncrement() == 0) {
            recordCreate(new CreateCall(prompt, 429, null, details));
            exchange.getResponseHeaders().set("Retry-After", "2");
            error(exchange, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).");
            return;
        }
        boolean portrait = parameters.path("aspectRatio").asText().equals("9:16");
        FrameSize size = switch (parameters.path("resolution").asText()) {
            case "4k" -> portrait ? new FrameSize(2160, 3840) : new FrameSize(3840, 2160);
            case "1080p" -> portrait ? new FrameSize(1080, 1920) : new FrameSize(1920, 1080);
            default -> portrait ? new FrameSize(720, 1280) : new FrameSize(1280, 720);
        };
        String name = "models/" + model + "/operations/" + UUID.randomUUID().toString().replace("-", "");
        operations.put(name, new Operation(name, prompt, size, parameters.path("durationSeconds").asInt(),
                Instant.now().plusMillis(1000), new AtomicInteger()));
        recordCreate(new CreateCall(prompt, 200, name, details));
        if (prompt.contains("[reset]")) {
            exchange.close();
            return;
        }
        json(exchange, 200, Map.of("name", name), Map.of());
    }

    private static String invalid(JsonNode instance, JsonNode parameters) {
        if (!instance.path("prompt").isTextual() || instance.path("prompt").asText().isBlank()) {
            return "instances[0].prompt is required";
        }
        if (!Set.of(4, 6, 8).contains(parameters.path("durationSeconds").asInt(-1))) {
            return "parameters.durationSeconds must be 4, 6 or 8: " + parameters.path("durationSeconds");
        }
        if (!Set.of("720p", "1080p", "4k").contains(parameters.path("resolution").asText())) {
            return "parameters.resolution must be 720p, 1080p or 4k";
        }
        if (!parameters.path("resolution").asText().equals("720p") && parameters.path("durationSeconds").asInt() != 8) {
            return "parameters.durationSeconds must be 8 at " + parameters.path("resolution").asText();
        }
        if (!Set.of("16:9", "9:16").contains(parameters.path("aspectRatio").asText())) {
            return "parameters.aspectRatio must be 16:9 or 9:16";
        }
        if (instance.has("image") && (!instance.path("image").path("bytesBase64Encoded").isTextual()
                || !instance.path("image").path("mimeType").asText().startsWith("image/"))) {
            return "instances[0].image needs bytesBase64Encoded and an image mimeType";
        }
        if (instance.has("image")) {
            String mismatch = Uploads.mismatch("instances[0].image", instance.path("image").path("mimeType").asText(),
                    java.util.Base64.getDecoder().decode(instance.path("image").path("bytesBase64Encoded").asText()));
            if (mismatch != null) {
                return mismatch;
            }
        }
        return null;
    }

    private void read(HttpExchange exchange, String name) throws IOException {
        Operation op = operations.get(name);
        if (op == null) {
            error(exchange, 404, "NOT_FOUND", "operation " + name + " not found");
            return;
        }
        if (op.prompt().contains("[outage]")) {
            outageReads.incrementAndGet();
            outageReadTimes.add(Instant.now());
            if (outage) {
                error(exchange, 500, "INTERNAL", "Internal error encountered.");
                return;
            }
        }
        if (op.prompt().contains("[flaky]") && op.reads().incrementAndGet() <= 2) {
            error(exchange, 500, "INTERNAL", "Internal error encountered.");
            return;
        }
        Map<String, Object> answer = new HashMap<>();
        answer.put("name", name);
        if (Instant.now().isBefore(op.readyAt())) {
            answer.put("done", false);
        } else if (op.prompt().contains("[filtered]")) {
            answer.put("done", true);
            answer.put("response", Map.of("@type", "type.googleapis.com/google.ai.generativelanguage.v1beta.PredictLongRunningResponse",
                    "generateVideoResponse", Map.of("raiMediaFilteredCount", 1, "raiMediaFilteredReasons",
                            List.of("Unsafe content was detected in the generated video."))));
        } else {
            answer.put("done", true);
            String id = name.substring(name.lastIndexOf('/') + 1);
            answer.put("response", Map.of("generateVideoResponse", Map.of("generatedSamples", List.of(
                    Map.of("video", Map.of("uri", baseUrl() + "/v1beta/files/" + id + ":download?alt=media"))))));
        }
        json(exchange, 200, answer, Map.of());
    }

    private void download(HttpExchange exchange, String id) throws IOException {
        Operation op = operations.values().stream().filter(o -> o.name().endsWith("/" + id)).findFirst().orElse(null);
        if (op == null || op.prompt().contains("[expired]")) {
            error(exchange, 404, "NOT_FOUND", "File " + id + " not found.");
            return;
        }
        serveVideo(exchange, op.name(), op.prompt(), op.size(), op.seconds());
    }

    private static void error(HttpExchange exchange, int code, String status, String message) throws IOException {
        json(exchange, code, Map.of("error", Map.of("code", code, "message", message, "status", status)), Map.of());
    }
}
