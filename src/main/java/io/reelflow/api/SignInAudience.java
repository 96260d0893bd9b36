package io.reelflow.api;

import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * With an OpenID provider, Reelflow takes only the tokens issued for it: {@code quarkus.oidc.token.audience} names
 * the audience its clients' tokens carry, and a replica does not start without it. A company's provider issues
 * tokens to many applications of the same realm, with the same issuer and signing keys; without the audience, a
 * token a person got for any of them would act on Reelflow for their team. {@code any} takes every token of the
 * provider, on purpose.
 */
@ApplicationScoped
class SignInAudience {

    private final boolean signIn;
    private final Optional<List<String>> audience;

    SignInAudience(@ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true") boolean tenantEnabled,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> provider,
            @ConfigProperty(name = "quarkus.oidc.token.audience") Optional<List<String>> audience) {
        this.signIn = tenantEnabled && provider.isPresent();
        this.audience = audience;
    }

    void check(@Observes StartupEvent event) {
        refusal(signIn, audience).ifPresent(reason -> {
            throw new IllegalStateException(reason);
        });
    }

    /** Why the service must not start with this sign-in configuration, if it must not. */
    static Optional<String> refusal(boolean signIn, Optional<List<String>> audience) {
        if (!signIn || audience.map(values -> values.stream().anyMatch(v -> !v.isBlank())).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of("QUARKUS_OIDC_TOKEN_AUDIENCE (quarkus.oidc.token.audience) is not set: with an OpenID"
                + " provider it must name the audience of the tokens issued for Reelflow (with Keycloak, an audience"
                + " mapper on Reelflow's clients adds it to their access and ID tokens), so that tokens the provider"
                + " issued to other applications are refused; 'any' takes every token of the provider");
    }
}
