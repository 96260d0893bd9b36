package io.reelflow.provider.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import io.reelflow.provider.FailureKind;
import io.reelflow.provider.ProviderException;

/**
 * Streams a provider's result from its download URL. Bytes go straight from the socket to the caller (who
 * writes them to a work file), so memory does not grow with the size of the video. A link that is gone
 * (expired, deleted) fails the job: the result cannot be made again without paying again.
 */
public final class MediaDownloads {

    private final HttpClient client;
    private final String provider;

    public MediaDownloads(String provider, Duration connectTimeout, boolean followRedirects) {
        this.provider = provider;
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(followRedirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER)
                .build();
    }

    /** Opens {@code uri}; the caller reads and closes the stream. */
    public InputStream open(URI uri, Map<String, String> headers, Duration timeout) throws ProviderException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        headers.forEach(request::header);
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw ProviderCalls.fromTransport(provider, "download", false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderException.retryLater(Duration.ofSeconds(1), provider + " download interrupted", e);
        }
        int status = response.statusCode();
        if (status == 200) {
            return response.body();
        }
        String body = drain(response.body());
        if (status == 403 || status == 404 || status == 410) {
            throw ProviderException.refused(FailureKind.PROVIDER_ERROR, provider
                    + " result is no longer downloadable (HTTP " + status + "): the provider's copy expired or was"
                    + " deleted before it could be copied");
        }
        throw ProviderCalls.fromStatus(provider, "download", false, status, null, body,
                response.headers().firstValue("Retry-After").orElse(null));
    }

    private static String drain(InputStream body) {
        try (InputStream in = body) {
            byte[] head = in.readNBytes(500);
            return head.length == 0 ? null : new String(head, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
