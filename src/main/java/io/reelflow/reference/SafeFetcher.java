package io.reelflow.reference;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * Fetches a reference image from a URL a campaign gave, without letting the URL reach inside the deployment:
 * http and https only; the host is resolved once, every address it resolves to must be public (loopback, private,
 * link-local, carrier-grade NAT, unique-local, multicast, cloud metadata, documentation and reserved addresses are
 * refused, also when written inside IPv6 as IPv4-mapped, NAT64 or 6to4 addresses), and the connection goes to the
 * address that was checked, never to a second lookup's answer (a DNS answer that changes in between, rebinding,
 * cannot redirect it); TLS still verifies the certificate against the host's name. Redirects are not followed; the
 * body is limited in size and time. Refusals name the kind of address, never the address. Hosts a deployment trusts
 * explicitly may resolve to private addresses (its own image server).
 */
public class SafeFetcher implements AutoCloseable {

    /** Resolves a host name to its addresses: the JDK's resolver, or a test's. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final HttpClient client;
    private final Vertx ownVertx;
    private final long maxBytes;
    private final Duration timeout;
    private final Set<String> trustedHosts;
    private final Resolver resolver;

    public SafeFetcher(Vertx vertx, long maxBytes, Duration timeout, List<String> trustedHosts, Resolver resolver) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.resolver = resolver;
        this.trustedHosts = Set.copyOf(trustedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
        this.ownVertx = vertx == null ? Vertx.vertx() : null;
        this.client = (vertx == null ? ownVertx : vertx).createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) timeout.toMillis())
                .setKeepAlive(false)
                .setVerifyHost(true)
                .setForceSni(true)
                .setMaxRedirects(0));
    }

    /** A fetcher with its own Vert.x instance and the JDK's resolver (tools and tests). */
    public SafeFetcher(long maxBytes, Duration timeout, List<String> trustedHosts) {
        this(null, maxBytes, timeout, trustedHosts, InetAddress::getAllByName);
    }

    @Override
    public void close() {
        client.close();
        if (ownVertx != null) {
            ownVertx.close();
        }
    }

    public byte[] fetch(String url) throws ReferenceImageException {
        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new ReferenceImageException("is not a valid URL: " + e.getReason(), true);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ReferenceImageException("uses scheme '" + scheme + "'; only http and https are fetched", true);
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new ReferenceImageException("has no host", true);
        }
        if (uri.getUserInfo() != null) {
            throw new ReferenceImageException("must not carry credentials", true);
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        InetAddress address = checkedAddress(bare);
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(bare)
                .setPort(port)
                .setSsl(tls)
                .setURI(target)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
                .setFollowRedirects(false)
                .setTimeout(timeout.toMillis())
                .putHeader("Accept", "image/png, image/jpeg, image/webp");
        CompletableFuture<byte[]> body = new CompletableFuture<>();
        client.request(request)
                .compose(HttpClientRequest::send)
                .onSuccess(response -> read(response, body))
                .onFailure(body::completeExceptionally);
        try {
            return body.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw refusal(e.getCause());
        } catch (TimeoutException e) {
            throw new ReferenceImageException("did not finish within " + timeout.toSeconds() + " s", false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReferenceImageException("fetch interrupted", false, e);
        }
    }

    /** Reads the answer into {@code body}, at most {@link #maxBytes} of it. */
    private void read(HttpClientResponse response, CompletableFuture<byte[]> body) {
        // Set first: a reset below (refusal, too large) ends the stream with an error nobody else should log.
        response.exceptionHandler(body::completeExceptionally);
        int status = response.statusCode();
        ReferenceImageException refused = null;
        if (status >= 300 && status < 400) {
            refused = new ReferenceImageException("answered with a redirect (HTTP " + status
                    + "); redirects are not followed: give the final address", true);
        } else if (status != 200) {
            refused = new ReferenceImageException("answered HTTP " + status, status < 500 && status != 429);
        } else {
            String length = response.getHeader("Content-Length");
            if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBytes) {
                refused = new ReferenceImageException("is " + length + " bytes; at most " + maxBytes + " are allowed",
                        true);
            }
        }
        if (refused != null) {
            body.completeExceptionally(refused);
            response.request().reset();
            return;
        }
        Buffer received = Buffer.buffer();
        response.handler(chunk -> {
            if (body.isDone()) {
                return;
            }
            if (received.length() + (long) chunk.length() > maxBytes) {
                body.completeExceptionally(new ReferenceImageException("is larger than " + maxBytes + " bytes", true));
                response.request().reset();
                return;
            }
            received.appendBuffer(chunk);
        });
        response.endHandler(done -> body.complete(received.getBytes()));
    }

    /** What went wrong, in words that name no internal address (a connection error's text may hold one). */
    private ReferenceImageException refusal(Throwable failure) {
        if (failure instanceof ReferenceImageException refused) {
            return refused;
        }
        String what;
        if (failure instanceof java.util.concurrent.TimeoutException || failure instanceof io.netty.channel.ConnectTimeoutException
                || failure instanceof io.vertx.core.impl.NoStackTraceTimeoutException) {
            what = "did not answer within " + timeout.toSeconds() + " s";
        } else if (failure instanceof java.net.ConnectException) {
            what = "could not be connected to";
        } else if (failure instanceof javax.net.ssl.SSLException) {
            what = "failed the TLS handshake (a certificate not trusted, or not for this host)";
        } else {
            what = "could not be fetched (" + failure.getClass().getSimpleName() + ")";
        }
        return new ReferenceImageException(what, false, failure);
    }

    /**
     * The address to connect to: the host's addresses resolved once, each checked, the first taken. A trusted host's
     * addresses are not checked, but are still the ones connected to.
     */
    private InetAddress checkedAddress(String host) throws ReferenceImageException {
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new ReferenceImageException("names host '" + host + "', which does not resolve", false, e);
        }
        if (addresses == null || addresses.length == 0) {
            throw new ReferenceImageException("names host '" + host + "', which does not resolve", false);
        }
        if (!trustedHosts.contains(host.toLowerCase(Locale.ROOT))) {
            for (InetAddress address : addresses) {
                String why = InternalAddresses.why(address);
                if (why != null) {
                    throw new ReferenceImageException("names a host that resolves to a " + why
                            + " address; only public addresses are fetched", true);
                }
            }
        }
        return addresses[0];
    }
}
