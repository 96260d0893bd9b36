package io.reelflow.testkit.providers;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.reelflow.media.FrameSize;
import io.reelflow.media.PreviewRenderer;
import io.reelflow.testkit.TestData;
import io.reelflow.util.Hashing;

/**
 * A local server playing an OpenAI Videos API endpoint for tests, answering in the shapes of
 * {@code ../shared/contracts/openai-videos.openapi.yaml}; every request it receives is also judged by Prism
 * against that contract ({@link PrismContract}). It keeps the provider's own record of every create call it
 * received, renders real MP4s for finished videos, and misbehaves on request, chosen by markers in the prompt:
 * <ul>
 * <li>{@code [moderation]}: the create call is refused by moderation (400, {@code moderation_blocked});
 * <li>{@code [ratelimit]}: the first create call is answered 429 with {@code Retry-After: 2};
 * <li>{@code [flaky-status]}: the first two status calls answer 500;
 * <li>{@code [reset]}: the create call is accepted, then the connection is dropped without an answer;
 * <li>{@code [timeout]}: the create call is accepted, but answered only after 8 seconds;
 * <li>{@code [expired]}: the video completes but its content is gone (404);
 * <li>{@code [hold]}: the video stays in progress until {@link #complete} is called, with a 10-minute poll hint.
 * </ul>
 */
public final class OpenAiStandIn implements AutoCloseable {

    /** One create call as it arrived, accepted or not. */
    public record CreateCall(Instant at, String prompt, String model, String size, String seconds, int status,
            String videoId, Integer referenceWidth, Integer referenceHeight) {
    }

    /** A video job the stand-in accepted. */
    public static final class Video {
        final String id;
        final String model;
        final String prompt;
        final String size;
        final String seconds;
        final long createdAt;
        volatile Instant readyAt;
        final AtomicInteger statusCalls = new AtomicInteger();
        volatile boolean deleted;
        volatile String servedSha256;

        Video(String id, String model, String prompt, String size, String seconds, long createdAt, Instant readyAt) {
            this.id = id;
            this.model = model;
            this.prompt = prompt;
            this.size = size;
            this.seconds = seconds;
            this.createdAt = createdAt;
            this.readyAt = readyAt;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final String apiKey;
    private final Path workDir;
    private final PreviewRenderer renderer = new PreviewRenderer();
    private final Map<String, Video> videos = new ConcurrentHashMap<>();
    private final List<CreateCall> createCalls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> deletes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger rateLimited = new AtomicInteger();
    private final Map<String, byte[]> images = new ConcurrentHashMap<>();

    private final PrismContract contract;
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());

    /** A stand-in that has {@code contract} judge every request it receives. */
    public OpenAiStandIn(String apiKey, Path workDir, PrismContract contract) throws IOException {
        this.apiKey = apiKey;
        this.contract = contract;
        this.workDir = Files.createDirectories(workDir);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Serves {@code bytes} at {@code /images/{name}} (without authentication) for reference image tests. */
    public void serveImage(String name, byte[] bytes) {
        images.put(name, bytes);
    }

    /** Requests that broke the contract, with Prism's reasons. */
    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    public List<CreateCall> createCalls() {
        synchronized (createCalls) {
            return List.copyOf(createCalls);
        }
    }

    /** Create calls whose prompt contains {@code marker}. */
    public List<CreateCall> createCalls(String marker) {
        return createCalls().stream().filter(c -> c.prompt() != null && c.prompt().contains(marker)).toList();
    }

    /** Accepted videos whose prompt contains {@code marker}. */
    public List<Video> videos(String marker) {
        return videos.values().stream().filter(v -> v.prompt.contains(marker)).toList();
    }

    public String servedSha256(String videoId) {
        return videos.get(videoId).servedSha256;
    }

    public boolean deleted(String videoId) {
        return deletes.contains(videoId);
    }

    /** Finishes a held video now. */
    public void complete(String videoId) {
        videos.get(videoId).readyAt = Instant.now();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().replaceFirst("^/v1", "");
            String method = exchange.getRequestMethod();
            if (path.startsWith("/images/") && method.equals("GET")) {
                byte[] image = images.get(path.substring("/images/".length()));
                if (image == null) {
                    send(exchange, 404, "text/plain", "no such image".getBytes(StandardCharsets.UTF_8), Map.of());
                } else {
                    send(exchange, 200, "image/jpeg", image, Map.of());
                }
                return;
            }
            byte[] body = exchange.getRequestBody().readAllBytes();
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
            violations.addAll(contract.check(method, exchange.getRequestURI().getRawPath().replaceFirst("^/v1", "")
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                    headers, body));
            if (!("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                error(exchange, 401, "invalid_api_key", "Incorrect API key provided.", Map.of());
                return;
            }
            if (path.equals("/videos") && method.equals("POST")) {
                create(exchange, body);
            } else if (path.equals("/videos") && method.equals("GET")) {
                list(exchange);
            } else if (path.matches("/videos/[^/]+/content") && method.equals("GET")) {
                content(exchange, path.split("/")[2]);
            } else if (path.matches("/videos/[^/]+") && method.equals("GET")) {
                retrieve(exchange, path.split("/")[2]);
            } else if (path.matches("/videos/[^/]+") && method.equals("DELETE")) {
                delete(exchange, path.split("/")[2]);
            } else {
                error(exchange, 404, "not_found", "No route " + method + " " + path, Map.of());
            }
        } catch (RuntimeException | InterruptedException e) {
            error(exchange, 500, "server_error", e.toString(), Map.of());
        }
    }

    private void create(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        Map<String, Multipart.Part> form = Multipart.parse(exchange.getRequestHeaders().getFirst("Content-Type"), body);
        String prompt = text(form, "prompt");
        String model = text(form, "model");
        String size = text(form, "size");
        String seconds = text(form, "seconds");
        Integer refWidth = null;
        Integer refHeight = null;
        Multipart.Part reference = form.get("input_reference");
        if (reference != null) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(reference.body()));
            refWidth = image.getWidth();
            refHeight = image.getHeight();
        }
        if (prompt.contains("[moderation]")) {
            createCalls.add(new CreateCall(Instant.now(), prompt, model, size, seconds, 400, null, refWidth, refHeight));
            error(exchange, 400, "moderation_blocked",
                    "Your request was blocked by our moderation system.", Map.of());
            return;
        }
        if (prompt.contains("[ratelimit]") && rateLimited.getAndIncrement() == 0) {
            createCalls.add(new CreateCall(Instant.now(), prompt, model, size, seconds, 429, null, refWidth, refHeight));
            error(exchange, 429, "rate_limit_exceeded", "Rate limit reached for requests.", Map.of("Retry-After", "2"));
            return;
        }
        Instant now = Instant.now();
        Instant readyAt = prompt.contains("[hold]") ? Instant.MAX : now.plusMillis(1500);
        Video video = new Video("video_" + UUID.randomUUID().toString().replace("-", ""), model, prompt, size, seconds,
                now.getEpochSecond(), readyAt);
        videos.put(video.id, video);
        createCalls.add(new CreateCall(now, prompt, model, size, seconds, 200, video.id, refWidth, refHeight));
        if (prompt.contains("[reset]")) {
            // Accepted, but the answer never comes: the connection is dropped.
            exchange.close();
            return;
        }
        if (prompt.contains("[timeout]")) {
            Thread.sleep(8000);
        }
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(resource(video)), pollHint(video));
    }

    private void retrieve(HttpExchange exchange, String id) throws IOException {
        Video video = videos.get(id);
        if (video == null || video.deleted) {
            error(exchange, 404, "not_found", "Video " + id + " not found", Map.of());
            return;
        }
        int call = video.statusCalls.incrementAndGet();
        if (video.prompt.contains("[flaky-status]") && call <= 2) {
            error(exchange, 500, "server_error", "The server had an error while processing your request.", Map.of());
            return;
        }
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(resource(video)), pollHint(video));
    }

    private void list(HttpExchange exchange) throws IOException {
        List<Video> all = new ArrayList<>(videos.values().stream().filter(v -> !v.deleted).toList());
        all.sort(Comparator.comparingLong((Video v) -> v.createdAt).reversed());
        ObjectNode page = JSON.createObjectNode();
        page.put("object", "list");
        ArrayNode data = page.putArray("data");
        all.forEach(v -> data.add(resource(v)));
        if (all.isEmpty()) {
            page.putNull("first_id");
            page.putNull("last_id");
        } else {
            page.put("first_id", all.get(0).id);
            page.put("last_id", all.get(all.size() - 1).id);
        }
        page.put("has_more", false);
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(page), Map.of());
    }

    private void content(HttpExchange exchange, String id) throws IOException {
        Video video = videos.get(id);
        if (video == null || video.deleted || video.prompt.contains("[expired]")) {
            error(exchange, 404, "video_expired", "Video content has expired or does not exist.", Map.of());
            return;
        }
        if (Instant.now().isBefore(video.readyAt)) {
            error(exchange, 409, "video_not_ready", "Video is not ready yet.", Map.of());
            return;
        }
        if ("variant=thumbnail".equals(exchange.getRequestURI().getRawQuery())) {
            // The real service answers image/webp; this stand-in has no WebP encoder and serves a JPEG.
            send(exchange, 200, "image/webp", TestData.jpeg(320, 180, java.awt.Color.ORANGE), Map.of());
            return;
        }
        String[] wh = video.size.split("x");
        Path file = workDir.resolve(video.id + ".mp4");
        synchronized (video) {
            if (!Files.exists(file)) {
                renderer.render(video.prompt, new FrameSize(Integer.parseInt(wh[0]), Integer.parseInt(wh[1])),
                        Integer.parseInt(video.seconds), file);
            }
        }
        byte[] bytes = Files.readAllBytes(file);
        video.servedSha256 = java.util.HexFormat.of().formatHex(Hashing.sha256().digest(bytes));
        send(exchange, 200, "video/mp4", bytes, Map.of());
    }

    private void delete(HttpExchange exchange, String id) throws IOException {
        Video video = videos.get(id);
        if (video == null) {
            error(exchange, 404, "not_found", "Video " + id + " not found", Map.of());
            return;
        }
        video.deleted = true;
        deletes.add(id);
        ObjectNode body = JSON.createObjectNode().put("object", "video.deleted").put("deleted", true).put("id", id);
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(body), Map.of());
    }

    private static ObjectNode resource(Video video) {
        Instant now = Instant.now();
        boolean done = !now.isBefore(video.readyAt);
        ObjectNode node = JSON.createObjectNode();
        node.put("id", video.id);
        node.put("object", "video");
        node.put("model", video.model);
        node.put("status", done ? "completed" : video.statusCalls.get() == 0 ? "queued" : "in_progress");
        node.put("progress", done ? 100 : 50);
        node.put("created_at", video.createdAt);
        if (done) {
            node.put("completed_at", now.getEpochSecond());
            node.put("expires_at", now.getEpochSecond() + 3600);
        } else {
            node.putNull("completed_at");
            node.putNull("expires_at");
        }
        node.put("prompt", video.prompt);
        node.put("size", video.size);
        node.put("seconds", video.seconds);
        node.putNull("remixed_from_video_id");
        node.putNull("error");
        return node;
    }

    private static Map<String, String> pollHint(Video video) {
        return Map.of("openai-poll-after-ms", video.prompt.contains("[hold]") ? "600000" : "300");
    }

    private static String text(Map<String, Multipart.Part> form, String name) {
        Multipart.Part part = form.get(name);
        return part == null ? null : part.text();
    }

    private static void error(HttpExchange exchange, int status, String code, String message,
            Map<String, String> headers) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("error").put("message", message).put("type", "invalid_request_error").put("code", code);
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body), headers);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, Map<String, String> headers)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
