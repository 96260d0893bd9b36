package io.reelflow.provider.veo;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * The {@code veo} provider: Google Veo 3.1 through the Gemini API. Create is
 * {@code POST /v1beta/models/{model}:predictLongRunning} with the prompt, the first-frame {@code image} and the
 * parameters {@code durationSeconds} (4, 6 or 8), {@code resolution} (720p, 1080p or 4k) and {@code aspectRatio}
 * (16:9 or 9:16); the answer names an operation that is polled until {@code done}. A finished operation without
 * a video and with {@code raiMediaFilteredReasons} was filtered by Google's safety systems: a moderation
 * failure, never retried.
 *
 * <p>The Gemini API cannot list a key's operations, so a create call whose outcome was not seen cannot be
 * found again: the job waits out the reconcile window and then fails; it is never created a second time.
 */
@Singleton
public class VeoProvider extends RemoteProvider {

    public static final String NAME = "veo";
    private static final Pattern OPERATION = Pattern.compile("models/([^/]+)/operations/([^/]+)");
    private static final Duration POLL = Duration.ofSeconds(10);

    private final MediaDownloads downloads;

    public VeoProvider(ReelflowConfig config, ObjectMapper json) {
        super(config.providers().veo(), json);
        // Generated files are served through redirects to Google's storage.
        this.downloads = new MediaDownloads(NAME, remote.connectTimeout(), true);
    }

    @Override
    public String name() {
        return NAME;
    }

    private GeminiApi api() {
        return client(GeminiApi.class, Map.of("x-goog-api-key", apiKey()));
    }

    @Override
    public Submission create(RenderRequest request) throws ProviderException {
        ObjectNode body = requestBody(request);
        Answer answer = call("create", true, () -> api().predictLongRunning(request.remoteModel(), body));
        String operation = answer.body().path("name").asText(null);
        if (operation == null || !OPERATION.matcher(operation).matches()) {
            throw ProviderException.outcomeUnknown("veo create answered without an operation name", null);
        }
        return new Submission(operation, POLL);
    }

    ObjectNode requestBody(RenderRequest request) throws ProviderException {
        ObjectNode body = json.createObjectNode();
        ObjectNode instance = body.putArray("instances").addObject();
        instance.put("prompt", request.prompt());
        if (request.referenceImage() != null) {
            String dataUrl = dataUrl(request.referenceImage());
            instance.putObject("image").put("bytesBase64Encoded", dataUrl.substring(dataUrl.indexOf(',') + 1))
                    .put("mimeType", dataUrl.substring("data:".length(), dataUrl.indexOf(';')));
        }
        ObjectNode parameters = body.putObject("parameters");
        parameters.put("aspectRatio", request.portrait() ? "9:16" : "16:9");
        int shortSide = Math.min(request.width(), request.height());
        parameters.put("resolution", shortSide >= 2160 ? "4k" : shortSide >= 1080 ? "1080p" : "720p");
        parameters.put("durationSeconds", request.seconds());
        if (request.seed() != null) {
            parameters.put("seed", request.seed());
        }
        return body;
    }

    @Override
    public Lookup lookup(RenderRequest request) {
        return Lookup.notYetFound();
    }

    @Override
    public RemoteStatus status(String operation) throws ProviderException {
        return statusOf(operation(operation));
    }

    public static RemoteStatus statusOf(JsonNode operation) {
        if (!operation.path("done").asBoolean(false)) {
            return new RemoteStatus.Running(0, POLL);
        }
        JsonNode error = operation.path("error");
        if (!error.isMissingNode() && !error.isNull()) {
            String message = error.path("message").asText("generation failed");
            String status = error.path("status").asText("");
            FailureKind kind = ProviderCalls.refusalKind(status, message) == FailureKind.MODERATION
                    ? FailureKind.MODERATION
                    : "INVALID_ARGUMENT".equals(status) ? FailureKind.INVALID_REQUEST : FailureKind.PROVIDER_ERROR;
            return new RemoteStatus.Failed(kind, "veo: " + message + (status.isEmpty() ? "" : " (" + status + ")"));
        }
        JsonNode response = operation.path("response").path("generateVideoResponse");
        if (videoUri(response).isPresent()) {
            return new RemoteStatus.Succeeded();
        }
        List<String> reasons = new ArrayList<>();
        response.path("raiMediaFilteredReasons").forEach(r -> reasons.add(r.asText()));
        if (!reasons.isEmpty() || response.path("raiMediaFilteredCount").asInt(0) > 0) {
            return new RemoteStatus.Failed(FailureKind.MODERATION, "veo filtered the video: "
                    + (reasons.isEmpty() ? "no reason given" : String.join("; ", reasons)));
        }
        return new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "veo finished without a video");
    }

    static Optional<String> videoUri(JsonNode generateVideoResponse) {
        for (JsonNode sample : generateVideoResponse.path("generatedSamples")) {
            String uri = sample.path("video").path("uri").asText(null);
            if (uri != null && !uri.isBlank()) {
                return Optional.of(uri);
            }
        }
        return Optional.empty();
    }

    @Override
    public InputStream download(String operation) throws ProviderException {
        JsonNode response = operation(operation).path("response").path("generateVideoResponse");
        String uri = videoUri(response).orElseThrow(() -> ProviderException.refused(FailureKind.PROVIDER_ERROR,
                "veo operation " + operation + " has no video to download"));
        return downloads.open(URI.create(uri), Map.of("x-goog-api-key", apiKey()), remote.downloadTimeout());
    }

    private JsonNode operation(String name) throws ProviderException {
        Matcher m = OPERATION.matcher(name);
        if (!m.matches()) {
            throw ProviderException.refused(FailureKind.PROVIDER_ERROR, "not a veo operation name: " + name);
        }
        return call("status", false, () -> api().getOperation(m.group(1), m.group(2))).body();
    }

    /** The Gemini API sends no webhooks. */
    @Override
    public Optional<String> webhookJobId(JsonNode payload) {
        return Optional.empty();
    }
}
