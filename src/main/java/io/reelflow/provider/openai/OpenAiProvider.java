package io.reelflow.provider.openai;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.client.api.ClientMultipartForm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.ImageType;
import io.reelflow.provider.FailureKind;
import io.reelflow.provider.ProviderException;
import io.reelflow.provider.RemoteStatus;
import io.reelflow.provider.RenderRequest;
import io.reelflow.provider.http.MediaDownloads;
import io.reelflow.provider.http.ProviderCalls;
import io.reelflow.provider.http.RemoteProvider;
import jakarta.inject.Singleton;

/**
 * The {@code openai} provider: any endpoint serving the OpenAI Videos API contract
 * ({@code reelflow.providers.openai.base-url}, for example {@code https://gateway.example.com/v1}).
 *
 * <p>Create is a multipart {@code POST /videos} ({@code model}, {@code prompt}, {@code seconds} as a string,
 * {@code size}, the reference image as the {@code input_reference} file); status is {@code GET /videos/{id}}
 * honouring the {@code openai-poll-after-ms} hint; the result is {@code GET /videos/{id}/content?variant=video},
 * streamed; a landed video is deleted at the provider when configured. The contract has no client reference
 * field, so a create call whose outcome was not seen is found again by listing the newest videos and
 * matching model, prompt, size, seconds and creation time.
 */
@Singleton
public class OpenAiProvider extends RemoteProvider {

    public static final String NAME = "openai";
    private static final Logger LOG = Logger.getLogger(OpenAiProvider.class);
    private static final int LIST_PAGE = 100;
    private static final int MAX_LIST_PAGES = 10;
    /** Clock skew allowed between this service and the provider when matching creation times. */
    private static final Duration SKEW = Duration.ofMinutes(2);

    private final MediaDownloads downloads;

    public OpenAiProvider(ReelflowConfig config, ObjectMapper json) {
        super(config.providers().openai(), json);
        this.downloads = new MediaDownloads(NAME, remote.connectTimeout(), false);
    }

    @Override
    public String name() {
        return NAME;
    }

    private static ImageType referenceType(RenderRequest request) throws ProviderException {
        try {
            return ImageType.of(request.referenceImage());
        } catch (IOException e) {
            throw ProviderException.retryLater(Duration.ofSeconds(5), "reference image unreadable: " + e.getMessage(), e);
        }
    }

    private OpenAiVideosApi api() {
        return client(OpenAiVideosApi.class, Map.of("Authorization", "Bearer " + apiKey()));
    }

    @Override
    public Submission create(RenderRequest request) throws ProviderException {
        ClientMultipartForm form = ClientMultipartForm.create()
                .attribute("model", request.remoteModel(), null)
                .attribute("prompt", request.prompt(), null)
                .attribute("seconds", Integer.toString(request.seconds()), null)
                .attribute("size", request.size(), null);
        if (request.referenceImage() != null) {
            ImageType type = referenceType(request);
            form.binaryFileUpload("input_reference", "reference." + type.extension(),
                    request.referenceImage().toString(), type.mediaType());
        }
        Answer answer = call("create", true, () -> api().createVideo(form));
        String id = answer.body().path("id").asText(null);
        if (id == null || id.isBlank()) {
            throw ProviderException.outcomeUnknown("openai create answered without a video id", null);
        }
        return new Submission(id, pollAfter(answer));
    }

    @Override
    public Lookup lookup(RenderRequest request) throws ProviderException {
        Instant since = (request.submittedAt() == null ? Instant.now().minus(remote.reconcileWindow())
                : request.submittedAt()).minus(SKEW);
        List<String> matches = new ArrayList<>();
        String after = null;
        boolean complete = false;
        for (int page = 0; page < MAX_LIST_PAGES && !complete; page++) {
            String cursor = after;
            JsonNode list = call("list", false, () -> api().listVideos(LIST_PAGE, "desc", cursor)).body();
            boolean older = false;
            for (JsonNode video : list.path("data")) {
                Instant created = Instant.ofEpochSecond(video.path("created_at").asLong());
                if (created.isBefore(since)) {
                    older = true;
                    continue;
                }
                if (sameRequest(video, request)) {
                    matches.add(video.path("id").asText());
                }
            }
            complete = older || !list.path("has_more").asBoolean(false) || list.path("last_id").asText("").isEmpty();
            after = list.path("last_id").asText();
        }
        return listed(matches, complete, request);
    }

    static boolean sameRequest(JsonNode video, RenderRequest request) {
        String model = video.path("model").asText("");
        return (model.equals(request.remoteModel()) || model.startsWith(request.remoteModel() + "-"))
                && request.prompt().equals(video.path("prompt").asText(null))
                && request.size().equals(video.path("size").asText(null))
                && Integer.toString(request.seconds()).equals(video.path("seconds").asText(null));
    }

    @Override
    public RemoteStatus status(String providerJobId) throws ProviderException {
        Answer answer = call("status", false, () -> api().getVideo(providerJobId));
        return statusOf(answer.body(), pollAfter(answer), Instant.now());
    }

    public static RemoteStatus statusOf(JsonNode video, Duration pollAfter, Instant now) {
        String status = video.path("status").asText("");
        switch (status) {
            case "queued", "in_progress" -> {
                return new RemoteStatus.Running(video.path("progress").asInt(0), pollAfter);
            }
            case "completed" -> {
                long expires = video.path("expires_at").asLong(0);
                if (expires > 0 && Instant.ofEpochSecond(expires).isBefore(now)) {
                    return new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "openai: the finished video expired at "
                            + Instant.ofEpochSecond(expires) + " before it could be copied");
                }
                return new RemoteStatus.Succeeded();
            }
            case "failed" -> {
                JsonNode error = video.path("error");
                String code = error.path("code").asText(null);
                String message = error.path("message").asText("generation failed");
                FailureKind kind = ProviderCalls.refusalKind(code, message) == FailureKind.MODERATION
                        ? FailureKind.MODERATION
                        : FailureKind.PROVIDER_ERROR;
                return new RemoteStatus.Failed(kind, "openai: " + message + (code == null ? "" : " (" + code + ")"));
            }
            default -> {
                return new RemoteStatus.Failed(FailureKind.PROVIDER_ERROR, "openai: unknown video status '" + status + "'");
            }
        }
    }

    @Override
    public InputStream download(String providerJobId) throws ProviderException {
        return content(providerJobId, "video", "video/mp4");
    }

    /** The {@code thumbnail} variant of the video's content. */
    @Override
    public Optional<InputStream> thumbnail(String providerJobId) throws ProviderException {
        return Optional.of(content(providerJobId, "thumbnail", "image/webp"));
    }

    private InputStream content(String providerJobId, String variant, String accept) throws ProviderException {
        URI content = URI.create(remote.baseUrl().orElseThrow().replaceAll("/+$", "") + "/videos/"
                + java.net.URLEncoder.encode(providerJobId, java.nio.charset.StandardCharsets.UTF_8)
                + "/content?variant=" + variant);
        return downloads.open(content, Map.of("Authorization", "Bearer " + apiKey(), "Accept", accept),
                remote.downloadTimeout());
    }

    @Override
    public void afterLanding(String providerJobId) {
        if (!remote.deleteAfterLanding()) {
            return;
        }
        try {
            call("delete", false, () -> api().deleteVideo(providerJobId));
        } catch (ProviderException e) {
            // The copy expires at the provider anyway; the landed result is safe.
            LOG.warnf("openai: could not delete landed video %s: %s", providerJobId, e.getMessage());
        }
    }

    /** OpenAI webhooks name the video as {@code data.id} on {@code video.completed} and {@code video.failed}. */
    @Override
    public Optional<String> webhookJobId(JsonNode payload) {
        String type = payload.path("type").asText("");
        if (!type.startsWith("video.")) {
            return Optional.empty();
        }
        return Optional.ofNullable(payload.path("data").path("id").asText(null));
    }

    private static Duration pollAfter(Answer answer) {
        return millis(answer.header("openai-poll-after-ms"));
    }
}
