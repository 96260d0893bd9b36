package io.reelflow.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.sun.net.httpserver.HttpServer;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.reelflow.api.ApiKeys;
import io.reelflow.localstack.ServiceProcess;
import io.reelflow.testkit.Closing;
import io.reelflow.testkit.ItStack;
import io.reelflow.testkit.TestData;
import io.reelflow.testkit.providers.OpenAiStandIn;

/**
 * One shot traced end to end: the packaged service exports OpenTelemetry spans over OTLP to a collector
 * played by this test, and the submission over REST, its publication on {@code campaign-batches}, intake,
 * every job step, the calls to the provider, the landing and the {@code DraftReady} publication on
 * {@code video-events} are all spans of one trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TracingIT {

    /** One received span: its trace, kind, name and attributes. */
    record Received(String traceId, String kind, String name, Map<String, String> attributes) {
        @Override
        public String toString() {
            return kind + " " + name + " " + attributes.getOrDefault("messaging.destination.name", "");
        }
    }

    private final List<Received> spans = Collections.synchronizedList(new ArrayList<>());
    private final String key = "trace-" + HexFormat.of().formatHex(TestData.random(12));
    private HttpServer collector;
    private OpenAiStandIn standIn;
    private ItStack it;
    private ServiceProcess service;

    @BeforeAll
    void start() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            try (exchange) {
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(exchange.getRequestBody().readAllBytes());
                request.getResourceSpansList().forEach(resource -> resource.getScopeSpansList().forEach(scope ->
                        scope.getSpansList().forEach(span -> spans.add(new Received(
                                HexFormat.of().formatHex(span.getTraceId().toByteArray()), span.getKind().name(),
                                span.getName(), span.getAttributesList().stream().collect(Collectors.toMap(
                                        KeyValue::getKey, kv -> kv.getValue().hasStringValue()
                                                ? kv.getValue().getStringValue() : String.valueOf(kv.getValue().getIntValue()),
                                        (a, b) -> a)))))));
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    exchange.getResponseBody().write(answer);
                }
            }
        });
        collector.start();
        it = new ItStack(TracingIT.class);
        String providerKey = "test-" + HexFormat.of().formatHex(TestData.random(12));
        standIn = new OpenAiStandIn(providerKey, it.dir.resolve("openai-stand-in"), null);
        standIn.shareRenders();
        service = it.service("service", ItStack.env(
                "QUARKUS_OTEL_SDK_DISABLED", "false",
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf",
                "QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms",
                "REELFLOW_PROVIDERS_OPENAI_BASE_URL", standIn.baseUrl() + "/v1",
                "REELFLOW_PROVIDERS_OPENAI_API_KEY", providerKey,
                "REELFLOW_API_KEYS", ApiKeys.entry("tracing", key))).start();
    }

    @AfterAll
    void stop() throws Exception {
        Closing.all(service, standIn, it, () -> collector.stop(0));
    }

    @Test
    void oneTraceFollowsTheShotFromSubmissionToLandedDraft() throws Exception {
        String batch = """
                {"batchId": "traced-1", "campaign": "spring",
                 "defaults": {"aspectRatio": "landscape", "route": {"draftModel": "sora-2"}},
                 "shots": [{"shotId": "s01", "prompt": "Slow dolly in on a ceramic cup on a marble counter at golden hour, steam rising."}]}""";
        HttpResponse<String> submitted = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(service.baseUrl() + "/api/v1/batches")).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(batch)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(submitted.statusCode()).isEqualTo(202);

        Predicate<Received> submission = s -> s.kind().equals("SPAN_KIND_SERVER") && s.name().contains("/api/v1/batches");
        Predicate<Received> batchPublished = s -> s.kind().equals("SPAN_KIND_PRODUCER")
                && "campaign-batches".equals(s.attributes().get("messaging.destination.name"));
        Predicate<Received> intake = s -> s.kind().equals("SPAN_KIND_CONSUMER")
                && "campaign-batches".equals(s.attributes().get("messaging.destination.name"));
        Predicate<Received> create = s -> s.name().equals("reelflow.job.pending");
        Predicate<Received> poll = s -> s.name().equals("reelflow.job.running");
        Predicate<Received> providerCall = s -> s.kind().equals("SPAN_KIND_CLIENT") && s.name().equals("POST /videos");
        Predicate<Received> landing = s -> s.name().equals("reelflow.landing");
        Predicate<Received> draftReady = s -> s.kind().equals("SPAN_KIND_PRODUCER")
                && "video-events".equals(s.attributes().get("messaging.destination.name"));
        List<Predicate<Received>> expected = List.of(submission, batchPublished, intake, create, poll, providerCall,
                landing, draftReady);

        List<Received> trace = Awaitility.await("the submission's trace").atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(500)).until(() -> {
                    List<Received> all = List.copyOf(spans);
                    String traceId = all.stream().filter(submission).map(Received::traceId).findFirst().orElse("");
                    return all.stream().filter(s -> s.traceId().equals(traceId)).toList();
                }, t -> expected.stream().allMatch(p -> t.stream().anyMatch(p)));
        List<Received> found = trace;
        assertThat(expected).as("spans of the submission's trace: %s", trace)
                .allSatisfy(p -> assertThat(found.stream().anyMatch(p)).isTrue());
        assertThat(trace.stream().filter(s -> s.attributes().containsKey("reelflow.job")).map(s -> s.attributes().get("reelflow.shot")))
                .isNotEmpty().containsOnly("s01");
    }
}
