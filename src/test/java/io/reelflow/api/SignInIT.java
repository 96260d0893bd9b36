package io.reelflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Batches;
import io.reelflow.testkit.Chromium;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.Keycloak;
import io.reelflow.testkit.NodePackages;
import io.reelflow.testkit.TestData;

/**
 * People sign in with a real OpenID provider (Keycloak, realm {@code src/test/resources/keycloak/reelflow-realm.json}:
 * teams alpha and bravo as groups, roles submitter, reviewer and viewer). Bearer tokens on the API act for the
 * token's team with its roles, beside API keys with roles; tokens of another issuer, expired or tampered with are
 * refused; and the review page signs a reviewer in through the provider's login page (authorization code flow with
 * PKCE) in Chromium, where they approve a draft as themselves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = Path.of("target", "review-page").toAbsolutePath();
    private static final Path CHROMIUM = Path.of(System.getProperty("reelflow.chromium", "/usr/bin/chromium"));

    private final String viewerKey = "viewer-" + HexFormat.of().formatHex(TestData.random(16));
    private final HttpClient http = HttpClient.newHttpClient();
    private ItStack it;
    private Keycloak keycloak;
    private ServiceProcess service;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(SignInIT.class);
        keycloak = Keycloak.start(it.dir.resolve("logs"));
        service = it.service("service", ItStack.env(
                "QUARKUS_OIDC_AUTH_SERVER_URL", keycloak.issuer("reelflow"),
                "QUARKUS_OIDC_CLIENT_ID", "reelflow-review",
                "QUARKUS_OIDC_TOKEN_AUDIENCE", "reelflow",
                "QUARKUS_OIDC_AUTHENTICATION_STATE_SECRET", HexFormat.of().formatHex(TestData.random(24)),
                "QUARKUS_OIDC_TOKEN_STATE_MANAGER_ENCRYPTION_SECRET", HexFormat.of().formatHex(TestData.random(24)),
                "REELFLOW_API_KEYS", ApiKeys.entry("alpha", viewerKey, Role.VIEWER),
                "REELFLOW_LOCAL_LATENCY", "PT1S")).start();
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(service, keycloak, it);
    }

    @Test
    void tokensActForTheirTeamWithTheirRoles() throws Exception {
        String ivan = keycloak.token("reelflow", "reelflow-cli", "ivan");
        String ana = keycloak.token("reelflow", "reelflow-cli", "ana");
        String vera = keycloak.token("reelflow", "reelflow-cli", "vera");

        JsonNode me = JSON.readTree(call("GET", "/api/v1/me", vera, null).body());
        assertThat(me.path("team").asText()).isEqualTo("alpha");
        assertThat(me.path("person").asText()).isEqualTo("vera");
        assertThat(me.path("roles")).extracting(JsonNode::asText).containsExactly("viewer");

        String batchId = submitAndAwaitDraft(ivan);
        assertThat(it.db.query("select team from batch where batch_key = ?", batchId))
                .extracting(r -> r.get("team")).containsExactly("alpha");
        // Reading needs any role; submitting needs submitter, deciding needs reviewer.
        assertThat(call("GET", "/api/v1/batches/" + batchId, vera, null).statusCode()).isEqualTo(200);
        HttpResponse<String> viewerDecides = call("POST", decisions(batchId), vera, "{\"decision\":\"approve\"}");
        assertThat(viewerDecides.statusCode()).isEqualTo(403);
        assertThat(viewerDecides.body()).contains("reviewer");
        assertThat(call("POST", "/api/v1/batches", vera, batch("viewer-" + System.nanoTime())).statusCode())
                .isEqualTo(403);
        assertThat(call("POST", "/api/v1/batches", ana, batch("reviewer-" + System.nanoTime())).statusCode())
                .isEqualTo(403);
        assertThat(call("POST", decisions(batchId), ivan, "{\"decision\":\"approve\"}").statusCode()).isEqualTo(403);
        // An API key with the viewer role reads, and is refused a decision like a signed-in viewer.
        assertThat(call("GET", "/api/v1/batches/" + batchId, viewerKey, null).statusCode()).isEqualTo(200);
        assertThat(call("POST", decisions(batchId), viewerKey, "{\"decision\":\"approve\"}").statusCode()).isEqualTo(403);
        assertThat(shotState(batchId)).isEqualTo("AWAITING_REVIEW");

        // The reviewer decides, as themselves, whatever the body claims.
        HttpResponse<String> approved = call("POST", decisions(batchId), ana,
                "{\"decision\":\"approve\",\"reviewer\":\"someone-else\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(2)).until(() -> !"AWAITING_REVIEW".equals(shotState(batchId)));
        assertThat(it.db.query("select reviewer from review_decision where batch_key = ? and outcome = 'APPLIED'",
                batchId)).extracting(r -> r.get("reviewer")).containsExactly("ana");
    }

    @Test
    void aReviewerOfOneTeamCannotDecideAnotherTeamsShots() throws Exception {
        String batchId = submitAndAwaitDraft(keycloak.token("reelflow", "reelflow-cli", "ivan"));
        String bob = keycloak.token("reelflow", "reelflow-cli", "bob");
        HttpResponse<String> refused = call("POST", decisions(batchId), bob, "{\"decision\":\"approve\"}");
        assertThat(refused.statusCode()).isEqualTo(404);
        assertThat(call("GET", "/api/v1/batches/" + batchId, bob, null).statusCode()).isEqualTo(404);
        assertThat(shotState(batchId)).isEqualTo("AWAITING_REVIEW");
    }

    @Test
    void tokensOfAnotherIssuerAnotherApplicationExpiredOrTamperedWithAreRefused() throws Exception {
        String foreign = keycloak.token("elsewhere", "reelflow-cli", "ana");
        assertThat(Keycloak.claims(foreign).path("team").toString()).contains("alpha");
        assertThat(call("GET", "/api/v1/me", foreign, null).statusCode()).isEqualTo(401);

        // Same provider, same person, same team, signed with the same keys: issued to another application.
        String notes = keycloak.token("reelflow", "studio-notes", "ana");
        assertThat(Keycloak.claims(notes).path("team").toString()).contains("alpha");
        assertThat(Keycloak.claims(notes).path("aud").toString()).doesNotContain("\"reelflow\"");
        assertThat(call("GET", "/api/v1/me", notes, null).statusCode()).isEqualTo(401);

        String ana = keycloak.token("reelflow", "reelflow-cli", "ana");
        assertThat(Keycloak.claims(ana).path("aud").toString()).contains("\"reelflow\"");
        String[] parts = ana.split("\\.");
        ObjectNode claims = (ObjectNode) Keycloak.claims(ana);
        claims.putArray("team").add("bravo");
        String forged = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(call("GET", "/api/v1/me", forged, null).statusCode()).isEqualTo(401);

        String brief = keycloak.token("reelflow", "reelflow-short", "ana");
        assertThat(call("GET", "/api/v1/me", brief, null).statusCode()).isEqualTo(200);
        Instant expiry = Instant.ofEpochSecond(Keycloak.claims(brief).path("exp").asLong());
        await().atMost(Duration.ofMinutes(1)).until(() -> Instant.now().isAfter(expiry.plusSeconds(1)));
        HttpResponse<String> expired = call("GET", "/api/v1/me", brief, null);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(expired.body()).contains("expiry");

        assertThat(call("GET", "/api/v1/me", "not-a-key-nor-a-token", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/me", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aReplicaWithAProviderButNoAudienceDoesNotStart() throws Exception {
        ServiceProcess open = it.service("no-audience", ItStack.env(
                "QUARKUS_OIDC_AUTH_SERVER_URL", keycloak.issuer("reelflow"),
                "QUARKUS_OIDC_CLIENT_ID", "reelflow-review",
                "QUARKUS_OIDC_AUTHENTICATION_STATE_SECRET", HexFormat.of().formatHex(TestData.random(24)),
                "QUARKUS_OIDC_TOKEN_STATE_MANAGER_ENCRYPTION_SECRET", HexFormat.of().formatHex(TestData.random(24)),
                "REELFLOW_WORKER_ENABLED", "false"));
        try {
            assertThatThrownBy(open::start).hasMessageContaining("exited");
        } finally {
            open.kill();
        }
        assertThat(Files.readString(open.log())).contains("QUARKUS_OIDC_TOKEN_AUDIENCE (quarkus.oidc.token.audience)"
                + " is not set");
    }

    @Test
    void aReviewerSignsInOnThePageAndApprovesADraft() throws Exception {
        Chromium.ensure(CHROMIUM);
        String batchId = submitAndAwaitDraft(keycloak.token("reelflow", "reelflow-cli", "ivan"));
        Path e2e = NodePackages.install(Path.of("src/test/e2e"), Path.of("target/e2e"), "node_modules/playwright-core");
        for (String script : List.of("sign-in-e2e.mjs", "browser.mjs")) {
            Files.copy(Path.of("src/test/e2e", script), e2e.resolve(script), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(SCREENSHOTS);
        Path log = it.dir.resolve("logs").resolve("sign-in-e2e.log");
        ProcessBuilder node = new ProcessBuilder("node", "sign-in-e2e.mjs").directory(e2e.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        node.environment().putAll(Map.of("REELFLOW_URL", service.baseUrl(), "BATCH_ID", batchId,
                "USERNAME", "ana", "PASSWORD", keycloak.password(), "SCREENSHOTS", SCREENSHOTS.toString(),
                "CHROMIUM", CHROMIUM.toString()));
        Process run = node.start();
        boolean finished = run.waitFor(6, TimeUnit.MINUTES);
        if (!finished) {
            run.destroyForcibly();
        }
        assertThat(finished && run.exitValue() == 0).as("the sign-in page test passed; its output:%n%s",
                Files.readString(log)).isTrue();
        await().atMost(Duration.ofMinutes(1)).until(() -> !"AWAITING_REVIEW".equals(shotState(batchId)));
        assertThat(it.db.query("select reviewer, decision from review_decision where batch_key = ? and outcome = 'APPLIED'",
                batchId)).extracting(r -> r.get("reviewer") + " " + r.get("decision")).containsExactly("ana approve");
    }

    private String submitAndAwaitDraft(String token) throws Exception {
        String batchId = "oidc-" + System.nanoTime();
        HttpResponse<String> submitted = call("POST", "/api/v1/batches", token, batch(batchId));
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        await().atMost(Duration.ofMinutes(2)).until(() -> "AWAITING_REVIEW".equals(shotState(batchId)));
        return batchId;
    }

    private static String batch(String batchId) {
        ObjectNode batch = Batches.valid("alpha", batchId, 1);
        batch.remove("team");
        return batch.toString();
    }

    private static String decisions(String batchId) {
        return "/api/v1/batches/" + batchId + "/shots/s01/decisions";
    }

    private String shotState(String batchId) {
        List<Map<String, Object>> rows = it.db.query(
                "select s.state from shot s join batch b on b.id = s.batch_id where b.batch_key = ?", batchId);
        return rows.isEmpty() ? null : (String) rows.get(0).get("state");
    }

    private HttpResponse<String> call(String method, String path, String bearer, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
