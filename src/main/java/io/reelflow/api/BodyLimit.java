package io.reelflow.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.configuration.MemorySize;
import io.reelflow.validation.Violation;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

/**
 * Answers a request body over the HTTP layer's limit ({@code quarkus.http.limits.max-body-size}) as a
 * {@link Problem} naming the body, its size and the limit, where the HTTP layer alone would answer 413 with no body.
 * A body that declares its length is refused before any of it is read. One sent in chunks over HTTP/1.1, with no
 * length, is read here up to the limit (the REST layer takes the body as read) and refused as soon as it passes it.
 * One sent over HTTP/2 with no length is counted as the REST layer reads it ({@link #aroundReadFrom}), and refused
 * as soon as it passes the limit; only its own stream ends, the connection and its other requests go on.
 */
@ApplicationScoped
@Provider
public class BodyLimit implements ReaderInterceptor {

    /** Ahead of the HTTP layer's own check (order -2), which ends the response with no body. */
    private static final int BEFORE_HTTP_LIMIT = -3;
    /** Right after it, to take over its count of an HTTP/2 body with no length. */
    private static final int AFTER_HTTP_LIMIT = -1;
    /** Where the HTTP layer leaves its limit for the REST layer's reading, which ends the response bare past it. */
    private static final String HTTP_LAYER_COUNT = "io.quarkus.max-request-size";
    /** RST_STREAM's code asking a client to stop sending a request whose response is complete (RFC 9113, 8.1). */
    private static final long NO_ERROR = 0;

    private static final Set<HttpMethod> MAY_HAVE_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    private final long limit;
    private final ObjectMapper json;
    private final BodyHandler chunked;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
            MemorySize limit, ObjectMapper json) {
        this.limit = limit.asLongValue();
        this.json = json;
        this.chunked = BodyHandler.create(false).setBodyLimit(this.limit);
    }

    void install(@Observes Router router) {
        router.route().order(BEFORE_HTTP_LIMIT).handler(this::check).failureHandler(this::refused);
        router.route().order(AFTER_HTTP_LIMIT).handler(this::streamed);
    }

    private void check(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                long bytes = Long.parseLong(length.trim());
                if (bytes > limit) {
                    answer(context, tooLarge("the request body is " + bytes + " bytes; at most " + limit
                            + " are accepted"));
                    return;
                }
            } catch (NumberFormatException e) {
                // Not a length: the HTTP layer answers that itself.
            }
        } else if (context.request().version() != HttpVersion.HTTP_2
                && MAY_HAVE_BODY.contains(context.request().method())) {
            // No length: sent in chunks. (An HTTP/2 request is counted as it is read: the REST layer cannot take
            // one whose stream has ended.)
            chunked.handle(context);
            return;
        }
        context.next();
    }

    /**
     * An HTTP/2 body with no length: counted where the REST layer reads it ({@link #aroundReadFrom}), not by the
     * HTTP layer. Once its answer is complete, a request still being sent is asked to stop, without error.
     */
    private void streamed(RoutingContext context) {
        if (context.request().version() == HttpVersion.HTTP_2 && MAY_HAVE_BODY.contains(context.request().method())
                && context.request().getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
            context.remove(HTTP_LAYER_COUNT);
            context.addEndHandler(ended -> {
                if (!context.request().isEnded()) {
                    context.response().reset(NO_ERROR);
                }
            });
        }
        context.next();
    }

    /** Every body the REST layer reads, read at most to the limit. */
    @Override
    public Object aroundReadFrom(ReaderInterceptorContext read) throws IOException {
        read.setInputStream(new Bounded(read.getInputStream()));
        return read.proceed();
    }

    private ApiException tooLarge() {
        return tooLarge("the request body is over the " + limit + " bytes accepted");
    }

    private static ApiException tooLarge(String reason) {
        return new ApiException(413, "Content too large", "the request body is too large",
                List.of(new Violation("(body)", reason)));
    }

    /** A body's stream that refuses to read past the limit. */
    private final class Bounded extends FilterInputStream {

        private long read;

        Bounded(InputStream body) {
            super(body);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            int n = super.read(into, offset, length);
            count(n);
            return n;
        }

        private void count(int n) {
            if (n > 0 && (read += n) > limit) {
                throw tooLarge();
            }
        }
    }

    /** A chunked body that passed the limit while it was read. */
    private void refused(RoutingContext context) {
        if (context.statusCode() != 413) {
            context.next();
            return;
        }
        answer(context, tooLarge());
    }

    private void answer(RoutingContext context, ApiException refusal) {
        if (context.response().headWritten()) {
            context.response().end();
            return;
        }
        Problem problem = refusal.problem();
        String body;
        try {
            body = json.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        context.response().setStatusCode(413).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (context.request().version() != HttpVersion.HTTP_2) {
            // The rest of an unread body is not drained: the connection is closed behind the answer.
            context.response().putHeader(HttpHeaders.CONNECTION, "close");
        }
        context.response().end(body);
    }
}
