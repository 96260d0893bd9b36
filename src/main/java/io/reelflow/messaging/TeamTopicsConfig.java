package io.reelflow.messaging;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Turns {@code reelflow.kafka.team-topics=true} into the channel settings it implies, so that one switch changes the
 * deployment: the intake and review consumers subscribe by pattern to every team's topic ({@code campaign-batches.<team>},
 * {@code draft-reviews.<team>}) and look for new teams' topics every 30 s. Placed above {@code application.properties}
 * and below the environment, so an operator can still set any of these by hand.
 */
public class TeamTopicsConfig implements ConfigSourceFactory {

    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue value = context.getValue("reelflow.kafka.team-topics");
        if (value == null || value.getValue() == null || !Boolean.parseBoolean(value.getValue().trim())) {
            return Collections.emptyList();
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String channel : List.of(Topics.CAMPAIGN_BATCHES, Topics.DRAFT_REVIEWS)) {
            String prefix = "mp.messaging.incoming." + channel + ".";
            settings.put(prefix + "pattern", "true");
            settings.put(prefix + "topic", TeamTopics.pattern(channel));
            settings.put(prefix + "metadata.max.age.ms", "30000");
        }
        return List.of(new PropertiesConfigSource(settings, "reelflow team topics", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
