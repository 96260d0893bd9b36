package io.reelflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigSourceContext;
import io.reelflow.testkit.TestConfig;

class SignInConfigTest {

    @Test
    void signInIsOnExactlyWhenAProviderIsConfigured() {
        assertThat(enabled(Map.of())).isEqualTo("false");
        assertThat(enabled(Map.of("quarkus.oidc.auth-server-url", " "))).isEqualTo("false");
        assertThat(enabled(Map.of("quarkus.oidc.auth-server-url", "https://login.example.com/realms/acme")))
                .isEqualTo("true");
        ConfigSource on = new SignInConfig().getConfigSources(context(Map.of())).iterator().next();
        assertThat(on.getOrdinal()).isBetween(251, 299);
    }

    private static String enabled(Map<String, String> values) {
        return new SignInConfig().getConfigSources(context(values)).iterator().next().getValue("quarkus.oidc.tenant-enabled");
    }

    private static ConfigSourceContext context(Map<String, String> values) {
        return TestConfig.sourceContext(values);
    }
}
