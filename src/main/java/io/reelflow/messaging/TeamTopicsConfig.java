package io.reelflow.messaging;

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
 * {@code draft-reviews.<team>}) and look for new teams' topics every 30 s; off, they read the shared topics. The values
 * are given either way, so that what the build saw is not taken as the default at run time. Placed above
 * {@code application.properties} and below the environment, so an operator can still set any of these by hand.
 */
public class TeamTopicsConfig implements ConfigSourceFactory {

    static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue value = context.getValue("reelflow.kafka.team-topics");
        boolean perTeam = value != null && value.getValue() != null && Boolean.parseBoolean(value.getValue().trim());
        Map<String, String> settings = new LinkedHashMap<>();
        for (String channel : List.of(Topics.CAMPAIGN_BATCHES, Topics.DRAFT_REVIEWS)) {
            String prefix = "mp.messaging.incoming." + channel + ".";
            settings.put(prefix + "pattern", Boolean.toString(perTeam));
            settings.put(prefix + "topic", perTeam ? TeamTopics.pattern(channel) : channel);
            if (perTeam) {
                settings.put(prefix + "metadata.max.age.ms", "30000");
            }
        }
        return List.of(new PropertiesConfigSource(settings, "reelflow team topics", ORDINAL));
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
