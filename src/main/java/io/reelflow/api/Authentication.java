package io.reelflow.api;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.messaging.TeamTopics;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

/**
 * Every {@code /api} request acts for one team with the roles its credential gives: an API key
 * ({@code Authorization: Bearer <key>} or {@code X-API-Key}, see {@link ApiKeys}), a bearer token of the configured
 * OpenID provider, or the review page's sign-in session. For a token, the team is its claim
 * {@code reelflow.api.team-claim} and the roles are those of its role claim that Reelflow knows. Requests without a
 * valid credential are answered 401; what a role does not allow, 403 ({@link Caller}).
 */
public class Authentication {

    private static final Logger LOG = Logger.getLogger(Authentication.class);

    private final CurrentIdentityAssociation identities;
    private final Caller caller;
    private final ReelflowConfig config;
    private final TeamTopics topics;

    public Authentication(CurrentIdentityAssociation identities, Caller caller, ReelflowConfig config,
            TeamTopics topics) {
        this.identities = identities;
        this.caller = caller;
        this.config = config;
        this.topics = topics;
    }

    @ServerRequestFilter(priority = jakarta.ws.rs.Priorities.AUTHENTICATION)
    public Uni<Void> authenticate(ContainerRequestContext request) {
        if (!request.getUriInfo().getPath().startsWith("/api/")) {
            return Uni.createFrom().voidItem();
        }
        boolean presented = ApiKeyMechanism.presented(request.getHeaderString("X-API-Key"),
                request.getHeaderString(HttpHeaders.AUTHORIZATION)) != null;
        return identities.getDeferredIdentity()
                .onFailure().transform(e -> {
                    LOG.debugf("credential refused: %s", e.toString());
                    return new ApiException(401, "Unauthorized", "the bearer value is neither an API key of this"
                            + " deployment nor a current token of its OpenID provider (issuer, signature, expiry)", null);
                })
                .invoke(identity -> sign(identity, presented))
                .replaceWithVoid();
    }

    private void sign(SecurityIdentity identity, boolean presented) {
        if (identity.isAnonymous()) {
            throw new ApiException(401, "Unauthorized", presented ? "the API key is not valid"
                    : "an API key is required: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'"
                            + " (or sign in on the review page where the deployment has an OpenID provider)", null);
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        identity.getRoles().forEach(name -> Role.of(name).ifPresent(roles::add));
        String keyTeam = identity.getAttribute(ApiKeyMechanism.TEAM);
        if (keyTeam != null) {
            caller.authenticated(served(keyTeam), roles, null);
            return;
        }
        if (!(identity.getPrincipal() instanceof JsonWebToken token)) {
            throw new ApiException(401, "Unauthorized", "this kind of credential is not accepted", null);
        }
        caller.authenticated(served(team(token)), roles, name(token));
    }

    /** With team topics, a team id must be able to end a topic name (no '.'): its messages travel on its own topics. */
    private String served(String team) {
        if (!topics.serves(team)) {
            throw new ApiException(403, "Forbidden", "team '" + team + "' cannot be served by this deployment: with"
                    + " team topics a team id is letters, digits, '_' and '-' only", null);
        }
        return team;
    }

    /** The token's team: its team claim, a string or a list of exactly one. */
    private String team(JsonWebToken token) {
        String claim = config.api().teamClaim();
        Object value = token.getClaim(claim);
        Optional<String> team = Optional.empty();
        if (value instanceof String s) {
            team = Optional.of(s);
        } else if (value instanceof jakarta.json.JsonString s) {
            team = Optional.of(s.getString());
        } else if (value instanceof java.util.Collection<?> list && list.size() == 1) {
            Object only = list.iterator().next();
            team = Optional.of(only instanceof jakarta.json.JsonString s ? s.getString() : String.valueOf(only));
        } else if (value instanceof jakarta.json.JsonArray list && list.size() == 1) {
            team = Optional.of(list.getString(0));
        }
        return team.map(t -> t.startsWith("/") ? t.substring(1) : t)
                .filter(t -> t.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
                .orElseThrow(() -> new ApiException(403, "Forbidden", "your sign-in names no single team: its claim '"
                        + claim + "' must hold one team id", null));
    }

    private static String name(JsonWebToken token) {
        for (String claim : new String[] {"preferred_username", "email", "sub"}) {
            Object value = token.getClaim(claim);
            if (value != null) {
                String text = value instanceof jakarta.json.JsonString s ? s.getString() : value.toString();
                if (!text.isBlank()) {
                    return text;
                }
            }
        }
        return token.getName();
    }
}
