package io.reelflow.provider.kling;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
import io.reelflow.provider.http.ProviderCalls;
import io.reelflow.provider.http.RemoteProvider;
import io.reelflow.provider.http.WebhookSignature;
import jakarta.inject.Singleton;

/**
 * The {@code kling} provider: Kling's own API. Every call carries a JWT signed from the access key and secret key
 * ({@link KlingToken}). Create is {@code POST /v1/videos/text2video} (with {@code aspect_ratio}) or
 * {@code /v1/videos/image2video} (the first frame as {@code image}, base64), with {@code model_name},
 * {@code prompt}, {@code duration} as text, the model's constant fields from the catalog ({@code mode}) and
 * {@code external_task_id}: the job's create key. A create whose answer was lost is therefore looked up exactly,
 * {@code GET /v1/videos/{kind}/{external_task_id}}, never repeated blindly. With
 * {@code reelflow.webhooks.public-url} set, tasks carry a {@code callback_url}; Kling does not sign its callbacks,
 * so a callback only says which task to read again from Kling.
 *
 * <p>Kling's error codes: 1301 (content security policy) is a moderation refusal; 1302 (rate) and 1303
 * (concurrency over the resource pack) are retried later, 1303 as a refusal for capacity; 5001 (maintenance)
 * likewise. A failed task whose message names risk control or safety is a moderation failure.
 */
@Singleton
public class KlingProvider extends RemoteProvider {

    public static final String NAME = "kling";
    private static final Duration POLL = Duration.ofSeconds(10);
    private static final List<String> KINDS = List.of("text2video", "image2video");

    private final ReelflowConfig config;
    private final MediaDownloads downloads;
    private final Optional<String> callbackUrl;
    private volatile KlingToken token;

    public KlingProvider(ReelflowConfig config, ObjectMapper json) {
        super(config.providers().kling(), json);
        this.config = config;
        this.downloads = new MediaDownloads(NAME, remote.connectTimeout(), true);
        this.callbackUrl = config.webhooks().publicUrl().map(u -> u.replaceAll("/+$", "") + "/webhooks/" + NAME);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean enabled() {
        return super.enabled() && remote.secretKey().filter(s -> !s.isBlank()).isPresent();
    }

    private KlingApi api() {
        if (token == null) {
            token = new KlingToken(apiKey(), remote.secretKey().orElseThrow(), Clock.systemUTC());
        }
        KlingToken current = token;
        return client(KlingApi.class, () -> Map.of("Authorization", "Bearer " + current.current()));
    }

    @Override
    public Submission create(RenderRequest request) throws ProviderException {
        String kind = request.referenceImage() == null ? "text2video" : "image2video";
        ObjectNode body = requestBody(request);
        Answer answer = call("create", true, () -> api().create(kind, body));
        String taskId = answer.body().path("data").path("task_id").asText(null);
        if (taskId == null || taskId.isBlank()) {
            throw ProviderException.outcomeUnknown("kling create answered without a task id", null);
        }
        return new Submission(kind + "/" + taskId, POLL);
    }

    ObjectNode requestBody(RenderRequest request) throws ProviderException {
        ObjectNode body = json.createObjectNode();
        body.put("model_name", request.remoteModel());
        body.put("prompt", request.prompt());
        body.put("duration", Integer.toString(request.seconds()));
        ModelConfig model = config.models().get(request.model());
        if (model != null) {
            model.input().forEach(body::put);
        }
        if (request.referenceImage() == null) {
            body.put("aspect_ratio", aspectRatio(request));
        } else {
            body.put("image", base64(request.referenceImage()));
        }
        if (request.createKey() != null) {
            body.put("external_task_id", request.createKey());
        }
        callbackUrl.ifPresent(url -> body.put("callback_url", url));
        return body;
    }

    static String aspectRatio(RenderRequest request) {
        return request.width() == request.height() ? "1:1" : request.portrait() ? "9:16" : "16:9";
    }

    @Override
    protected ProviderException refine(ProviderException failure, int status, JsonNode body) {
        int code = body.path("code").asInt(0);
        String message = body.path("message").asText("");
        if (code == 1301) {
            return ProviderException.refused(FailureKind.MODERATION, "kling refused the request under its content"
                    + " security policy (1301): " + message).about(request(message));
        }
        if (code == 1303 || code == 5001) {
            return failure.capacity();
        }
        return failure;
    }

    /** Kling says in a refusal's message whether the image was at fault; otherwise it was the prompt. */
    private static String request(String message) {
        return message.toLowerCase(java.util.Locale.ROOT).contains("image") ? "image" : "prompt";
    }

    /** Looks the lost create up by its {@code external_task_id}: exact, so found or certainly not made. */
    @Override
    public Lookup lookup(RenderRequest request) throws ProviderException {
        if (request.createKey() == null) {
            return Lookup.notYetFound();
        }
        for (String kind : KINDS) {
            Optional<Answer> task = callOrMissing("lookup", () -> api().task(kind, request.createKey()));
            String taskId = task.map(a -> a.body().path("data").path("task_id").asText(null)).orElse(null);
            if (taskId != null && !taskId.isBlank()) {
                return Lookup.found(kind + "/" + taskId);
            }
        }
        return listed(List.of(), true, request);
    }

    @Override
    public RemoteStatus status(String providerJobId) throws ProviderException {
        return statusOf(task(providerJobId));
    }

    private JsonNode task(String providerJobId) throws ProviderException {
        String[] kindAndId = providerJobId.split("/", 2);
        if (kindAndId.length != 2 || !KINDS.contains(kindAndId[0])) {
            throw ProviderException.refused(FailureKind.PROVIDER_ERROR, "not a kling task: " + providerJobId);
        }
        return call("status", false, () -> api().task(kindAndId[0], kindAndId[1])).body().path("data");
    }

    public static RemoteStatus statusOf(JsonNode task) {
        String status = task.path("task_status").asText("");
        String message = task.path("task_status_msg").asText("");
        return switch (status) {
            case "submitted", "processing" -> new RemoteStatus.Running(0, POLL);
            case "succeed" -> videoUrl(task).isPresent() ? new RemoteStatus.Succeeded()
                    : new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "kling: the task succeeded without a video");
            case "failed" -> moderation(message)
                    ? new RemoteStatus.Failed(FailureKind.MODERATION, "kling: " + message, request(message))
                    : new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "kling: " + (message.isBlank()
                            ? "the task failed" : message));
            default -> new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "kling: unknown task status '" + status + "'");
        };
    }

    private static boolean moderation(String message) {
        return ProviderCalls.refusalKind(null, message) == FailureKind.MODERATION
                || message.toLowerCase(java.util.Locale.ROOT).contains("risk");
    }

    static Optional<String> videoUrl(JsonNode task) {
        for (JsonNode video : task.path("task_result").path("videos")) {
            String url = video.path("url").asText(null);
            if (url != null && !url.isBlank()) {
                return Optional.of(url);
            }
        }
        return Optional.empty();
    }

    @Override
    public InputStream download(String providerJobId) throws ProviderException {
        String url = videoUrl(task(providerJobId)).orElseThrow(() -> ProviderException.refused(
                FailureKind.PROVIDER_ERROR, "kling task " + providerJobId + " has no video to download"));
        return downloads.open(URI.create(url), Map.of(), remote.downloadTimeout());
    }

    /** Kling calls back whenever a task changes, once webhooks have a public URL here. */
    @Override
    public boolean receivesWebhooks() {
        return callbackUrl.isPresent();
    }

    /**
     * Kling's callbacks carry no signature: one is taken as a hint only (the task is read again from Kling with
     * Reelflow's own token, so a forged callback can do no more than cause an early status read).
     */
    @Override
    public String verifyWebhook(WebhookDelivery delivery, java.time.Instant now, Duration tolerance)
            throws WebhookSignature.Refused {
        JsonNode payload;
        try {
            payload = json.readTree(delivery.body());
        } catch (IOException e) {
            throw new WebhookSignature.Refused("a kling callback must be a task as JSON");
        }
        String taskId = payload.path("task_id").asText("");
        if (taskId.isBlank()) {
            throw new WebhookSignature.Refused("a kling callback must name its task_id");
        }
        return taskId + "@" + payload.path("task_status").asText("") + "@" + payload.path("updated_at").asText("");
    }

    @Override
    public Optional<String> webhookJobId(JsonNode payload) {
        return Optional.empty();
    }

    @Override
    public List<String> webhookJobIds(JsonNode payload) {
        String taskId = payload.path("task_id").asText("");
        return taskId.isBlank() ? List.of() : KINDS.stream().map(kind -> kind + "/" + taskId).toList();
    }
}
