package io.reelflow.api;

import java.util.Set;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Signs in a request that presents one of the deployment's API keys ({@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}), as its team with the key's roles. It goes before the OpenID Connect mechanism: a bearer
 * value that is no API key is left to it, to be verified as a token of the configured provider.
 */
@ApplicationScoped
public class ApiKeyMechanism implements HttpAuthenticationMechanism {

    /** The identity attribute holding the team of an API key. */
    static final String TEAM = "reelflow.team";

    private final ApiKeys keys;

    public ApiKeyMechanism(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String presented = presented(context.request().getHeader("X-API-Key"),
                context.request().getHeader(HttpHeaders.AUTHORIZATION));
        return keys.holder(presented)
                .<Uni<SecurityIdentity>>map(holder -> {
                    QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                            .setPrincipal(() -> "API key of team " + holder.team())
                            .addAttribute(TEAM, holder.team());
                    holder.roles().forEach(role -> identity.addRole(role.wireName()));
                    return Uni.createFrom().item(identity.build());
                })
                .orElseGet(() -> Uni.createFrom().nullItem());
    }

    /** The key a request presents, or null. */
    static String presented(String apiKeyHeader, String authorization) {
        if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
            return apiKeyHeader;
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7);
        }
        return null;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        // No challenge of its own: the API answers 401 with a problem, and the review page's sign-in is the
        // OpenID provider's to challenge.
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 1000;
    }
}
