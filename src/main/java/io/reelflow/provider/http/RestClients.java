package io.reelflow.provider.http;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.reelflow.config.RemoteConfig;
import io.reelflow.config.ReelflowConfig;
import jakarta.ws.rs.client.ClientRequestFilter;

/**
 * Builds the typed REST clients the adapters call: base URL and timeouts from configuration, the key sent as a
 * header the provider expects, and no exception mapping, so every answer reaches the adapter's own
 * classification ({@link ProviderCalls}).
 */
public final class RestClients {

    private RestClients() {
    }

    public static <T> T build(Class<T> api, RemoteConfig remote, Map<String, String> headers) {
        return build(api, remote, () -> headers);
    }

    /** A client whose headers are made for each request (a token that is renewed before it expires). */
    public static <T> T build(Class<T> api, RemoteConfig remote, java.util.function.Supplier<Map<String, String>> headers) {
        String baseUrl = remote.baseUrl().orElseThrow(() -> new IllegalStateException("no base URL configured"));
        ClientRequestFilter authenticate = request -> headers.get().forEach((name, value) -> request.getHeaders()
                .putSingle(name, value));
        return QuarkusRestClientBuilder.newBuilder()
                .baseUri(URI.create(stripSlash(baseUrl)))
                .connectTimeout(remote.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(remote.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .followRedirects(false)
                .disableDefaultMapper(true)
                .register(authenticate)
                .build(api);
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
