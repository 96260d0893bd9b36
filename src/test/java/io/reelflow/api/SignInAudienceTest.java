package io.reelflow.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SignInAudienceTest {

    @Test
    void withAProviderTheAudienceMustBeNamed() {
        assertThat(SignInAudience.refusal(true, Optional.empty()))
                .hasValueSatisfying(reason -> assertThat(reason).startsWith("QUARKUS_OIDC_TOKEN_AUDIENCE")
                        .contains("other applications are refused").contains("'any'"));
        assertThat(SignInAudience.refusal(true, Optional.of(List.of(" ")))).isPresent();
        assertThat(SignInAudience.refusal(true, Optional.of(List.of("reelflow")))).isEmpty();
        assertThat(SignInAudience.refusal(true, Optional.of(List.of("reelflow", "reelflow-review")))).isEmpty();
        assertThat(SignInAudience.refusal(true, Optional.of(List.of("any")))).isEmpty();
    }

    @Test
    void withoutAProviderNothingIsAsked() {
        assertThat(SignInAudience.refusal(false, Optional.empty())).isEmpty();
    }
}
