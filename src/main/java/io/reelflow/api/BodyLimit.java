package io.reelflow.api;

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

/**
 * Answers a request body over the HTTP layer's limit ({@code quarkus.http.limits.max-body-size}) as a
 * {@link Problem} naming the body, its size and the limit, where the HTTP layer alone would answer 413 with no body.
 * A body that declares its length is refused before any of it is read. One sent in chunks, with no length, is read
 * here up to the limit (the REST layer takes the body as read) and refused as soon as it passes it. Not answered
 * here: an HTTP/2 body with no declared length over the limit gets the HTTP layer's bare 413.
 */
@ApplicationScoped
public class BodyLimit {

    /** Ahead of the HTTP layer's own check (order -2), which ends the response with no body. */
    private static final int BEFORE_HTTP_LIMIT = -3;

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
    }

    private void check(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            try {
                long bytes = Long.parseLong(length.trim());
                if (bytes > limit) {
                    answer(context, "the request body is " + bytes + " bytes; at most " + limit + " are accepted");
                    return;
                }
            } catch (NumberFormatException e) {
                // Not a length: the HTTP layer answers that itself.
            }
        } else if (context.request().version() != HttpVersion.HTTP_2
                && MAY_HAVE_BODY.contains(context.request().method())) {
            // No length: sent in chunks. (An HTTP/2 request read ahead here could not be read by the REST layer.)
            chunked.handle(context);
            return;
        }
        context.next();
    }

    /** A chunked body that passed the limit while it was read. */
    private void refused(RoutingContext context) {
        if (context.statusCode() != 413) {
            context.next();
            return;
        }
        answer(context, "the request body is over the " + limit + " bytes accepted");
    }

    private void answer(RoutingContext context, String reason) {
        if (context.response().headWritten()) {
            context.response().end();
            return;
        }
        Problem problem = new ApiException(413, "Content too large", "the request body is too large",
                List.of(new Violation("(body)", reason))).problem();
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
