package io.reelflow.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void aKeyActsForItsOwnTeamOnly() {
        ApiKeys keys = new ApiKeys(List.of(ApiKeys.entry("acme", "key-of-acme"), ApiKeys.entry("globex", "key-of-globex")));
        assertThat(keys.holder("key-of-acme").map(ApiKeys.Holder::team)).contains("acme");
        assertThat(keys.holder("key-of-globex").map(ApiKeys.Holder::team)).contains("globex");
        assertThat(keys.holder("key-of-acme ").map(ApiKeys.Holder::team)).as("surrounding blanks are not part of a key").contains("acme");
        assertThat(keys.holder("key-of-acmE").map(ApiKeys.Holder::team)).isEmpty();
        assertThat(keys.holder("").map(ApiKeys.Holder::team)).isEmpty();
        assertThat(keys.holder(null).map(ApiKeys.Holder::team)).isEmpty();
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

    @Test
    void aKeyHasTheRolesItsEntryNamesOrAllThree() {
        ApiKeys keys = new ApiKeys(List.of(ApiKeys.entry("acme", "all"), ApiKeys.entry("acme", "look", Role.VIEWER),
                ApiKeys.entry("acme", "tool", Role.SUBMITTER, Role.REVIEWER)));
        assertThat(keys.holder("all").orElseThrow().roles()).containsExactlyInAnyOrder(Role.values());
        assertThat(keys.holder("look").orElseThrow().roles()).containsExactly(Role.VIEWER);
        assertThat(keys.holder("tool").orElseThrow().roles()).containsExactlyInAnyOrder(Role.SUBMITTER, Role.REVIEWER);
        assertThat(ApiKeys.entry("acme", "tool", Role.SUBMITTER, Role.REVIEWER)).endsWith(":submitter+reviewer");
        assertThatThrownBy(() -> new ApiKeys(List.of("acme:" + "a".repeat(64) + ":admin")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'admin' is not a role");
        assertThatThrownBy(() -> new ApiKeys(List.of("acme:" + "a".repeat(64) + ":viewer+")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
