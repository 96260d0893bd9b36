package io.reelflow.testkit.providers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.reelflow.localstack.Ports;

/**
 * Prism ({@code @stoplight/prism-cli}, from npm) serving a provider's OpenAPI document with {@code --errors}:
 * a request that breaks the contract is answered with an error (422 with the rules it broke, 401, 404, 405, 406,
 * 415, ...), and every answer that is not one of the contract's own 2xx responses counts as a violation. A provider stand-in hands Prism
 * a copy of every request it receives ({@link #check}), so every request Reelflow sends is validated against
 * the published specification. (Prism's proxy mode would re-encode binary video downloads as text, so the
 * stand-in answers itself and Prism only judges.) Prism is installed under {@code target/prism} with
 * {@code npm ci} from {@code src/test/prism/package-lock.json} the first time it is needed.
 */
public final class PrismContract implements AutoCloseable {

    private static final Path SOURCE = Path.of("src/test/prism");
    private static final Path HOME = Path.of("target/prism");

    private final Process process;
    private final int port;

    private final HttpClient client = HttpClient.newHttpClient();

    private PrismContract(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static PrismContract start(Path spec, Path log) throws IOException, InterruptedException {
        Path prism = install();
        int port = Ports.free();
        Files.createDirectories(log.getParent());
        Process process = new ProcessBuilder(prism.toString(), "mock", spec.toAbsolutePath().toString(), "--errors", "-h", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PrismContract proxy = new PrismContract(process, port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!Files.readString(log).contains("Prism is listening")) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                proxy.close();
                throw new IllegalStateException("Prism did not start; see " + log);
            }
            Thread.sleep(100);
        }
        return proxy;
    }

    private static Path install() throws IOException, InterruptedException {
        return io.reelflow.testkit.NodePackages.install(SOURCE, HOME, "node_modules/.bin/prism")
                .resolve("node_modules/.bin/prism");
    }

    /**
     * The contract's verdict on one request: empty when it conforms, otherwise the rules it broke.
     */
    public List<String> check(String method, String pathAndQuery, Map<String, String> headers, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .method(method, body == null || body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                request.header(name, value);
            }
        });
        HttpResponse<String> answer = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        // Prism answers a conforming request from the contract's 2xx responses; anything else it answers (an error of
        // any status: 400, 401, 404, 405, 406, 415, 422, ...) or any violation it lists is the request's fault.
        var listed = answer.headers().firstValue("sl-violations");
        if (answer.statusCode() >= 300 || listed.isPresent()) {
            return List.of(method + " " + pathAndQuery + " -> " + answer.statusCode() + " " + answer.body()
                    + listed.map(v -> " violations: " + v).orElse(""));
        }
        return List.of();
    }

    private static final java.util.Set<String> RESTRICTED = java.util.Set.of("connection", "content-length", "expect",
            "host", "upgrade", "transfer-encoding");

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
