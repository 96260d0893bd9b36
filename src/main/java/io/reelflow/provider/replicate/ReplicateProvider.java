package io.reelflow.provider.replicate;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.provider.FailureKind;
import io.reelflow.provider.ProviderException;
import io.reelflow.provider.RemoteStatus;
import io.reelflow.provider.RenderRequest;
import io.reelflow.provider.http.MediaDownloads;
import io.reelflow.provider.http.ProviderCalls;
import io.reelflow.provider.http.RemoteProvider;
import jakarta.inject.Singleton;

/**
 * The {@code replicate} provider: Kling v2.5 and Wan 2.5 through Replicate's predictions API. Create is
 * {@code POST /v1/models/{owner}/{name}/predictions}; the first frame goes as {@code start_image} (Kling) or
 * {@code image} (Wan) in a data URL. Replicate deletes outputs an hour after a prediction finishes, so a
 * finished prediction is copied at once (the worker downloads in the same step that sees it succeed). With
 * {@code reelflow.webhooks.public-url} set, each prediction also carries a webhook for its completion.
 *
 * <p>A create call whose outcome was not seen is found again by listing recent predictions of the same model
 * and comparing their prompt.
 */
@Singleton
public class ReplicateProvider extends RemoteProvider {

    public static final String NAME = "replicate";
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final Duration SKEW = Duration.ofMinutes(2);
    private static final int MAX_LIST_PAGES = 5;

    private final MediaDownloads downloads;
    private final Optional<String> webhookUrl;

    public ReplicateProvider(ReelflowConfig config, ObjectMapper json) {
        super(config.providers().replicate(), json);
        this.downloads = new MediaDownloads(NAME, remote.connectTimeout(), true);
        this.webhookUrl = config.webhooks().publicUrl().map(u -> u.replaceAll("/+$", "") + "/webhooks/" + NAME);
    }

    @Override
    public String name() {
        return NAME;
    }

    private ReplicateApi api() {
        return client(ReplicateApi.class, Map.of("Authorization", "Bearer " + apiKey()));
    }

    @Override
    public Submission create(RenderRequest request) throws ProviderException {
        String[] model = ownerAndName(request.remoteModel());
        ObjectNode body = requestBody(request);
        Answer answer = call("create", true, () -> api().createPrediction(model[0], model[1], body));
        String id = answer.body().path("id").asText(null);
        if (id == null || id.isBlank()) {
            throw ProviderException.outcomeUnknown("replicate create answered without a prediction id", null);
        }
        return new Submission(id, POLL);
    }

    ObjectNode requestBody(RenderRequest request) throws ProviderException {
        ObjectNode body = json.createObjectNode();
        ObjectNode input = body.putObject("input");
        input.put("prompt", request.prompt());
        input.put("duration", request.seconds());
        boolean kling = request.remoteModel().contains("kling");
        if (kling) {
            input.put("aspect_ratio", request.portrait() ? "9:16" : "16:9");
        } else {
            input.put("size", request.width() + "*" + request.height());
        }
        if (request.seed() != null) {
            input.put("seed", request.seed());
        }
        if (request.referenceImage() != null) {
            input.put(kling ? "start_image" : "image", dataUrl(request.referenceImage()));
        }
        webhookUrl.ifPresent(url -> {
            body.put("webhook", url);
            body.putArray("webhook_events_filter").add("completed");
        });
        return body;
    }

    private static String[] ownerAndName(String remoteModel) throws ProviderException {
        String[] parts = remoteModel.split("/");
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw ProviderException.refused(FailureKind.INVALID_REQUEST, "replicate model '" + remoteModel
                    + "' must be named owner/name (set reelflow.models.<model>.remote-model)");
        }
        return parts;
    }

    @Override
    public Lookup lookup(RenderRequest request) throws ProviderException {
        Instant since = (request.submittedAt() == null ? Instant.now().minus(remote.reconcileWindow())
                : request.submittedAt()).minus(SKEW);
        List<String> candidates = new ArrayList<>();
        String cursor = null;
        boolean complete = false;
        for (int page = 0; page < MAX_LIST_PAGES; page++) {
            String current = cursor;
            JsonNode list = call("list", false, () -> api().listPredictions(current)).body();
            boolean older = false;
            for (JsonNode prediction : list.path("results")) {
                Instant created = OffsetDateTime.parse(prediction.path("created_at").asText()).toInstant();
                if (created.isBefore(since)) {
                    older = true;
                } else if (request.remoteModel().equals(prediction.path("model").asText(null))) {
                    candidates.add(prediction.path("id").asText());
                }
            }
            String next = list.path("next").asText(null);
            if (older || next == null || next.isBlank()) {
                complete = true;
                break;
            }
            cursor = URI.create(next).getQuery() == null ? null : cursorOf(next);
            if (cursor == null) {
                break;
            }
        }
        List<String> matches = new ArrayList<>();
        for (String id : candidates) {
            JsonNode prediction = call("lookup", false, () -> api().getPrediction(id)).body();
            if (request.prompt().equals(prediction.path("input").path("prompt").asText(null))
                    && request.seconds() == prediction.path("input").path("duration").asInt(-1)) {
                matches.add(id);
            }
        }
        return listed(matches, complete, request);
    }

    private static String cursorOf(String next) {
        for (String pair : URI.create(next).getRawQuery().split("&")) {
            if (pair.startsWith("cursor=")) {
                return java.net.URLDecoder.decode(pair.substring("cursor=".length()), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    @Override
    public RemoteStatus status(String predictionId) throws ProviderException {
        return statusOf(call("status", false, () -> api().getPrediction(predictionId)).body());
    }

    public static RemoteStatus statusOf(JsonNode prediction) {
        String status = prediction.path("status").asText("");
        return switch (status) {
            case "starting", "processing" -> new RemoteStatus.Running(0, POLL);
            case "succeeded" -> {
                if (prediction.path("data_removed").asBoolean(false) || output(prediction).isEmpty()) {
                    yield new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR,
                            "replicate: the prediction succeeded but its output is gone (outputs are deleted after an hour)");
                }
                yield new RemoteStatus.Succeeded();
            }
            case "failed" -> {
                String error = prediction.path("error").asText("prediction failed");
                yield new RemoteStatus.Failed(ProviderCalls.refusalKind(null, error) == FailureKind.MODERATION
                        ? FailureKind.MODERATION
                        : FailureKind.PROVIDER_ERROR, "replicate: " + error);
            }
            case "canceled" -> new RemoteStatus.Failed(FailureKind.CANCELLED, "replicate: the prediction was canceled");
            default -> new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "replicate: unknown status '" + status + "'");
        };
    }

    static Optional<String> output(JsonNode prediction) {
        JsonNode output = prediction.path("output");
        if (output.isTextual()) {
            return Optional.of(output.asText());
        }
        if (output.isArray() && output.size() > 0 && output.get(0).isTextual()) {
            return Optional.of(output.get(0).asText());
        }
        return Optional.empty();
    }

    @Override
    public InputStream download(String predictionId) throws ProviderException {
        JsonNode prediction = call("status", false, () -> api().getPrediction(predictionId)).body();
        String url = output(prediction).orElseThrow(() -> ProviderException.refused(FailureKind.PROVIDER_ERROR,
                "replicate prediction " + predictionId + " has no output to download"));
        return downloads.open(URI.create(url), Map.of(), remote.downloadTimeout());
    }

    @Override
    public void cancel(String predictionId) throws ProviderException {
        call("cancel", false, () -> api().cancelPrediction(predictionId));
    }

    /** Replicate's webhook body is the prediction itself. */
    @Override
    public Optional<String> webhookJobId(JsonNode payload) {
        return Optional.ofNullable(payload.path("id").asText(null));
    }
}
