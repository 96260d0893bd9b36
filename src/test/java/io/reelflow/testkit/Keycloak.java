package io.reelflow.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.localstack.Ports;

/**
 * A real OpenID provider for the sign-in tests: Keycloak's server distribution (unpacked by the build into
 * {@code target/keycloak}, see {@code reelflow.keycloak.home}) in development mode with an in-memory database, on a
 * free port, with the realms of {@code src/test/resources/keycloak/} imported. Every user's password is made at
 * random for the run. Keycloak needs Java 21 or later: the newest JDK under {@code /usr/lib/jvm} is used.
 */
public final class Keycloak implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int port = Ports.free();
    private final String password = "pw-" + HexFormat.of().formatHex(TestData.random(12));
    private final Path log;
    private Process process;

    private Keycloak(Path log) {
        this.log = log;
    }

    public static Keycloak start(Path logDir) throws Exception {
        Keycloak keycloak = new Keycloak(logDir.resolve("keycloak.log"));
        try {
            keycloak.run();
        } catch (Exception e) {
            keycloak.close();
            throw e;
        }
        return keycloak;
    }

    private void run() throws Exception {
        Path home = Path.of(System.getProperty("reelflow.keycloak.home", "target/keycloak/keycloak-26.5.6"));
        if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException("Keycloak is not unpacked at " + home + ": run the tests through"
                    + " ./mvnw verify (its pre-integration-test phase unpacks it)");
        }
        Path imports = home.resolve("data/import");
        Files.createDirectories(imports);
        try (var old = Files.list(imports)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        for (String realm : List.of("reelflow-realm.json", "elsewhere-realm.json")) {
            String text = Files.readString(Path.of("src/test/resources/keycloak", realm)).replace("__PASSWORD__", password);
            Files.writeString(imports.resolve(realm), text);
        }
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--http-host=127.0.0.1", "--db=dev-mem", "--import-realm",
                "--http-management-port=" + Ports.free(), "--cache=local")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("JAVA_HOME", java21().toString());
        process = builder.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak stopped during start; see " + log);
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(issuer("reelflow")
                        + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.waitFor(500, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("Keycloak did not answer OIDC discovery within 4 minutes; see " + log);
    }

    /** A JDK of version 21 or later under /usr/lib/jvm (Keycloak's minimum), the newest first. */
    static Path java21() throws IOException {
        Optional<Path> found;
        try (var jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            found = jdks.filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .filter(p -> version(p) >= 21).max(Comparator.comparingInt(Keycloak::version));
        }
        return found.orElseThrow(() -> new IllegalStateException("Keycloak needs Java 21 or later and none is under"
                + " /usr/lib/jvm; .ci/run installs one (openjdk-21-jre-headless) where the package sources have it"));
    }

    private static int version(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring(13).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not a JDK we can read
        }
        return 0;
    }

    public String issuer(String realm) {
        return "http://127.0.0.1:" + port + "/realms/" + realm;
    }

    /** The password every user of the imported realms has in this run. */
    public String password() {
        return password;
    }

    /** An access token of {@code user}, through the password grant of {@code client}. */
    public String token(String realm, String client, String user) throws Exception {
        String form = "grant_type=password&client_id=" + enc(client) + "&username=" + enc(user) + "&password="
                + enc(password) + "&scope=openid";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(issuer(realm) + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("no token for " + user + " from " + realm + ": " + r.statusCode());
        }
        JsonNode body = JSON.readTree(r.body());
        return body.path("access_token").asText();
    }

    /** The claims of a token, as the provider wrote them (unverified: for the test's own reading). */
    public static JsonNode claims(String token) throws IOException {
        return JSON.readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }
}
