package io.reelflow.provider.runway;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.config.ModelConfig;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.provider.FailureKind;
import io.reelflow.provider.ProviderException;
import io.reelflow.provider.RemoteStatus;
import io.reelflow.provider.RenderRequest;
import io.reelflow.provider.http.MediaDownloads;
import io.reelflow.provider.http.RemoteProvider;
import jakarta.inject.Singleton;

/**
 * The {@code runway} provider: Runway's API (Gen-4.5). Every call sends {@code X-Runway-Version}. Create is
 * {@code POST /v1/text_to_video} or, with a first frame, {@code /v1/image_to_video} ({@code promptImage} as a data
 * URI), with {@code model}, {@code promptText}, {@code ratio} written as pixels ({@code 1280:720}), {@code duration}
 * (2 to 10 s) and {@code seed}; the answer's {@code id} is polled at {@code GET /v1/tasks/{id}}. Runway's videos
 * have no audio track. A failed task's {@code failureCode} says what was refused: {@code SAFETY.INPUT.TEXT} the
 * prompt, {@code SAFETY.INPUT.IMAGE} the image, {@code SAFETY.OUTPUT.*} the video made.
 *
 * <p>Runway cannot list a key's tasks and sends no webhooks: a create whose answer was lost is waited for through
 * the reconcile window and then failed, never made twice. Once landed, the task is deleted at Runway.
 */
@Singleton
public class RunwayProvider extends RemoteProvider {

    public static final String NAME = "runway";
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final String DEFAULT_VERSION = "2024-11-06";

    private final ReelflowConfig config;
    private final MediaDownloads downloads;

    public RunwayProvider(ReelflowConfig config, ObjectMapper json) {
        super(config.providers().runway(), json);
        this.config = config;
        this.downloads = new MediaDownloads(NAME, remote.connectTimeout(), true);
    }

    @Override
    public String name() {
        return NAME;
    }

    private RunwayApi api() {
        return client(RunwayApi.class, Map.of("Authorization", "Bearer " + apiKey(), "X-Runway-Version",
                remote.apiVersion().filter(v -> !v.isBlank()).orElse(DEFAULT_VERSION)));
    }

    @Override
    public Submission create(RenderRequest request) throws ProviderException {
        ObjectNode body = requestBody(request);
        Answer answer = call("create", true, () -> request.referenceImage() == null ? api().textToVideo(body)
                : api().imageToVideo(body));
        String id = answer.body().path("id").asText(null);
        if (id == null || id.isBlank()) {
            throw ProviderException.outcomeUnknown("runway create answered without a task id", null);
        }
        return new Submission(id, POLL);
    }

    ObjectNode requestBody(RenderRequest request) throws ProviderException {
        ObjectNode body = json.createObjectNode();
        body.put("model", request.remoteModel());
        body.put("promptText", request.prompt());
        body.put("ratio", request.width() + ":" + request.height());
        body.put("duration", request.seconds());
        if (request.seed() != null) {
            body.put("seed", request.seed());
        }
        ModelConfig model = config.models().get(request.model());
        if (model != null) {
            model.input().forEach(body::put);
        }
        if (request.referenceImage() != null) {
            body.put("promptImage", dataUrl(request.referenceImage()));
        }
        return body;
    }

    @Override
    public Lookup lookup(RenderRequest request) {
        return Lookup.notYetFound();
    }

    @Override
    public RemoteStatus status(String taskId) throws ProviderException {
        return statusOf(call("status", false, () -> api().task(taskId)).body());
    }

    public static RemoteStatus statusOf(JsonNode task) {
        String status = task.path("status").asText("");
        return switch (status) {
            case "PENDING", "THROTTLED", "RUNNING" -> new RemoteStatus.Running(
                    (int) Math.round(task.path("progress").asDouble(0) * 100), POLL);
            case "SUCCEEDED" -> videoUrl(task).isPresent() ? new RemoteStatus.Succeeded()
                    : new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "runway: the task succeeded without output");
            case "FAILED" -> failed(task);
            case "CANCELLED" -> new RemoteStatus.Failed(FailureKind.CANCELLED, "runway: the task was cancelled");
            default -> new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "runway: unknown task status '" + status + "'");
        };
    }

    private static RemoteStatus failed(JsonNode task) {
        String code = task.path("failureCode").asText("");
        String reason = "runway: " + task.path("failure").asText("the task failed")
                + (code.isEmpty() ? "" : " (" + code + ")");
        String upper = code.toUpperCase(Locale.ROOT);
        if (upper.contains("SAFETY")) {
            String input = upper.contains("INPUT.TEXT") || upper.endsWith(".TEXT") ? "prompt"
                    : upper.contains("INPUT.IMAGE") || upper.endsWith(".IMAGE") ? "image"
                    : upper.contains("OUTPUT") ? "output" : null;
            return new RemoteStatus.Failed(FailureKind.MODERATION, reason, input);
        }
        if (upper.startsWith("ASSET.INVALID") || upper.startsWith("INPUT_PREPROCESSING")) {
            return new RemoteStatus.Failed(FailureKind.INVALID_REQUEST, reason);
        }
        return new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, reason);
    }

    static Optional<String> videoUrl(JsonNode task) {
        for (JsonNode output : task.path("output")) {
            if (output.isTextual() && !output.asText().isBlank()) {
                return Optional.of(output.asText());
            }
        }
        return Optional.empty();
    }

    @Override
    public InputStream download(String taskId) throws ProviderException {
        String url = videoUrl(call("status", false, () -> api().task(taskId)).body()).orElseThrow(
                () -> ProviderException.refused(FailureKind.PROVIDER_ERROR, "runway task " + taskId
                        + " has no output to download"));
        return downloads.open(URI.create(url), Map.of(), remote.downloadTimeout());
    }

    @Override
    public void cancel(String taskId) throws ProviderException {
        call("cancel", false, () -> api().delete(taskId));
    }

    /** Runway keeps outputs for a while; the copy is deleted once it is in object storage. */
    @Override
    public void afterLanding(String taskId) {
        if (!remote.deleteAfterLanding()) {
            return;
        }
        try {
            call("delete", false, () -> api().delete(taskId));
        } catch (ProviderException e) {
            // The output expires at Runway anyway.
        }
    }

    /** Runway sends no webhooks. */
    @Override
    public Optional<String> webhookJobId(JsonNode payload) {
        return Optional.empty();
    }
}
