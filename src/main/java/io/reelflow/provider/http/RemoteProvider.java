package io.reelflow.provider.http;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import io.reelflow.config.RemoteConfig;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.provider.ProviderException;
import io.reelflow.provider.VideoProvider;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

/**
 * What the remote adapters share: on only when an endpoint and a key are configured, one way to make a call
 * and read its answer, and the provider's webhook secret.
 */
public abstract class RemoteProvider implements VideoProvider {

    /** A successful answer: its JSON body and headers. */
    public record Answer(JsonNode body, MultivaluedMap<String, Object> headers) {

        public Optional<String> header(String name) {
            Object value = headers.getFirst(name);
            return value == null ? Optional.empty() : Optional.of(value.toString());
        }
    }

    protected final RemoteConfig remote;
    protected final ObjectMapper json;
    private volatile Object client;

    protected RemoteProvider(RemoteConfig remote, ObjectMapper json) {
        this.remote = remote;
        this.json = json;
    }

    @Override
    public boolean enabled() {
        return remote.baseUrl().filter(s -> !s.isBlank()).isPresent()
                && remote.apiKey().filter(s -> !s.isBlank()).isPresent();
    }

    /** The secret that signs this provider's webhooks, when webhooks are configured. */
    public Optional<String> webhookSecret() {
        return remote.webhookSecret().filter(s -> !s.isBlank());
    }

    /** One webhook delivery as it arrived: its headers (by name, any case) and its raw body. */
    public record WebhookDelivery(java.util.function.Function<String, String> headers, byte[] body) {
        public String header(String name) {
            return headers.apply(name);
        }
    }

    /** Whether this deployment receives the provider's webhooks (by default: when their signing secret is set). */
    public boolean receivesWebhooks() {
        return webhookSecret().isPresent();
    }

    /**
     * Checks that a delivery came from the provider and returns an id for it, the same for every retry of the
     * delivery (so a retried one is acknowledged without acting twice). By default the Standard Webhooks scheme
     * (OpenAI, Replicate): an HMAC under the {@code whsec_} secret, with a timestamp inside {@code tolerance}.
     */
    public String verifyWebhook(WebhookDelivery delivery, java.time.Instant now, Duration tolerance)
            throws WebhookSignature.Refused {
        WebhookSignature.verify(webhookSecret().orElseThrow(), delivery.header("webhook-id"),
                delivery.header("webhook-timestamp"), delivery.body(), delivery.header("webhook-signature"), now,
                tolerance);
        return delivery.header("webhook-id");
    }

    /** The provider job a verified webhook payload is about, if it names one. */
    public abstract Optional<String> webhookJobId(JsonNode payload);

    /** The provider job ids a verified webhook payload may be about (where an id can be written more than one way). */
    public java.util.List<String> webhookJobIds(JsonNode payload) {
        return webhookJobId(payload).map(java.util.List::of).orElse(java.util.List.of());
    }

    /** The provider's REST client, built on first use (the provider may be off and never need one). */
    protected <A> A client(Class<A> api, java.util.Map<String, String> headers) {
        return client(api, () -> headers);
    }

    /** The provider's REST client, with headers made for each request. */
    @SuppressWarnings("unchecked")
    protected <A> A client(Class<A> api, Supplier<java.util.Map<String, String>> headers) {
        Object current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    client = RestClients.build(api, remote, headers);
                }
                current = client;
            }
        }
        return (A) current;
    }

    protected String apiKey() {
        return remote.apiKey().orElseThrow(() -> new IllegalStateException(name() + " has no API key configured"));
    }

    /**
     * Makes one call and reads its answer; anything but a 2xx answer becomes a classified
     * {@link ProviderException}.
     */
    protected Answer call(String call, boolean create, Supplier<Response> request) throws ProviderException {
        return timed(call, create, false, request);
    }

    private Answer timed(String call, boolean create, boolean missingOk, Supplier<Response> request)
            throws ProviderException {
        long started = System.nanoTime();
        String outcome = "ok";
        try {
            return answer(call, create, missingOk, request);
        } catch (ProviderException e) {
            outcome = e.kind().name().toLowerCase(java.util.Locale.ROOT);
            throw e;
        } finally {
            // Provider latency and errors: reelflow_provider_requests_seconds{provider, call, outcome}.
            io.micrometer.core.instrument.Timer.builder("reelflow_provider_requests")
                    .description("Requests to the video providers' APIs, by outcome")
                    .tags("provider", name(), "call", call, "outcome", outcome)
                    .register(io.micrometer.core.instrument.Metrics.globalRegistry)
                    .record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** Like {@link #call}, but a 404 answer is "no such thing" (empty) rather than a failure. */
    protected Optional<Answer> callOrMissing(String call, Supplier<Response> request) throws ProviderException {
        return Optional.ofNullable(timed(call, false, true, request));
    }

    private Answer answer(String call, boolean create, boolean missingOk, Supplier<Response> request)
            throws ProviderException {
        Response response;
        try {
            response = request.get();
        } catch (RuntimeException e) {
            throw ProviderCalls.fromTransport(name(), call, create, e);
        }
        try (response) {
            int status = response.getStatus();
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            JsonNode parsed = parse(body);
            if (status >= 200 && status < 300) {
                return new Answer(parsed, response.getHeaders());
            }
            if (status == 404 && missingOk) {
                return null;
            }
            String retryAfter = response.getHeaderString("Retry-After");
            throw refine(ProviderCalls.fromStatus(name(), call, create, status, errorCode(parsed),
                    errorMessage(parsed, body), retryAfter), status, parsed);
        } catch (ProviderException e) {
            throw e;
        } catch (RuntimeException e) {
            // The answer broke off while being read: for a create call the job may exist.
            throw ProviderCalls.fromTransport(name(), call, create, e);
        }
    }

    /**
     * Adds what only this provider's error body tells to a classified failure (what a refusal was about, a
     * refusal for capacity); the classification itself stays {@link ProviderCalls}'s.
     */
    protected ProviderException refine(ProviderException failure, int status, JsonNode body) {
        return failure;
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (java.io.IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** The provider's error code, from the shapes the providers use. */
    static String errorCode(JsonNode body) {
        JsonNode error = body.path("error");
        if (error.path("code").isValueNode()) {
            return error.path("code").asText();
        }
        if (error.path("status").isTextual()) {
            return error.path("status").asText();
        }
        return body.path("title").isTextual() ? body.path("title").asText() : null;
    }

    /** The provider's error message, from the shapes the providers use. */
    static String errorMessage(JsonNode body, String raw) {
        JsonNode error = body.path("error");
        if (error.path("message").isTextual()) {
            return error.path("message").asText();
        }
        if (error.isTextual()) {
            return error.asText();
        }
        if (body.path("detail").isTextual()) {
            return body.path("detail").asText();
        }
        return raw == null || raw.isBlank() ? null : raw;
    }

    /**
     * What a listing of the provider's jobs says: the matching jobs; or, when the listing was read back past
     * the create call and {@code listing-delay} has passed since it, that the call never reached the provider.
     */
    protected Lookup listed(java.util.List<String> matches, boolean complete, io.reelflow.provider.RenderRequest request) {
        if (matches.isEmpty() && complete && request.submittedAt() != null
                && java.time.Instant.now().isAfter(request.submittedAt().plus(remote.listingDelay()))) {
            return Lookup.neverReceived();
        }
        return Lookup.matching(matches);
    }

    /** The prepared first frame as bare base64; an unreadable work file is retried later (nothing was sent). */
    protected static String base64(java.nio.file.Path image) throws ProviderException {
        try {
            return java.util.Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(image));
        } catch (java.io.IOException e) {
            throw ProviderException.retryLater(Duration.ofSeconds(5), "reference image unreadable: " + e.getMessage(), e);
        }
    }

    /** The prepared first frame as a data URL of its own type. */
    protected static String dataUrl(java.nio.file.Path image) throws ProviderException {
        String base64 = base64(image);
        try {
            return "data:" + io.reelflow.media.ImageType.of(image).mediaType() + ";base64," + base64;
        } catch (java.io.IOException e) {
            throw ProviderException.retryLater(Duration.ofSeconds(5), "reference image unreadable: " + e.getMessage(), e);
        }
    }

    protected static Duration millis(Optional<String> value) {
        try {
            return value.map(v -> Duration.ofMillis(Long.parseLong(v.trim()))).orElse(null);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
