package io.reelflow.provider.fal;

import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * The {@code fal} provider: fal.ai's queue, one contract for many models. A model's input fields differ per
 * model, so the catalog maps them ({@code reelflow.models.<m>.input.<field>=<template>}, see
 * {@link ModelConfig#input()}); the model's id is {@code remote-model} ({@code remote-image-model} when a first
 * frame is sent). Submit answers a {@code request_id}, followed at {@code /{app}/requests/{id}/status} until
 * {@code COMPLETED}, when the result (or the model's refusal, a 4xx whose {@code detail} names the refused field)
 * is read at {@code /{app}/requests/{id}}.
 *
 * <p>fal's queue cannot list a key's requests, so a submit whose answer was lost is waited for through the
 * reconcile window and then failed, never submitted again. Webhooks ({@code fal_webhook}) are signed with Ed25519
 * ({@link FalWebhookKeys}) and retried by fal for hours: a delivery only nudges its job to be read again.
 */
@Singleton
public class FalProvider extends RemoteProvider {

    public static final String NAME = "fal";
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z-]+)(:int)?}");

    private final ReelflowConfig config;
    private final MediaDownloads downloads;
    private final Optional<String> webhookUrl;
    private final FalWebhookKeys keys;

    public FalProvider(ReelflowConfig config, ObjectMapper json) {
        super(config.providers().fal(), json);
        this.config = config;
        this.downloads = new MediaDownloads(NAME, remote.connectTimeout(), true);
        this.webhookUrl = config.webhooks().publicUrl().map(u -> u.replaceAll("/+$", "") + "/webhooks/" + NAME);
        this.keys = new FalWebhookKeys(URI.create(remote.webhookKeysUrl()
                .orElse("https://rest.alpha.fal.ai/.well-known/jwks.json")), remote.connectTimeout(), Clock.systemUTC());
    }

    @Override
    public String name() {
        return NAME;
    }

    private FalQueueApi api() {
        return client(FalQueueApi.class, Map.of("Authorization", "Key " + apiKey()));
    }

    @Override
    public Submission create(RenderRequest request) throws ProviderException {
        ModelConfig model = model(request);
        String endpoint = request.referenceImage() == null ? request.remoteModel()
                : model.remoteImageModel().orElse(request.remoteModel());
        String app = app(endpoint);
        ObjectNode input = input(model, request);
        Answer answer = call("create", true, () -> api().submit(endpoint, webhookUrl.orElse(null), input));
        String id = answer.body().path("request_id").asText(null);
        if (id == null || id.isBlank()) {
            throw ProviderException.outcomeUnknown("fal submit answered without a request_id", null);
        }
        return new Submission(app + "/" + id, POLL);
    }

    private ModelConfig model(RenderRequest request) throws ProviderException {
        ModelConfig model = config.models().get(request.model());
        if (model == null) {
            throw ProviderException.refused(FailureKind.INVALID_REQUEST, "fal model '" + request.model()
                    + "' is not in the catalog");
        }
        return model;
    }

    /** The app a model id belongs to: its first two parts ({@code fal-ai/kling-video} of a longer id). */
    static String app(String endpoint) throws ProviderException {
        String[] parts = endpoint.split("/");
        if (parts.length < 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw ProviderException.refused(FailureKind.INVALID_REQUEST, "fal model id '" + endpoint
                    + "' must be owner/app[/path] (set reelflow.models.<model>.remote-model)");
        }
        return parts[0] + "/" + parts[1];
    }

    /** The model's input, from the catalog's field templates. */
    ObjectNode input(ModelConfig model, RenderRequest request) throws ProviderException {
        Map<String, String> fields = model.input().isEmpty() ? Map.of("prompt", "{prompt}") : model.input();
        Map<String, String> values = values(request);
        ObjectNode input = json.createObjectNode();
        for (Map.Entry<String, String> field : new java.util.TreeMap<>(fields).entrySet()) {
            String template = field.getValue();
            Matcher whole = PLACEHOLDER.matcher(template);
            if (whole.matches()) {
                String value = values.get(whole.group(1));
                if (value == null) {
                    continue;
                }
                if (whole.group(2) != null) {
                    input.put(field.getKey(), Long.parseLong(value));
                } else {
                    input.put(field.getKey(), value);
                }
            } else if (template.equals("true") || template.equals("false")) {
                input.put(field.getKey(), Boolean.parseBoolean(template));
            } else {
                StringBuilder text = new StringBuilder();
                Matcher m = PLACEHOLDER.matcher(template);
                boolean missing = false;
                while (m.find()) {
                    String value = values.get(m.group(1));
                    missing |= value == null;
                    m.appendReplacement(text, Matcher.quoteReplacement(value == null ? "" : value));
                }
                m.appendTail(text);
                if (!missing) {
                    input.put(field.getKey(), text.toString());
                }
            }
        }
        return input;
    }

    private Map<String, String> values(RenderRequest request) throws ProviderException {
        Map<String, String> values = new java.util.HashMap<>();
        values.put("prompt", request.prompt());
        values.put("seconds", Integer.toString(request.seconds()));
        values.put("width", Integer.toString(request.width()));
        values.put("height", Integer.toString(request.height()));
        values.put("size", request.width() + "x" + request.height());
        values.put("aspect-ratio", request.width() == request.height() ? "1:1" : request.portrait() ? "9:16" : "16:9");
        int shortSide = Math.min(request.width(), request.height());
        values.put("resolution", shortSide >= 2160 ? "4k" : shortSide >= 1080 ? "1080p" : shortSide >= 720 ? "720p"
                : "480p");
        if (request.seed() != null) {
            values.put("seed", Long.toString(request.seed()));
        }
        if (request.referenceImage() != null) {
            values.put("image", dataUrl(request.referenceImage()));
        }
        return values;
    }

    /**
     * A model's refusal names the refused field in {@code detail[].loc}; a {@code content_policy_violation} is a
     * moderation refusal of the prompt or the image, as the catalog maps that field.
     */
    @Override
    protected ProviderException refine(ProviderException failure, int status, JsonNode body) {
        for (JsonNode detail : body.path("detail")) {
            String type = detail.path("type").asText("");
            String msg = detail.path("msg").asText("");
            if (type.contains("content_policy") || ProviderCalls.refusalKind(type, msg) == FailureKind.MODERATION) {
                String field = detail.path("loc").isArray() && detail.path("loc").size() > 0
                        ? detail.path("loc").get(detail.path("loc").size() - 1).asText("") : "";
                return ProviderException.refused(FailureKind.MODERATION, "fal refused the " + (field.isBlank()
                        ? "request" : "field '" + field + "'") + " (" + type + "): " + msg).about(about(field));
            }
        }
        return failure;
    }

    /** What a refused input field carries, by the catalog's templates: the image or the prompt. */
    private String about(String field) {
        for (ModelConfig model : config.models().values()) {
            String template = NAME.equals(model.provider()) ? model.input().get(field) : null;
            if (template != null && template.contains("{image}")) {
                return "image";
            }
            if (template != null && template.contains("{prompt}")) {
                return "prompt";
            }
        }
        return field.contains("image") ? "image" : field.contains("prompt") ? "prompt" : null;
    }

    @Override
    public Lookup lookup(RenderRequest request) {
        return Lookup.notYetFound();
    }

    @Override
    public RemoteStatus status(String providerJobId) throws ProviderException {
        String[] id = parts(providerJobId);
        JsonNode status = call("status", false, () -> api().status(id[0], id[1], id[2])).body();
        String state = status.path("status").asText("");
        return switch (state) {
            case "IN_QUEUE", "IN_PROGRESS" -> new RemoteStatus.Running(0, POLL);
            case "COMPLETED" -> completed(id);
            default -> new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "fal: unknown request status '" + state + "'");
        };
    }

    /** A completed request's result: its video, or the model's refusal or error. */
    private RemoteStatus completed(String[] id) throws ProviderException {
        JsonNode result;
        try {
            result = call("result", false, () -> api().result(id[0], id[1], id[2])).body();
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.REFUSED) {
                return new RemoteStatus.Failed(e.failureKind() == FailureKind.MODERATION ? FailureKind.MODERATION
                        : FailureKind.PROVIDER_ERROR, e.getMessage(), e.refusedInput());
            }
            throw e;
        }
        return videoUrl(result).isPresent() ? new RemoteStatus.Succeeded()
                : new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "fal: the request completed without a video");
    }

    static Optional<String> videoUrl(JsonNode result) {
        String url = result.path("video").path("url").asText(null);
        return url == null || url.isBlank() ? Optional.empty() : Optional.of(url);
    }

    private static String[] parts(String providerJobId) throws ProviderException {
        String[] parts = providerJobId.split("/");
        if (parts.length != 3) {
            throw ProviderException.refused(FailureKind.PROVIDER_ERROR, "not a fal request: " + providerJobId);
        }
        return parts;
    }

    @Override
    public InputStream download(String providerJobId) throws ProviderException {
        String[] id = parts(providerJobId);
        JsonNode result = call("result", false, () -> api().result(id[0], id[1], id[2])).body();
        String url = videoUrl(result).orElseThrow(() -> ProviderException.refused(FailureKind.PROVIDER_ERROR,
                "fal request " + providerJobId + " has no video to download"));
        return downloads.open(URI.create(url), Map.of(), remote.downloadTimeout());
    }

    @Override
    public void cancel(String providerJobId) throws ProviderException {
        String[] id = parts(providerJobId);
        call("cancel", false, () -> api().cancel(id[0], id[1], id[2]));
    }

    @Override
    public boolean receivesWebhooks() {
        return webhookUrl.isPresent();
    }

    @Override
    public String verifyWebhook(WebhookDelivery delivery, Instant now, Duration tolerance)
            throws WebhookSignature.Refused {
        String requestId = keys.verify(delivery.header("X-Fal-Webhook-Request-Id"),
                delivery.header("X-Fal-Webhook-User-Id"), delivery.header("X-Fal-Webhook-Timestamp"),
                delivery.header("X-Fal-Webhook-Signature"), delivery.body(), now, tolerance);
        return requestId + "@" + delivery.header("X-Fal-Webhook-Timestamp");
    }

    @Override
    public Optional<String> webhookJobId(JsonNode payload) {
        return Optional.empty();
    }

    /** A delivery names its request only; the job is found under each app the catalog's fal models use. */
    @Override
    public List<String> webhookJobIds(JsonNode payload) {
        String id = payload.path("request_id").asText("");
        if (id.isBlank()) {
            return List.of();
        }
        Set<String> apps = new LinkedHashSet<>();
        for (ModelConfig model : config.models().values()) {
            if (NAME.equals(model.provider())) {
                for (String endpoint : List.of(model.remoteModel().orElse(""), model.remoteImageModel().orElse(""))) {
                    String[] parts = endpoint.split("/");
                    if (parts.length >= 2) {
                        apps.add(parts[0] + "/" + parts[1]);
                    }
                }
            }
        }
        return apps.stream().map(app -> app + "/" + id).toList();
    }
}
