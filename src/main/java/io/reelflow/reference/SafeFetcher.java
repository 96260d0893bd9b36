package io.reelflow.reference;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Fetches a reference image from a URL a campaign gave, without letting the URL reach inside the deployment:
 * http and https only; every address the host resolves to must be public (loopback, private, link-local,
 * carrier-grade NAT, unique-local, multicast and cloud metadata addresses are refused); redirects are not
 * followed; the body is limited in size and time. Hosts a deployment trusts explicitly may resolve to
 * private addresses (its own image server).
 *
 * <p>The address check runs just before the request; a DNS answer that changes in between (rebinding) is not
 * caught here, so deployments should also deny egress to internal ranges (see the NetworkPolicy).
 */
public class SafeFetcher {

    private final HttpClient client;
    private final long maxBytes;
    private final Duration timeout;
    private final Set<String> trustedHosts;

    public SafeFetcher(long maxBytes, Duration timeout, List<String> trustedHosts) {
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.trustedHosts = Set.copyOf(trustedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
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
        checkAddresses(host);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", "image/png, image/jpeg, image/webp").build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ReferenceImageException("did not answer within " + timeout.toSeconds() + " s", false, e);
        } catch (IOException e) {
            throw new ReferenceImageException("could not be fetched: " + e.getMessage(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReferenceImageException("fetch interrupted", false, e);
        }
        int status = response.statusCode();
        try (InputStream body = response.body()) {
            if (status >= 300 && status < 400) {
                throw new ReferenceImageException("answered with a redirect (HTTP " + status
                        + "); redirects are not followed: give the final address", true);
            }
            if (status != 200) {
                throw new ReferenceImageException("answered HTTP " + status, status < 500 && status != 429);
            }
            long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > maxBytes) {
                throw new ReferenceImageException("is " + declared + " bytes; at most " + maxBytes + " are allowed", true);
            }
            byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new ReferenceImageException("is larger than " + maxBytes + " bytes", true);
            }
            return bytes;
        } catch (HttpTimeoutException e) {
            throw new ReferenceImageException("did not finish within " + timeout.toSeconds() + " s", false, e);
        } catch (IOException e) {
            throw new ReferenceImageException("download broke off: " + e.getMessage(), false, e);
        }
    }

    private void checkAddresses(String host) throws ReferenceImageException {
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (trustedHosts.contains(bare.toLowerCase(Locale.ROOT))) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new ReferenceImageException("names host '" + bare + "', which does not resolve", false, e);
        }
        for (InetAddress address : addresses) {
            String why = notPublic(address);
            if (why != null) {
                throw new ReferenceImageException("resolves to " + address.getHostAddress() + ", a " + why
                        + " address; only public addresses are fetched", true);
            }
        }
    }

    /** Why {@code address} must not be fetched from, or null when it is a public address. */
    static String notPublic(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "wildcard";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local (cloud metadata)";
        }
        if (address.isSiteLocalAddress()) {
            return "private";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "reserved";
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "carrier-grade NAT";
            }
            if (first == 192 && second == 0 && (b[2] & 0xff) == 0) {
                return "reserved";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "benchmarking";
            }
            if (first >= 240) {
                return "reserved";
            }
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "unique-local (private)";
            }
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    String inner = notPublic(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                    if (inner != null) {
                        return inner + " (IPv4-mapped)";
                    }
                } catch (UnknownHostException impossible) {
                    return "unreadable";
                }
            }
        }
        return null;
    }
}
