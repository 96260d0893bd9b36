package io.reelflow.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

import io.smallrye.config.ConfigSourceContext;
import io.reelflow.testkit.TestConfig;

class TeamTopicsTest {

    @Test
    void aTeamsMessagesTravelOnItsOwnTopicOnlyWithTeamTopics() {
        assertThat(new TeamTopics(true).of(Topics.VIDEO_EVENTS, "acme")).isEqualTo("video-events.acme");
        assertThat(new TeamTopics(true).of(Topics.CAMPAIGN_BATCHES_REJECTED, "acme-eu"))
                .isEqualTo("campaign-batches-rejected.acme-eu");
        assertThat(new TeamTopics(false).of(Topics.VIDEO_EVENTS, "acme")).isEqualTo("video-events");
        // Unknown, or not a name a topic can end with: the shared topic, read by operators only.
        assertThat(new TeamTopics(true).of(Topics.CAMPAIGN_BATCHES_REJECTED, null)).isEqualTo("campaign-batches-rejected");
        assertThat(new TeamTopics(true).of(Topics.CAMPAIGN_BATCHES_REJECTED, "acme.eu")).isEqualTo("campaign-batches-rejected");
        assertThat(new TeamTopics(true).of(Topics.CAMPAIGN_BATCHES_REJECTED, "a/../b")).isEqualTo("campaign-batches-rejected");
    }

    @Test
    void withTeamTopicsOnlyTeamsWhoseIdCanEndATopicNameAreServed() {
        assertThat(new TeamTopics(true).serves("acme-eu_2")).isTrue();
        assertThat(new TeamTopics(true).serves("acme.eu")).isFalse();
        assertThat(new TeamTopics(true).serves(null)).isFalse();
        assertThat(new TeamTopics(false).serves("acme.eu")).isTrue();
    }

    @Test
    void theSenderIsTheTopicsSuffix() {
        assertThat(TeamTopics.sender("campaign-batches.acme")).contains("acme");
        assertThat(TeamTopics.sender("draft-reviews.acme-eu_2")).contains("acme-eu_2");
        assertThat(TeamTopics.sender("campaign-batches")).isEmpty();
        assertThat(TeamTopics.sender("campaign-batches.acme.eu")).isEmpty();
        assertThat(TeamTopics.sender("campaign-batches.")).isEmpty();
    }

    @Test
    void theSubscriptionPatternTakesEveryTeamsInputTopicAndNothingElse() {
        Pattern batches = Pattern.compile(TeamTopics.pattern(Topics.CAMPAIGN_BATCHES));
        assertThat(batches.matcher("campaign-batches.acme").matches()).isTrue();
        assertThat(batches.matcher("campaign-batches.Acme-2_x").matches()).isTrue();
        for (String other : List.of("campaign-batches", "campaign-batches-rejected.acme", "campaign-batches-dlq.acme",
                "campaign-batchesXacme", "campaign-batches.acme.eu", "draft-reviews.acme", "campaign-batches.")) {
            assertThat(batches.matcher(other).matches()).as(other).isFalse();
        }
    }

    @Test
    void oneSwitchSubscribesTheConsumersByPattern() {
        for (Map<String, String> off : List.of(Map.<String, String>of(), Map.of("reelflow.kafka.team-topics", "false"))) {
            ConfigSource shared = new TeamTopicsConfig().getConfigSources(context(off)).iterator().next();
            assertThat(shared.getValue("mp.messaging.incoming.campaign-batches.pattern")).isEqualTo("false");
            assertThat(shared.getValue("mp.messaging.incoming.campaign-batches.topic")).isEqualTo("campaign-batches");
            assertThat(shared.getValue("mp.messaging.incoming.draft-reviews.topic")).isEqualTo("draft-reviews");
        }
        ConfigSource source = new TeamTopicsConfig().getConfigSources(
                context(Map.of("reelflow.kafka.team-topics", "true"))).iterator().next();
        assertThat(source.getValue("mp.messaging.incoming.campaign-batches.pattern")).isEqualTo("true");
        assertThat(source.getValue("mp.messaging.incoming.campaign-batches.topic"))
                .isEqualTo(TeamTopics.pattern(Topics.CAMPAIGN_BATCHES));
        assertThat(source.getValue("mp.messaging.incoming.draft-reviews.topic"))
                .isEqualTo(TeamTopics.pattern(Topics.DRAFT_REVIEWS));
        // Above application.properties (250), below the environment (300).
        assertThat(source.getOrdinal()).isBetween(251, 299);
    }

    private static ConfigSourceContext context(Map<String, String> values) {
        return TestConfig.sourceContext(values);
    }
}
