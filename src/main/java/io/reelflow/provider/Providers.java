package io.reelflow.provider;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;

/**
 * The provider adapters this deployment can use: {@code local} always, a remote provider once its endpoint and
 * key are configured. Models of other providers are refused by the catalog.
 */
@ApplicationScoped
public class Providers {

    private static final Logger LOG = Logger.getLogger(Providers.class);

    private final Map<String, VideoProvider> byName = new TreeMap<>();

    public Providers(@Any Instance<VideoProvider> providers) {
        for (VideoProvider provider : providers) {
            if (provider.enabled()) {
                byName.put(provider.name(), provider);
            }
        }
        LOG.infof("video providers enabled: %s", byName.keySet());
    }

    /** Names of the providers this deployment can use. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** The provider of this name, if this deployment configured it. */
    public java.util.Optional<VideoProvider> find(String name) {
        return java.util.Optional.ofNullable(byName.get(name));
    }

    public VideoProvider get(String name) {
        VideoProvider provider = byName.get(name);
        if (provider == null) {
            throw new IllegalArgumentException("provider '" + name + "' is not configured here; enabled: "
                    + byName.keySet());
        }
        return provider;
    }
}
