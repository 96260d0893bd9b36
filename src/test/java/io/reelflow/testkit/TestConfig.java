package io.reelflow.testkit;

import java.util.HashMap;
import java.util.Map;

import io.reelflow.config.ReelflowConfig;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Reelflow's typed configuration built from properties, for unit tests of single classes. */
public final class TestConfig {

    private TestConfig() {
    }

    public static ReelflowConfig reelflow(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>(Map.of(
                "reelflow.render.draft.seconds", "4",
                "reelflow.render.draft.resolution", "standard",
                "reelflow.render.final.seconds", "12",
                "reelflow.render.final.resolution", "high",
                "reelflow.models.local-preview.provider", "local"));
        props.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ReelflowConfig.class)
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build();
        return config.getConfigMapping(ReelflowConfig.class);
    }
}
