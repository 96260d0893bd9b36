package io.reelflow.api;

import java.util.List;

import io.reelflow.validation.Violation;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A request the API refuses, answered as a {@link Problem}. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;
    private final List<Violation> violations;

    public ApiException(int status, String title, String detail, List<Violation> violations) {
        super(detail);
        this.status = status;
        this.title = title;
        this.violations = violations;
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "Not found", what + " does not exist for your team", null);
    }

    public static ApiException invalid(String detail, List<Violation> violations) {
        return new ApiException(422, "Invalid request", detail, violations);
    }

    public static ApiException invalid(String field, String reason) {
        return invalid("the request has 1 problem", List.of(new Violation(field, reason)));
    }

    Problem problem() {
        return new Problem("https://reelflow.io/problems/" + title.toLowerCase().replace(' ', '-'), title, status,
                getMessage(), violations == null || violations.isEmpty() ? null : violations);
    }

    static Response response(Problem problem) {
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    /** Answers every {@link ApiException} in the problem format. */
    @Provider
    public static class Mapper implements ExceptionMapper<ApiException> {
        @Override
        public Response toResponse(ApiException e) {
            Response response = response(e.problem());
            if (e.status == 401) {
                return Response.fromResponse(response).header("WWW-Authenticate", "Bearer realm=\"reelflow\"").build();
            }
            return response;
        }
    }

    /** Answers the framework's own refusals (unknown path, wrong method or media type) in the problem format. */
    @Provider
    public static class WebMapper implements ExceptionMapper<jakarta.ws.rs.WebApplicationException> {
        @Override
        public Response toResponse(jakarta.ws.rs.WebApplicationException e) {
            int status = e.getResponse().getStatus();
            String title = Response.Status.fromStatusCode(status) == null ? "Error"
                    : Response.Status.fromStatusCode(status).getReasonPhrase();
            return response(new Problem("about:blank", title, status, e.getMessage(), null));
        }
    }

    /** Anything unexpected: a 500 in the problem format with an id to find it in the log, never a stack trace. */
    @Provider
    public static class UnexpectedMapper implements ExceptionMapper<Exception> {

        private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(UnexpectedMapper.class);

        @Override
        public Response toResponse(Exception e) {
            String id = java.util.UUID.randomUUID().toString();
            LOG.errorf(e, "request failed, error id %s", id);
            return response(new Problem("about:blank", "Internal Server Error", 500,
                    "the request failed on the server (error id " + id + ")", null));
        }
    }
}
