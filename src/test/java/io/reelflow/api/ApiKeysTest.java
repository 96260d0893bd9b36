package io.reelflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void aKeyActsForItsOwnTeamOnly() {
        ApiKeys keys = new ApiKeys(List.of(ApiKeys.entry("acme", "key-of-acme"), ApiKeys.entry("globex", "key-of-globex")));
        assertThat(keys.team("key-of-acme")).contains("acme");
        assertThat(keys.team("key-of-globex")).contains("globex");
        assertThat(keys.team("key-of-acme ")).as("surrounding blanks are not part of a key").contains("acme");
        assertThat(keys.team("key-of-acmE")).isEmpty();
        assertThat(keys.team("")).isEmpty();
        assertThat(keys.team(null)).isEmpty();
    }

    @Test
    void onlyHashesAreConfiguredAndAMalformedEntryIsRefusedWithoutEchoingIt() {
        assertThat(ApiKeys.entry("acme", "k")).matches("acme:[0-9a-f]{64}").doesNotContain(":k");
        assertThatThrownBy(() -> new ApiKeys(List.of("acme:plain-secret-key")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reelflow.api.keys")
                .hasMessageNotContaining("plain-secret-key");
        assertThatThrownBy(() -> new ApiKeys(List.of("../etc:" + "a".repeat(64))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
