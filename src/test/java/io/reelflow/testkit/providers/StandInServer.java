package io.reelflow.testkit.providers;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.reelflow.media.FrameSize;
import io.reelflow.media.PreviewRenderer;
import io.reelflow.storage.Hashing;

/**
 * What the provider stand-ins share: a loopback HTTP server, the record of every create call, real MP4
 * results rendered on first download, and the sha256 of every file served.
 */
public abstract class StandInServer implements AutoCloseable {

    /**
     * One create call as it arrived: when its request had been received whole (before the stand-in's own checks of
     * it), the prompt, the HTTP status answered and the provider job made (if any).
     */
    public record CreateCall(java.time.Instant at, String prompt, int status, String jobId, Map<String, Object> details) {
        public CreateCall(String prompt, int status, String jobId, Map<String, Object> details) {
            this(arrival(), prompt, status, jobId, details);
        }
    }

    /** When the request this thread answers had been received whole. */
    private static final ThreadLocal<java.time.Instant> ARRIVED = new ThreadLocal<>();

    protected static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final PreviewRenderer renderer = new PreviewRenderer();
    private final Path workDir;
    private final List<CreateCall> createCalls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> served = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, byte[]> templates = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean shareRenders;
    private volatile long paddedTo;

    protected StandInServer(Path workDir) throws IOException {
        this.workDir = Files.createDirectories(workDir);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                ARRIVED.set(java.time.Instant.now());
                handle(exchange, exchange.getRequestURI().getPath(), body);
            } catch (RuntimeException | InterruptedException e) {
                send(exchange, 500, "application/json", ("{\"error\":\"" + e + "\"}").getBytes(), Map.of());
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    protected abstract void handle(HttpExchange exchange, String path, byte[] body) throws IOException,
            InterruptedException;

    public int port() {
        return server.getAddress().getPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** When the request being answered on this thread had been received whole (now, off a request thread). */
    protected static java.time.Instant arrival() {
        java.time.Instant arrived = ARRIVED.get();
        return arrived != null ? arrived : java.time.Instant.now();
    }

    protected void recordCreate(CreateCall call) {
        createCalls.add(call);
    }

    /** Create calls whose prompt contains {@code marker}. */
    public List<CreateCall> createCalls(String marker) {
        synchronized (createCalls) {
            return createCalls.stream().filter(c -> c.prompt() != null && c.prompt().contains(marker)).toList();
        }
    }

    /** Accepted create calls (provider jobs made) whose prompt contains {@code marker}. */
    public List<CreateCall> accepted(String marker) {
        return createCalls(marker).stream().filter(c -> c.jobId() != null).toList();
    }

    /** The sha256 of the file served for provider job {@code jobId}. */
    public String servedSha256(String jobId) {
        return served.get(jobId);
    }

    /**
     * Renders one MP4 per size and length and serves every job a copy of it made unique by a trailing
     * {@code free} box naming the job (ignored by players), for runs of hundreds of jobs.
     */
    public void shareRenders() {
        this.shareRenders = true;
    }

    /**
     * The bytes served for {@code jobId}; with {@link #shareRenders()} rendered once per size and length. A prompt
     * with {@code [c2pa]} is served carrying the provider's own content credentials, as providers that sign do.
     */
    protected byte[] video(String jobId, String prompt, FrameSize size, int seconds) throws IOException {
        if (!shareRenders) {
            Path file = workDir.resolve(jobId.replaceAll("[^A-Za-z0-9_-]", "_") + ".mp4");
            synchronized (this) {
                if (!Files.exists(file)) {
                    renderer.render(prompt, size, seconds, file);
                    if (prompt.contains("[c2pa]")) {
                        new io.reelflow.provenance.ContentCredentials(io.reelflow.provenance.SigningIdentity.throwaway(
                                "Stand-in provider", java.time.Duration.ofDays(1)), "stand-in").sign(file,
                                new io.reelflow.provenance.ContentCredentials.Statement("video.mp4", List.of(
                                        io.reelflow.provenance.ContentCredentials.Action.created("stand-in model", null)),
                                        List.of(), Map.of()));
                    }
                }
            }
            return Files.readAllBytes(file);
        }
        byte[] template;
        synchronized (this) {
            template = templates.get(size + "/" + seconds);
            if (template == null) {
                Path file = workDir.resolve("template-" + size.width() + "x" + size.height() + "-" + seconds + ".mp4");
                renderer.render("Reelflow stand-in clip", size, seconds, file);
                template = Files.readAllBytes(file);
                templates.put(size + "/" + seconds, template);
            }
        }
        byte[] name = jobId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer box = java.nio.ByteBuffer.allocate(template.length + 8 + name.length);
        box.put(template).putInt(8 + name.length).put("free".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put(name);
        return box.array();
    }

    /**
     * Makes every served video {@code bytes} long: the shared render followed by one {@code free} box of zeros,
     * streamed without being held in memory (for measuring how large results are landed).
     */
    public void padResults(long bytes) {
        shareRenders();
        this.paddedTo = bytes;
    }

    /** Records what is served for {@code jobId} and returns it. */
    protected byte[] served(String jobId, byte[] bytes) {
        served.put(jobId, java.util.HexFormat.of().formatHex(Hashing.sha256().digest(bytes)));
        return bytes;
    }

    /** Serves a real MP4 of the given size and length for {@code jobId}. */
    protected void serveVideo(HttpExchange exchange, String jobId, String prompt, FrameSize size, int seconds)
            throws IOException {
        if (paddedTo > 0) {
            servePadded(exchange, jobId, video(jobId, prompt, size, seconds));
            return;
        }
        send(exchange, 200, "video/mp4", served(jobId, video(jobId, prompt, size, seconds)), Map.of());
    }

    private void servePadded(HttpExchange exchange, String jobId, byte[] clip) throws IOException {
        long padding = paddedTo - clip.length;
        if (padding < 8 || padding > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("cannot pad a " + clip.length + "-byte clip to " + paddedTo + " bytes");
        }
        java.security.MessageDigest digest = Hashing.sha256();
        exchange.getResponseHeaders().set("Content-Type", "video/mp4");
        exchange.sendResponseHeaders(200, paddedTo);
        try (OutputStream out = new java.security.DigestOutputStream(exchange.getResponseBody(), digest)) {
            out.write(clip);
            out.write(java.nio.ByteBuffer.allocate(8).putInt((int) padding)
                    .put("free".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).array());
            byte[] zeros = new byte[1 << 20];
            for (long left = padding - 8; left > 0; left -= zeros.length) {
                out.write(zeros, 0, (int) Math.min(zeros.length, left));
            }
        }
        served.put(jobId, java.util.HexFormat.of().formatHex(digest.digest()));
    }

    protected static void json(HttpExchange exchange, int status, Object body, Map<String, String> headers)
            throws IOException {
        send(exchange, status, "application/json", JSON.writeValueAsBytes(body), headers);
    }

    protected static void send(HttpExchange exchange, int status, String type, byte[] body, Map<String, String> headers)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
