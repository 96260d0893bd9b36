package io.reelflow.api;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Every {@code /api} request is authenticated by an API key, sent as {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}; the key decides the team. Requests without a valid key are answered 401.
 */
public class Authentication {

    private final ApiKeys keys;
    private final Caller caller;

    public Authentication(ApiKeys keys, Caller caller) {
        this.keys = keys;
        this.caller = caller;
    }

    @ServerRequestFilter(priority = jakarta.ws.rs.Priorities.AUTHENTICATION)
    public void authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return;
        }
        String presented = request.getHeaderString("X-API-Key");
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (presented == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7);
        }
        if (presented == null || presented.isBlank()) {
            throw new ApiException(401, "Unauthorized",
                    "an API key is required: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", null);
        }
        String team = keys.team(presented).orElseThrow(() -> new ApiException(401, "Unauthorized",
                "the API key is not valid", null));
        caller.authenticated(team);
    }
}
