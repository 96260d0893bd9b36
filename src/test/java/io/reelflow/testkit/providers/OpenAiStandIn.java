package io.reelflow.testkit.providers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;


import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;

import io.reelflow.media.FrameSize;
import io.reelflow.testkit.TestData;

/**
 * A local server playing an OpenAI Videos API endpoint for tests, answering in the shapes of
 * {@code ../shared/contracts/openai-videos.openapi.yaml}; every request it receives is also judged by Prism
 * against that contract ({@link PrismContract}). It keeps the provider's own record of every create call it
 * received (details {@code model}, {@code size}, {@code seconds} and {@code referenceSize}), renders real MP4s
 * for finished videos, and misbehaves on request, chosen by markers in the prompt:
 * <ul>
 * <li>{@code [moderation]}: the create call is refused by moderation (400, {@code moderation_blocked});
 * <li>{@code [ratelimit]}: the first create call of that prompt is answered 429 with {@code Retry-After: 2};
 * <li>{@code [flaky-status]}: the first two status calls answer 500;
 * <li>{@code [reset]}: the create call is accepted, then the connection is dropped without an answer;
 * <li>{@code [timeout]}: the create call is accepted, but answered only after 8 seconds;
 * <li>{@code [expired]}: the video completes but its content is gone (404);
 * <li>{@code [empty]}: the video completes but its content is served empty;
 * <li>{@code [cut]}: the first download of the content breaks off half way (the full length announced);
 * <li>{@code [hold]}: the video stays in progress until {@link #complete} is called, with a 10-minute poll hint.
 * </ul>
 * A burst of server errors can be injected for all requests ({@link #serverErrors}). Without a contract the
 * requests are not judged (for long fault-injection runs).
 */
public final class OpenAiStandIn extends StandInServer {

    /** A video job the stand-in accepted. */
    private static final class Video {
        final String id;
        final String model;
        final String prompt;
        final String size;
        final String seconds;
        final long createdAt;
        final Instant created;
        volatile Instant readyAt;
        final AtomicInteger downloads = new AtomicInteger();
        final AtomicInteger statusCalls = new AtomicInteger();
        volatile boolean deleted;
        /** When a status call first answered {@code completed}. */
        volatile Instant seenDone;

        Video(String id, String model, String prompt, String size, String seconds, long createdAt, Instant readyAt) {
            this.id = id;
            this.model = model;
            this.prompt = prompt;
            this.size = size;
            this.seconds = seconds;
            this.createdAt = createdAt;
            this.created = Instant.now();
            this.readyAt = readyAt;
        }
    }

    private final String apiKey;
    private final PrismContract contract;
    private final java.util.concurrent.atomic.AtomicBoolean holdNext = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.BlockingQueue<String> held = new java.util.concurrent.LinkedBlockingQueue<>();
    private volatile java.util.concurrent.CountDownLatch answerHeld = new java.util.concurrent.CountDownLatch(0);
    private final Map<String, Video> videos = new ConcurrentHashMap<>();
    private final List<String> deletes = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> rateLimited = new ConcurrentHashMap<>();
    private final List<Instant> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger serverErrorsAnswered = new AtomicInteger();
    private volatile Instant serverErrorsUntil = Instant.MIN;
    private volatile Duration minLatency = Duration.ofMillis(1500);
    private volatile Duration maxLatency = Duration.ofMillis(1500);
    private final Map<String, byte[]> images = new ConcurrentHashMap<>();

    /** A stand-in that has {@code contract} judge every request it receives. */
    private volatile String webhookUrl;
    private volatile String webhookSecret;
    private final java.util.concurrent.ScheduledExecutorService webhookSender =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "openai-stand-in-webhooks");
                t.setDaemon(true);
                return t;
            });
    private final java.net.http.HttpClient webhookClient = java.net.http.HttpClient.newHttpClient();

    public OpenAiStandIn(String apiKey, Path workDir, PrismContract contract) throws IOException {
        super(workDir);
        this.apiKey = apiKey;
        this.contract = contract;
    }

    /** How long each video takes to generate: uniformly between the two. */
    public OpenAiStandIn latency(Duration min, Duration max) {
        this.minLatency = min;
        this.maxLatency = max;
        return this;
    }

    /**
     * Calls {@code url} with a signed {@code video.completed} event (Standard Webhooks headers) the moment each
     * video is ready, as OpenAI does for a project with a webhook endpoint.
     */
    public OpenAiStandIn webhooks(String url, String secret) {
        this.webhookSecret = secret;
        this.webhookUrl = url;
        return this;
    }

    private void sendWebhook(String videoId) {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        byte[] body = ("{\"id\":\"evt_" + UUID.randomUUID().toString().replace("-", "") + "\",\"object\":\"event\","
                + "\"created_at\":" + timestamp + ",\"type\":\"video.completed\",\"data\":{\"id\":\"" + videoId
                + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String signature = "v1," + java.util.Base64.getEncoder().encodeToString(
                io.reelflow.provider.http.WebhookSignature.sign(webhookSecret, id, timestamp, body));
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(webhookUrl))
                .header("Content-Type", "application/json").header("webhook-id", id)
                .header("webhook-timestamp", timestamp).header("webhook-signature", signature)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
        webhookClient.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.discarding());
    }

    /** Answers every API request with 500 for {@code duration} from now. */
    public void serverErrors(Duration duration) {
        serverErrorsUntil = Instant.now().plus(duration);
    }

    /** How many requests were answered 500 by {@link #serverErrors}. */
    public int serverErrorsAnswered() {
        return serverErrorsAnswered.get();
    }

    /** When each API request arrived. */
    public List<Instant> requestTimes() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** When each accepted video was created and when it finished generating. */
    public List<Instant[]> generations() {
        return videos.values().stream().map(v -> new Instant[] {v.created, v.readyAt}).toList();
    }

    /** The ids of the videos that have finished generating (what the provider bills). */
    public List<String> madeVideos() {
        Instant now = Instant.now();
        return videos.values().stream().filter(v -> !v.readyAt.isAfter(now)).map(v -> v.id).toList();
    }

    /** For each accepted video: created, finished generating, first answered {@code completed} (or null). */
    public List<Instant[]> completions() {
        return videos.values().stream().map(v -> new Instant[] {v.created, v.readyAt, v.seenDone}).toList();
    }

    /** Serves {@code bytes} at {@code /images/{name}} (without authentication) for reference image tests. */
    public void serveImage(String name, byte[] bytes) {
        images.put(name, bytes);
    }

    /** Requests that broke the contract, with Prism's reasons. */
    /**
     * The next create call is accepted (its video made) but not answered until {@link #answerHeldCreate}: whatever
     * happens to the caller meanwhile happens between its {@code SUBMITTING} and the create call's answer.
     */
    public void holdNextCreateAnswer() {
        answerHeld = new java.util.concurrent.CountDownLatch(1);
        holdNext.set(true);
    }

    /** The id of the video whose create answer is being held, once one is (null if none came in time). */
    public String awaitHeldCreate(Duration atMost) throws InterruptedException {
        return held.poll(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Sends the held answer (to a caller that may be gone). */
    public void answerHeldCreate() {
        holdNext.set(false);
        answerHeld.countDown();
    }

    public List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    public boolean deleted(String videoId) {
        return deletes.contains(videoId);
    }

    /** Finishes a held video now. */
    public void complete(String videoId) {
        videos.get(videoId).readyAt = Instant.now();
    }

    @Override
    protected void handle(HttpExchange exchange, String rawPath, byte[] body) throws IOException, InterruptedException {
        String path = rawPath.replaceFirst("^/v1", "");
        String method = exchange.getRequestMethod();
        if (path.startsWith("/images/") && method.equals("GET")) {
            byte[] image = images.get(path.substring("/images/".length()));
            if (image == null) {
                send(exchange, 404, "text/plain", "no such image".getBytes(), Map.of());
            } else {
                send(exchange, 200, "image/jpeg", image, Map.of());
            }
            return;
        }
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, values.get(0)));
        String query = exchange.getRequestURI().getRawQuery();
        requests.add(Instant.now());
        if (contract != null) {
            violations.addAll(contract.check(method, path + (query == null ? "" : "?" + query), headers, body));
        }
        if (Instant.now().isBefore(serverErrorsUntil)) {
            serverErrorsAnswered.incrementAndGet();
            error(exchange, 500, "server_error", "The server had an error while processing your request.", Map.of());
            return;
        }
        if (!("Bearer " + apiKey).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            error(exchange, 401, "invalid_api_key", "Incorrect API key provided.", Map.of());
            return;
        }
        if (path.equals("/videos") && method.equals("POST")) {
            create(exchange, body);
        } else if (path.equals("/videos") && method.equals("GET")) {
            list(exchange);
        } else if (path.matches("/videos/[^/]+/content") && method.equals("GET")) {
            content(exchange, path.split("/")[2], query);
        } else if (path.matches("/videos/[^/]+") && method.equals("GET")) {
            retrieve(exchange, path.split("/")[2]);
        } else if (path.matches("/videos/[^/]+") && method.equals("DELETE")) {
            delete(exchange, path.split("/")[2]);
        } else {
            error(exchange, 404, "not_found", "No route " + method + " " + path, Map.of());
        }
    }

    private void create(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        Map<String, Multipart.Part> form = Multipart.parse(exchange.getRequestHeaders().getFirst("Content-Type"), body);
        String prompt = text(form, "prompt");
        Map<String, Object> details = new HashMap<>();
        details.put("model", text(form, "model"));
        details.put("size", text(form, "size"));
        details.put("seconds", text(form, "seconds"));
        Multipart.Part reference = form.get("input_reference");
        if (reference != null) {
            String mismatch = Uploads.mismatch("input_reference", reference.contentType(), reference.body());
            if (mismatch != null) {
                violations.add(mismatch);
                error(exchange, 400, "invalid_request_error", mismatch, Map.of());
                return;
            }
            details.put("referenceType", reference.contentType());
            details.put("referenceSize", Uploads.size(reference.body()));
            details.put("referenceSha256", io.reelflow.storage.Hashing.sha256Hex(reference.body()));
        }
        if (prompt.contains("[moderation]")) {
            recordCreate(new CreateCall(prompt, 400, null, details));
            error(exchange, 400, "moderation_blocked", "Your request was blocked by our moderation system.", Map.of());
            return;
        }
        if (prompt.contains("[ratelimit]")
                && rateLimited.computeIfAbsent(prompt, p -> new AtomicInteger()).getAndIncrement() == 0) {
            recordCreate(new CreateCall(prompt, 429, null, details));
            error(exchange, 429, "rate_limit_exceeded", "Rate limit reached for requests.", Map.of("Retry-After", "2"));
            return;
        }
        Instant now = arrival();
        Video video = new Video("video_" + UUID.randomUUID().toString().replace("-", ""), text(form, "model"), prompt,
                text(form, "size"), text(form, "seconds"), now.getEpochSecond(),
                prompt.contains("[hold]") ? Instant.MAX : now.plus(latency()));
        videos.put(video.id, video);
        recordCreate(new CreateCall(now, prompt, 200, video.id, details));
        if (holdNext.compareAndSet(true, false)) {
            // The video is made; its answer waits until the test has done what it must (kill the caller, say).
            held.add(video.id);
            answerHeld.await(2, java.util.concurrent.TimeUnit.MINUTES);
        }
        if (webhookUrl != null) {
            long delay = Math.max(0, Duration.between(Instant.now(), video.readyAt).toMillis());
            webhookSender.schedule(() -> sendWebhook(video.id), delay, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        if (prompt.contains("[reset]")) {
            // Accepted, but the answer never comes: the connection is dropped.
            exchange.close();
            return;
        }
        if (prompt.contains("[timeout]")) {
            Thread.sleep(8000);
        }
        if (video.seenDone == null && !Instant.now().isBefore(video.readyAt)) {
            video.seenDone = Instant.now();
        }
        json(exchange, 200, resource(video), pollHint(video));
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
        if (video.seenDone == null && !Instant.now().isBefore(video.readyAt)) {
            video.seenDone = Instant.now();
        }
        json(exchange, 200, resource(video), pollHint(video));
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
        json(exchange, 200, page, Map.of());
    }

    private void content(HttpExchange exchange, String id, String query) throws IOException {
        Video video = videos.get(id);
        if (video == null || video.deleted || video.prompt.contains("[expired]")) {
            error(exchange, 404, "video_expired", "Video content has expired or does not exist.", Map.of());
            return;
        }
        if (Instant.now().isBefore(video.readyAt)) {
            error(exchange, 409, "video_not_ready", "Video is not ready yet.", Map.of());
            return;
        }
        if ("variant=thumbnail".equals(query)) {
            // The real service answers image/webp; this stand-in has no WebP encoder and serves a JPEG.
            send(exchange, 200, "image/webp", TestData.jpeg(320, 180, java.awt.Color.ORANGE), Map.of());
            return;
        }
        String[] wh = video.size.split("x");
        FrameSize size = new FrameSize(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]));
        int download = video.downloads.incrementAndGet();
        if (video.prompt.contains("[empty]")) {
            send(exchange, 200, "video/mp4", new byte[0], Map.of());
            return;
        }
        if (video.prompt.contains("[cut]") && download == 1) {
            byte[] bytes = served(video.id, video(video.id, video.prompt, size, Integer.parseInt(video.seconds)));
            exchange.getResponseHeaders().set("Content-Type", "video/mp4");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes, 0, bytes.length / 2);
            exchange.getResponseBody().flush();
            // Closing the exchange short of the announced length drops the connection.
            return;
        }
        serveVideo(exchange, video.id, video.prompt, size, Integer.parseInt(video.seconds));
    }

    private void delete(HttpExchange exchange, String id) throws IOException {
        Video video = videos.get(id);
        if (video == null) {
            error(exchange, 404, "not_found", "Video " + id + " not found", Map.of());
            return;
        }
        video.deleted = true;
        deletes.add(id);
        json(exchange, 200, JSON.createObjectNode().put("object", "video.deleted").put("deleted", true).put("id", id),
                Map.of());
    }

    private Duration latency() {
        long spread = maxLatency.toMillis() - minLatency.toMillis();
        return minLatency.plusMillis(spread <= 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(spread + 1));
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
        json(exchange, status, body, headers);
    }
}
