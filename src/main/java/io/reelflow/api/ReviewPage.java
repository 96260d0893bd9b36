package io.reelflow.api;

import java.io.IOException;
import java.io.InputStream;

import java.net.URI;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The review page at {@code /review}; its script and styles are served from {@code /review/}. Where the deployment
 * has an OpenID provider ({@code quarkus.oidc.auth-server-url}), people sign in through it at {@code /review/sign-in}
 * (authorization code flow with PKCE); otherwise the page asks for an API key.
 */
@Path("/review")
public class ReviewPage {

    private static final String PAGE = "META-INF/resources/review/index.html";

    private final CurrentIdentityAssociation identities;
    private final boolean signIn;

    public ReviewPage(CurrentIdentityAssociation identities,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") java.util.Optional<String> provider,
            @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "true") boolean tenantEnabled) {
        this.identities = identities;
        this.signIn = provider.isPresent() && tenantEnabled;
    }

    /** Whether people can sign in here, and whether this browser is signed in. */
    @GET
    @Path("/session")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<Map<String, Boolean>> session() {
        return identities.getDeferredIdentity()
                .map(identity -> !identity.isAnonymous() && identity.getPrincipal() instanceof JsonWebToken)
                .onFailure().recoverWithItem(false)
                .map(signedIn -> Map.of("signIn", signIn, "signedIn", signedIn));
    }

    /** Signs a person in through the OpenID provider (the provider's login page), then back to the page. */
    @GET
    @Path("/sign-in")
    @Authenticated
    @Operation(hidden = true)
    public Response signIn() {
        return Response.seeOther(URI.create("/review")).build();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public byte[] page() throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IOException("the review page is missing from the package: " + PAGE);
            }
            return in.readAllBytes();
        }
    }
}
