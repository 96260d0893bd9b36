package io.reelflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.TestData;
import io.reelflow.storage.Hashing;

/**
 * The REST API through the packaged service, with two teams: submissions answered 202 with advice and
 * published through {@code campaign-batches}; errors in the problem format naming the field; a team sees,
 * reviews and downloads only its own batches, files, prompts and spend; download links are presigned and
 * carry no secret; the event stream follows a batch and resumes after {@code Last-Event-ID}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofMinutes(2);

    private final String acmeKey = "acme-" + HexFormat.of().formatHex(TestData.random(16));
    private final String globexKey = "globex-" + HexFormat.of().formatHex(TestData.random(16));
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String batchId = "api-" + System.nanoTime();
    private ItStack it;
    private ServiceProcess service;

    @BeforeAll
    void start() throws Exception {
        it = new ItStack(ApiIT.class);
        service = it.service("service", ItStack.env(
                "REELFLOW_API_KEYS", ApiKeys.entry("acme", acmeKey) + "," + ApiKeys.entry("globex", globexKey),
                "REELFLOW_LOCAL_LATENCY", "PT1S")).start();
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(service, it);
    }

    @Test
    @Order(1)
    void everyRequestNeedsAValidKey() throws Exception {
        HttpResponse<String> none = send("GET", "/api/v1/batches", null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(JSON.readTree(none.body()).path("status").asInt()).isEqualTo(401);
        assertThat(send("GET", "/api/v1/batches", "not-a-key", null).statusCode()).isEqualTo(401);
        HttpResponse<String> viaHeader = http.send(HttpRequest.newBuilder(uri("/api/v1/batches")).header("X-API-Key", acmeKey)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(viaHeader.statusCode()).isEqualTo(200);
        String log = java.nio.file.Files.readString(it.dir.resolve("logs/service.log"));
        assertThat(log).doesNotContain(acmeKey).doesNotContain(globexKey);
    }

    @Test
    @Order(2)
    void badSubmissionsAreAnsweredWithTheFieldAndTheReason() throws Exception {
        HttpResponse<String> notJson = send("POST", "/api/v1/batches", acmeKey, "{\"batchId\": ");
        assertThat(notJson.statusCode()).isEqualTo(422);
        assertThat(violations(notJson)).anySatisfy(v -> assertThat(v).startsWith("(body): not valid JSON"));
        // Nested past the parser's limit, or naming a field twice: not valid JSON either.
        HttpResponse<String> deep = send("POST", "/api/v1/batches", acmeKey, "[".repeat(5_000) + "]".repeat(5_000));
        assertThat(deep.statusCode()).isEqualTo(422);
        assertThat(violations(deep)).singleElement().satisfies(v -> assertThat(v).startsWith("(body): not valid JSON"));
        String twice = batch("twice-" + System.nanoTime()).toString()
                .replaceFirst("\\{", "{\"batchId\": \"other\", ");
        HttpResponse<String> duplicate = send("POST", "/api/v1/batches", acmeKey, twice);
        assertThat(duplicate.statusCode()).isEqualTo(422);
        assertThat(violations(duplicate)).singleElement()
                .satisfies(v -> assertThat(v).startsWith("(body): not valid JSON: Duplicate field 'batchId'"));
        // A value of the wrong shape where an array belongs.
        ObjectNode shotsObject = batch("shape-" + System.nanoTime());
        shotsObject.putObject("shots").putObject("s01");
        HttpResponse<String> misshapen = send("POST", "/api/v1/batches", acmeKey, shotsObject.toString());
        assertThat(misshapen.statusCode()).isEqualTo(422);
        assertThat(violations(misshapen)).containsExactly("shots: must be an array");
        // A control character in the address, decoded from the path or a query parameter.
        for (String address : List.of("/api/v1/batches/%00/events", "/api/v1/prompts?campaign=%00",
                "/api/v1/batches/b%0a1/deliverables.zip")) {
            HttpResponse<String> control = send("GET", address, acmeKey, null);
            assertThat(control.statusCode()).as(address).isEqualTo(400);
            assertThat(violations(control)).as(address).singleElement().satisfies(v -> assertThat(v)
                    .endsWith("must not contain control characters (U+0000 to U+001F, U+007F)"));
        }

        ObjectNode bad = batch("bad-" + System.nanoTime());
        bad.withArray("shots").addObject().put("shotId", "s03").put("prompt", "x").put("aspectRatio", "square");
        HttpResponse<String> invalid = send("POST", "/api/v1/batches", acmeKey, bad.toString());
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
        assertThat(violations(invalid)).anySatisfy(v -> assertThat(v).startsWith("shots[2].prompt: "))
                .anySatisfy(v -> assertThat(v).startsWith("shots[2].aspectRatio: "));
        // The same batch behind a byte order mark is read like any other: the same violations, not "not valid JSON".
        byte[] utf8 = bad.toString().getBytes(StandardCharsets.UTF_8);
        byte[] marked = new byte[utf8.length + 3];
        System.arraycopy(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, 0, marked, 0, 3);
        System.arraycopy(utf8, 0, marked, 3, utf8.length);
        HttpResponse<String> withMark = sendBytes("POST", "/api/v1/batches", acmeKey, marked, "application/json");
        assertThat(withMark.statusCode()).isEqualTo(422);
        assertThat(violations(withMark)).isEqualTo(violations(invalid));
        // Bytes that are not UTF-8 (Latin-1 here) are refused naming where, not replaced; where the Content-Type names
        // the charset they are in, they are read in it (the violation quotes the value as sent).
        ObjectNode accented = batch("latin1-" + System.nanoTime());
        ((ObjectNode) accented.withArray("shots").get(0)).put("prompt", "Café terrace at dawn, slow push in, warm light.")
                .put("aspectRatio", "carré");
        byte[] latin1 = accented.toString().getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> notUtf8 = sendBytes("POST", "/api/v1/batches", acmeKey, latin1, "application/json");
        assertThat(notUtf8.statusCode()).isEqualTo(422);
        assertThat(violations(notUtf8)).containsExactly("(body): not UTF-8: the text has the byte 0xE9 at offset "
                + accented.toString().indexOf('é') + ", which is not UTF-8 there; JSON is read as UTF-8");
        HttpResponse<String> declared = sendBytes("POST", "/api/v1/batches", acmeKey, latin1,
                "application/json; charset=ISO-8859-1");
        assertThat(declared.statusCode()).isEqualTo(422);
        assertThat(violations(declared)).singleElement()
                .satisfies(v -> assertThat(v).startsWith("shots[0].aspectRatio: 'carré' is not allowed"));
        byte[] undefined = accented.toString().replace("é", "e").getBytes(StandardCharsets.US_ASCII);
        undefined[accented.toString().indexOf("Caf") + 3] = (byte) 0x81;
        HttpResponse<String> notInCharset = sendBytes("POST", "/api/v1/batches", acmeKey, undefined,
                "application/json; charset=windows-1252");
        assertThat(violations(notInCharset)).containsExactly("(body): not windows-1252: the text has the byte 0x81 at"
                + " offset " + (accented.toString().indexOf("Caf") + 3) + ", which is not windows-1252 there (the charset"
                + " its Content-Type names)");
        HttpResponse<String> unknown = sendBytes("POST", "/api/v1/batches", acmeKey, latin1,
                "application/json; charset=x-no-such-charset");
        assertThat(unknown.statusCode()).isEqualTo(415);
        assertThat(violations(unknown)).containsExactly("(Content-Type): names the charset 'x-no-such-charset', which"
                + " is not known here; send UTF-8");
        // Half of an emoji, as a client that cut a prompt inside one sends it.
        ObjectNode halved = batch("halved-" + System.nanoTime());
        ((ObjectNode) halved.withArray("shots").get(0)).put("prompt", "A toast at sunset, glasses raised HALF");
        HttpResponse<String> half = send("POST", "/api/v1/batches", acmeKey,
                halved.toString().replace("HALF", "\\ud83e"));
        assertThat(half.statusCode()).isEqualTo(422);
        assertThat(violations(half)).singleElement().satisfies(v -> assertThat(v)
                .startsWith("shots[0].prompt: holds half of a character at character 34"));

        ObjectNode foreign = batch("foreign-" + System.nanoTime());
        foreign.put("team", "globex");
        HttpResponse<String> forbidden = send("POST", "/api/v1/batches", acmeKey, foreign.toString());
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(violations(forbidden)).containsExactly("team: must be absent or 'acme' (the team of your API key)");
        assertThat(it.db.count("select count(*) from batch where batch_key like 'foreign-%' or batch_key like 'bad-%'"
                + " or batch_key like 'latin1-%' or batch_key like 'halved-%'"))
                .isZero();
    }

    @Test
    @Order(2)
    void aBodyOverTheLimitIsAnsweredWithItsSizeAndTheLimit() throws Exception {
        int limit = 10 * 1024 * 1024;
        byte[] body = new byte[limit + 1];
        java.util.Arrays.fill(body, (byte) ' ');
        for (HttpClient.Version version : HttpClient.Version.values()) {
            // Declared length: refused before the body is read.
            HttpResponse<String> declared = http.send(post(version, HttpRequest.BodyPublishers.ofByteArray(body)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(declared.version()).isEqualTo(version);
            assertThat(declared.statusCode()).as(version.name()).isEqualTo(413);
            assertThat(declared.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
            assertThat(JSON.readTree(declared.body()).path("status").asInt()).isEqualTo(413);
            assertThat(violations(declared)).containsExactly(
                    "(body): the request body is " + (limit + 1) + " bytes; at most " + limit + " are accepted");
            // With no length, one within the limit is read whole: its last shot is judged.
            ObjectNode bad = batch("unsized-" + System.nanoTime());
            bad.withArray("shots").addObject().put("shotId", "s03").put("prompt", "x").put("aspectRatio", "square");
            HttpResponse<String> read = http.send(post(version, unsized(bad.toString().getBytes(StandardCharsets.UTF_8))),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(read.statusCode()).as(version.name()).isEqualTo(422);
            assertThat(violations(read)).anySatisfy(v -> assertThat(v).startsWith("shots[2].aspectRatio: "));
        }
        // With no length (chunks over HTTP/1.1, frames over HTTP/2): refused as a problem once it passes the limit.
        for (HttpClient.Version version : HttpClient.Version.values()) {
            HttpResponse<String> unsized = http.send(post(version, unsized(body)), HttpResponse.BodyHandlers.ofString());
            assertThat(unsized.version()).isEqualTo(version);
            assertThat(unsized.statusCode()).as(version.name()).isEqualTo(413);
            assertThat(unsized.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
            assertThat(violations(unsized)).containsExactly("(body): the request body is over the " + limit + " bytes accepted");
            // The service goes on answering. (That an HTTP/2 connection outlives the refusal was checked with curl,
            // which shows the connection it uses; this client does not.)
            HttpResponse<String> after = http.send(HttpRequest.newBuilder(uri("/api/v1/batches")).version(version)
                    .header("Authorization", "Bearer " + acmeKey).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).as(version.name()).isEqualTo(200);
        }
    }

    private HttpRequest post(HttpClient.Version version, HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(uri("/api/v1/batches")).version(version).timeout(Duration.ofSeconds(30))
                .POST(body).header("Authorization", "Bearer " + acmeKey).header("Content-Type", "application/json")
                .build();
    }

    /** A body sent with no declared length. */
    private static HttpRequest.BodyPublisher unsized(byte[] body) {
        return HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body));
    }

    @Test
    @Order(3)
    void aSubmittedBatchIsAcceptedWithAdviceAndItsDraftsLand() throws Exception {
        HttpResponse<String> submitted = send("POST", "/api/v1/batches", acmeKey, batch(batchId).toString());
        assertThat(submitted.statusCode()).isEqualTo(202);
        assertThat(submitted.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/api/v1/batches/" + batchId));
        JsonNode answer = JSON.readTree(submitted.body());
        assertThat(answer.path("team").asText()).isEqualTo("acme");
        assertThat(answer.path("finalLook").asText()).isEqualTo("carried");
        assertThat(answer.has("finalLookAdvice")).isFalse();
        assertThat(answer.path("advice")).hasSize(1);
        assertThat(answer.path("advice").get(0).path("shotId").asText()).isEqualTo("s02");
        assertThat(answer.path("advice").get(0).path("advice").findValuesAsText("code")).contains("on-screen-text");

        JsonNode detail = awaitBatch(acmeKey, d -> d.path("shots").size() == 2 && allDraftsLanded(d));
        assertThat(detail.path("batch").path("draftsDone").asInt()).isEqualTo(2);
        assertThat(it.db.count("select count(*) from batch where team = 'acme' and batch_key = ?", batchId)).isEqualTo(1);
        String log = java.nio.file.Files.readString(it.dir.resolve("logs/service.log"));
        String job = detail.path("shots").get(0).path("drafts").get(0).path("jobId").asText();
        for (String change : List.of("PENDING -> SUBMITTING", "SUBMITTING -> RUNNING", "RUNNING -> DOWNLOADING",
                "DOWNLOADING -> LANDED")) {
            assertThat(log).as("the log line of a state change").contains("acme/" + batchId + "/s01 draft job " + job + ": " + change);
        }
    }

    @Test
    @Order(4)
    void downloadLinksArePresignedForTheTeamsOwnFilesAndCarryNoSecret() throws Exception {
        JsonNode draft = JSON.readTree(send("GET", "/api/v1/batches/" + batchId, acmeKey, null).body())
                .path("shots").get(0).path("drafts").get(0);
        String video = draft.path("links").path("video").asText();
        assertThat(video).contains("X-Amz-Signature=").contains("/acme/").doesNotContain(it.stack.s3SecretKey());
        HttpResponse<byte[]> file = http.send(HttpRequest.newBuilder(URI.create(video)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(HexFormat.of().formatHex(Hashing.sha256().digest(file.body()))).isEqualTo(draft.path("sha256").asText());
        HttpResponse<byte[]> tampered = http.send(HttpRequest.newBuilder(URI.create(video.replace("/acme/", "/globex/")))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(tampered.statusCode()).as("a link edited to another prefix").isEqualTo(403);

        String jobId = draft.path("jobId").asText();
        assertThat(send("GET", "/api/v1/jobs/" + jobId, acmeKey, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/jobs/" + jobId, globexKey, null).statusCode()).isEqualTo(404);
    }

    @Test
    @Order(5)
    void anotherTeamSeesNothingOfItAndCannotReviewIt() throws Exception {
        JsonNode globexBatches = JSON.readTree(send("GET", "/api/v1/batches", globexKey, null).body());
        assertThat(globexBatches.findValuesAsText("batchId")).doesNotContain(batchId);
        assertThat(JSON.readTree(send("GET", "/api/v1/batches", acmeKey, null).body()).findValuesAsText("batchId"))
                .contains(batchId);
        HttpResponse<String> detail = send("GET", "/api/v1/batches/" + batchId, globexKey, null);
        assertThat(detail.statusCode()).isEqualTo(404);
        assertThat(detail.body()).doesNotContain("s01");
        assertThat(send("GET", "/api/v1/batches/" + batchId + "/events", globexKey, null).statusCode()).isEqualTo(404);
        HttpResponse<String> review = send("POST", "/api/v1/batches/" + batchId + "/shots/s01/decisions", globexKey,
                "{\"decision\": \"approve\"}");
        assertThat(review.statusCode()).isEqualTo(404);
        assertThat(it.db.count("select count(*) from review_decision")).isZero();
    }

    @Test
    @Order(6)
    void decisionsAreValidatedThenApplied() throws Exception {
        String path = "/api/v1/batches/" + batchId + "/shots/s01/decisions";
        HttpResponse<String> unknown = send("POST", path, acmeKey, "{\"decision\": \"approve\", \"team\": \"globex\"}");
        assertThat(unknown.statusCode()).isEqualTo(422);
        assertThat(violations(unknown)).anySatisfy(v -> assertThat(v).startsWith("team: is taken from the URL"));
        HttpResponse<String> stale = send("POST", path, acmeKey, "{\"decision\": \"approve\", \"revision\": 2}");
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(violations(stale)).anySatisfy(v -> assertThat(v).contains("revision 2 is not the latest draft"));
        HttpResponse<String> noPrompt = send("POST", path, acmeKey, "{\"decision\": \"revise\"}");
        assertThat(noPrompt.statusCode()).isEqualTo(422);
        assertThat(violations(noPrompt)).anySatisfy(v -> assertThat(v).startsWith("revisedPrompt: "));

        HttpResponse<String> approved = send("POST", path, acmeKey, "{\"decision\": \"approve\", \"reviewer\": \"dana\"}");
        assertThat(approved.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(approved.body()).path("revision").asInt()).isEqualTo(1);
        JsonNode detail = awaitBatch(acmeKey, d -> "LANDED".equals(d.path("shots").get(0).path("finalCut").path("state").asText()));
        JsonNode finalCut = detail.path("shots").get(0).path("finalCut");
        assertThat(finalCut.path("size").asText()).isEqualTo("1792x1024");
        assertThat(finalCut.path("links").path("video").asText()).contains("final.mp4");
        assertThat(detail.path("shots").get(0).path("state").asText()).isEqualTo("DELIVERED");
    }

    @Test
    @Order(7)
    void promptsAndSpendAreTheTeamsOwn() throws Exception {
        JsonNode acmePrompts = JSON.readTree(send("GET", "/api/v1/prompts?campaign=spring", acmeKey, null).body());
        assertThat(acmePrompts).hasSize(1);
        assertThat(acmePrompts.get(0).path("shotId").asText()).isEqualTo("s01");
        assertThat(acmePrompts.get(0).path("reviewer").asText()).isEqualTo("dana");
        assertThat(JSON.readTree(send("GET", "/api/v1/prompts", globexKey, null).body())).isEmpty();

        JsonNode acmeSpend = JSON.readTree(send("GET", "/api/v1/spend", acmeKey, null).body());
        assertThat(acmeSpend.path("team").asText()).isEqualTo("acme");
        assertThat(acmeSpend.path("byModel").findValuesAsText("model")).containsExactly("local-preview");
        assertThat(acmeSpend.path("byModel").get(0).path("callsCharged").asLong()).isEqualTo(3);
        JsonNode globexSpend = JSON.readTree(send("GET", "/api/v1/spend", globexKey, null).body());
        assertThat(globexSpend.path("byModel")).isEmpty();
    }

    @Test
    @Order(8)
    void thePipelineIsMeasuredForPrometheus() throws Exception {
        // The pipeline gauges are read from the database every 15 seconds.
        String metrics = Awaitility.await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofSeconds(1))
                .until(() -> send("GET", "/q/metrics", null, null).body(), m -> m.matches(
                        "(?s).*reelflow_jobs\\{provider=\"local\",stage=\"final\",state=\"LANDED\"} [1-9].*"));
        assertThat(metrics).containsPattern("reelflow_jobs\\{provider=\"local\",stage=\"draft\",state=\"LANDED\"} 2.0")
                .containsPattern("reelflow_jobs\\{provider=\"local\",stage=\"final\",state=\"LANDED\"} 1.0")
                .containsPattern("reelflow_spend_usd\\{kind=\"charged\",model=\"local-preview\",team=\"acme\"} 0.0")
                .containsPattern("reelflow_oldest_due_job_age_seconds [0-9.]+")
                .contains("http_server_requests_seconds_count");
    }

    @Test
    @Order(9)
    void theEventStreamFollowsTheBatchAndResumes() throws Exception {
        List<String[]> events = readEvents(null, e -> "FinalReady".equals(e[1]));
        assertThat(events).extracting(e -> e[1]).startsWith("BatchAccepted").contains("DraftReady", "FinalReady");
        long first = Long.parseLong(events.get(0)[0]);
        assertThat(events).extracting(e -> Long.parseLong(e[0])).isSorted().doesNotHaveDuplicates();
        JsonNode data = JSON.readTree(events.get(0)[2]);
        assertThat(data.path("batchId").asText()).isEqualTo(batchId);
        assertThat(data.path("eventId").asText()).isNotBlank();

        List<String[]> resumed = readEvents(Long.toString(first), e -> true);
        assertThat(Long.parseLong(resumed.get(0)[0])).isGreaterThan(first);
        assertThat(resumed.get(0)[1]).isNotEqualTo("BatchAccepted");
    }

    @Test
    @Order(10)
    void theApiIsDocumentedAndTheReviewPageIsServed() throws Exception {
        HttpResponse<String> openapi = send("GET", "/q/openapi?format=json", null, null);
        assertThat(openapi.statusCode()).isEqualTo(200);
        JsonNode doc = JSON.readTree(openapi.body());
        assertThat(doc.path("paths").has("/api/v1/batches")).isTrue();
        assertThat(doc.path("paths").has("/api/v1/batches/{batchId}/shots/{shotId}/decisions")).isTrue();
        assertThat(doc.path("components").path("securitySchemes").toString()).contains("X-API-Key");
        assertThat(send("GET", "/q/swagger-ui/", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> page = send("GET", "/review", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Reelflow review</title>").contains("/review/review.js");
        assertThat(send("GET", "/review/review.js", null, null).statusCode()).isEqualTo(200);
        // No page of the service may be framed by another site (a reviewer tricked into clicking Approve there), no
        // answer is sniffed as another type, and the review page runs scripts from the service alone.
        for (HttpResponse<String> answer : List.of(page, openapi, send("GET", "/api/v1/batches", acmeKey, null),
                send("GET", "/api/v1/batches", null, null))) {
            assertThat(answer.headers().firstValue("X-Frame-Options")).as(answer.uri().getPath()).hasValue("DENY");
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(answer.uri().getPath())
                    .hasValue("nosniff");
        }
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
                .contains("frame-ancestors 'none'").contains("script-src 'self'").contains("object-src 'none'"));
    }

    @Test
    @Order(11)
    void everyRefusalAboveWasTheClientsErrorNotTheServices() throws Exception {
        // Event streams opened one after another on a batch with history: each begins at once with its events.
        for (int i = 0; i < 20; i++) {
            HttpResponse<java.io.InputStream> stream = http.send(HttpRequest.newBuilder(uri("/api/v1/batches/" + batchId
                    + "/events")).header("Authorization", "Bearer " + acmeKey).header("Accept", "text/event-stream")
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                assertThat(lines.readLine()).isEqualTo(":open");
            }
        }
        // Bad bodies, bad shapes, bodies over the limit, control characters in addresses: nothing above made the
        // service log a failure of its own.
        assertThat(java.nio.file.Files.readAllLines(it.dir.resolve("logs/service.log")))
                .noneSatisfy(line -> assertThat(line).contains(" ERROR "));
    }

    /** Reads the stream until an event matches {@code last}. */
    private List<String[]> readEvents(String lastEventId, Predicate<String[]> last) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("/api/v1/batches/" + batchId + "/events"))
                .header("Authorization", "Bearer " + acmeKey).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.io.InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        // A stream that never brings the awaited event is closed after WAIT, ending the read.
        java.util.concurrent.CompletableFuture.delayedExecutor(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(() -> {
                    try {
                        response.body().close();
                    } catch (java.io.IOException ignored) {
                        // already closed
                    }
                });
        List<String[]> events = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String id = null;
            String name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((events.isEmpty() || !last.test(events.get(events.size() - 1))) && (line = reader.readLine()) != null) {
                if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && id != null) {
                    events.add(new String[] {id, name, data.toString()});
                    id = null;
                    name = null;
                    data.setLength(0);
                }
            }
        }
        return events;
    }

    private JsonNode awaitBatch(String key, Predicate<JsonNode> until) {
        return Awaitility.await("batch " + batchId).atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    HttpResponse<String> response = send("GET", "/api/v1/batches/" + batchId, key, null);
                    return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
                }, detail -> detail != null && until.test(detail));
    }

    private static boolean allDraftsLanded(JsonNode detail) {
        for (JsonNode shot : detail.path("shots")) {
            if (shot.path("drafts").isEmpty() || !"LANDED".equals(shot.path("drafts").get(0).path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> violations(HttpResponse<String> response) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode v : JSON.readTree(response.body()).path("violations")) {
            out.add(v.path("field").asText() + ": " + v.path("reason").asText());
        }
        return out;
    }

    private ObjectNode batch(String id) {
        ObjectNode batch = JSON.createObjectNode();
        batch.put("batchId", id);
        batch.put("campaign", "spring");
        batch.putObject("defaults").put("aspectRatio", "landscape");
        var shots = batch.putArray("shots");
        shots.addObject().put("shotId", "s01").put("prompt", "Slow dolly in on a ceramic cup on a marble counter at"
                + " golden hour, steam rising; soft cafe chatter.");
        shots.addObject().put("shotId", "s02").put("prompt", "Static wide shot of a bakery window at dawn, warm light"
                + " spilling out, with our logo painted on the glass.");
        return batch;
    }

    private HttpResponse<String> send(String method, String path, String key, String body) throws Exception {
        return sendBytes(method, path, key, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                "application/json");
    }

    private HttpResponse<String> sendBytes(String method, String path, String key, byte[] body, String type)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (body != null) {
            request.header("Content-Type", type);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(service.baseUrl() + path);
    }
}
