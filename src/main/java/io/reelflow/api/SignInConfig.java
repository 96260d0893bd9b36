package io.reelflow.api;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import org.eclipse.microprofile.config.spi.ConfigSource;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

/**
 * Sign-in with an OpenID provider is on exactly when the provider is configured: {@code quarkus.oidc.tenant-enabled}
 * follows {@code quarkus.oidc.auth-server-url}, so that without one the service takes API keys only. The value is
 * given either way, so that what the build saw (no provider) is not taken as the default at run time. Placed above
 * {@code application.properties} and below the environment.
 */
public class SignInConfig implements ConfigSourceFactory {

    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue provider = context.getValue("quarkus.oidc.auth-server-url");
        boolean configured = provider != null && provider.getValue() != null && !provider.getValue().isBlank();
        return List.of(new PropertiesConfigSource(Map.of("quarkus.oidc.tenant-enabled", Boolean.toString(configured)),
                "reelflow sign-in", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
