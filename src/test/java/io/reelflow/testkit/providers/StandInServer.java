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
import io.reelflow.util.Hashing;

/**
 * What the provider stand-ins share: a loopback HTTP server, the record of every create call, real MP4
 * results rendered on first download, and the sha256 of every file served.
 */
public abstract class StandInServer implements AutoCloseable {

    /** One create call as it arrived: the prompt, the HTTP status answered and the provider job made (if any). */
    public record CreateCall(java.time.Instant at, String prompt, int status, String jobId, Map<String, Object> details) {
        public CreateCall(String prompt, int status, String jobId, Map<String, Object> details) {
            this(java.time.Instant.now(), prompt, status, jobId, details);
        }
    }

    protected static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final PreviewRenderer renderer = new PreviewRenderer();
    private final Path workDir;
    private final List<CreateCall> createCalls = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> served = new java.util.concurrent.ConcurrentHashMap<>();

    protected StandInServer(Path workDir) throws IOException {
        this.workDir = Files.createDirectories(workDir);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, exchange.getRequestURI().getPath(), exchange.getRequestBody().readAllBytes());
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

    /** Serves a real MP4 of the given size and length for {@code jobId}. */
    protected void serveVideo(HttpExchange exchange, String jobId, String prompt, FrameSize size, int seconds)
            throws IOException {
        Path file = workDir.resolve(jobId.replaceAll("[^A-Za-z0-9_-]", "_") + ".mp4");
        synchronized (this) {
            if (!Files.exists(file)) {
                renderer.render(prompt, size, seconds, file);
            }
        }
        served.put(jobId, Hashing.sha256Hex(file));
        send(exchange, 200, "video/mp4", Files.readAllBytes(file), Map.of());
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
