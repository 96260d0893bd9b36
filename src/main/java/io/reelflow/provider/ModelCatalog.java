package io.reelflow.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.FrameSize;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The models a campaign route may name (configuration {@code reelflow.models.*}) and what each can make.
 * A model is available only when its provider is configured in this deployment. Every job is checked
 * against the catalog before it is created, with reasons that name the model and its allowed values.
 */
@ApplicationScoped
public class ModelCatalog {

    private final ReelflowConfig config;
    private final Set<String> providers;

    @Inject
    public ModelCatalog(ReelflowConfig config, Providers providers) {
        this(config, providers.names());
    }

    public ModelCatalog(ReelflowConfig config, Set<String> enabledProviders) {
        this.config = config;
        this.providers = Set.copyOf(enabledProviders);
    }

    /** Models whose provider is configured here, sorted by name. */
    public List<String> available() {
        return config.models().entrySet().stream()
                .filter(e -> providers.contains(e.getValue().provider()))
                .map(java.util.Map.Entry::getKey)
                .sorted()
                .toList();
    }

    public Optional<ReelflowConfig.Model> find(String name) {
        return Optional.ofNullable(config.models().get(name)).filter(m -> providers.contains(m.provider()));
    }

    /** Why {@code name} cannot be used here, if it cannot. */
    public Optional<String> unavailable(String name) {
        ReelflowConfig.Model model = config.models().get(name);
        if (model == null) {
            return Optional.of("names unknown model '" + name + "'; available models: " + available());
        }
        if (!providers.contains(model.provider())) {
            return Optional.of("model '" + name + "' runs on provider '" + model.provider()
                    + "', which is not configured in this deployment; available models: " + available());
        }
        return Optional.empty();
    }

    /** Every reason why {@code name} cannot make this clip; empty when it can. */
    public List<String> cannotRender(String name, int seconds, FrameSize size, boolean referenceImage) {
        List<String> reasons = new ArrayList<>();
        Optional<String> unavailable = unavailable(name);
        if (unavailable.isPresent()) {
            reasons.add(unavailable.get());
            return reasons;
        }
        ReelflowConfig.Model model = config.models().get(name);
        if (!model.seconds().contains(seconds)) {
            reasons.add("model '" + name + "' cannot make " + seconds + "-second clips; it makes " + model.seconds()
                    + " seconds");
        }
        if (!model.sizes().contains(size.toString())) {
            reasons.add("model '" + name + "' cannot make " + size + "; it makes " + model.sizes());
        }
        if (referenceImage && !model.referenceImage()) {
            reasons.add("model '" + name + "' takes no reference image");
        }
        return reasons;
    }
}
