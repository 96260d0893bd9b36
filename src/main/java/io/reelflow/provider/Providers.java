package io.reelflow.provider;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

/** Finds the provider adapter a job's model runs on. */
@ApplicationScoped
public class Providers {

    private final Map<String, VideoProvider> byName;

    public Providers(@Any Instance<VideoProvider> providers) {
        this.byName = providers.stream().collect(Collectors.toMap(VideoProvider::name, Function.identity()));
    }

    /** Names of the providers this deployment can use. */
    public java.util.Set<String> names() {
        return byName.keySet();
    }

    public VideoProvider get(String name) {
        VideoProvider provider = byName.get(name);
        if (provider == null) {
            throw new IllegalArgumentException("no provider named '" + name + "'; known: " + byName.keySet());
        }
        return provider;
    }
}
