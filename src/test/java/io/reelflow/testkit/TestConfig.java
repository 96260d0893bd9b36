package io.reelflow.testkit;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.intake.BatchValidator;
import io.reelflow.provider.ModelCatalog;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** Reelflow's typed configuration built from properties, for unit tests of single classes. */
public final class TestConfig {

    private TestConfig() {
    }

    /** A batch validator over that configuration, with only the {@code local} provider configured. */
    public static BatchValidator batchValidator(Map<String, String> overrides) {
        ReelflowConfig config = reelflow(overrides);
        return new BatchValidator(config, new ModelCatalog(config, Set.of("local")));
    }

    public static ReelflowConfig reelflow(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        props.put("reelflow.render.draft.seconds", "4");
        props.put("reelflow.render.draft.resolution", "standard");
        props.put("reelflow.render.final.seconds", "12");
        props.put("reelflow.render.final.resolution", "high");
        props.put("reelflow.models.local-preview.provider", "local");
        props.put("reelflow.models.local-preview.reference-image", "true");
        props.put("reelflow.models.sora-2.provider", "openai");
        props.put("reelflow.models.sora-2.sizes", "1280x720,720x1280");
        props.put("reelflow.models.draft-only.provider", "local");
        props.put("reelflow.models.draft-only.seconds", "4");
        props.put("reelflow.models.draft-only.sizes", "1280x720,720x1280");
        props.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ReelflowConfig.class)
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build();
        return config.getConfigMapping(ReelflowConfig.class);
    }

    /** What a {@code ConfigSourceFactory} sees of a configuration holding just {@code values}. */
    public static io.smallrye.config.ConfigSourceContext sourceContext(Map<String, String> values) {
        return new io.smallrye.config.ConfigSourceContext() {
            @Override
            public io.smallrye.config.ConfigValue getValue(String name) {
                String value = values.get(name);
                return value == null ? null
                        : io.smallrye.config.ConfigValue.builder().withName(name).withValue(value).build();
            }

            @Override
            public java.util.List<String> getProfiles() {
                return java.util.List.of();
            }

            @Override
            public java.util.Iterator<String> iterateNames() {
                return values.keySet().iterator();
            }
        };
    }
}
