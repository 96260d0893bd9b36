package io.reelflow.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** One model of the catalog ({@code reelflow.models."<name>".*}): its provider, what it makes, its price and limits. */
public interface ModelConfig {
    /** Provider that runs the model: {@code local}, {@code openai}, {@code veo} or {@code replicate}. */
    String provider();

    /**
     * The model's name at its provider (for example {@code veo-3.1-generate-preview} or
     * {@code kwaivgi/kling-v2.5-turbo-pro}); absent means the catalog name.
     */
    Optional<String> remoteModel();

    /** Clip lengths the model makes in one call, in seconds. */
    @WithDefault("4,8,12")
    List<Integer> seconds();

    /** Frame sizes the model makes, as {@code WIDTHxHEIGHT}. */
    @WithDefault("1280x720,720x1280,1792x1024,1024x1792")
    List<String> sizes();

    /** Whether the model takes a reference image as the first frame. */
    @WithDefault("false")
    boolean referenceImage();

    /** Whether the model takes a seed, so a render can be repeated with the same randomness. */
    @WithDefault("false")
    boolean seed();

    /**
     * Models of one seed family read a seed alike, so a draft's seed carries into its final on another model of
     * the family; absent means the model is a family of its own.
     */
    Optional<String> seedFamily();

    /** Whether the model produces an audio track. */
    @WithDefault("true")
    boolean audio();

    /** Price per second of video, in US dollars, at each resolution. */
    Price pricePerSecond();

    /** Most jobs of this model in flight at the provider at once. */
    @WithDefault("16")
    int maxConcurrentJobs();

    /**
     * Most API requests per minute to the provider for this model, for all replicas together; absent means
     * no limit of Reelflow's own (the provider's 429 answers are still honoured). Set it to the account's tier.
     */
    java.util.OptionalInt requestsPerMinute();

    interface Price {
        /** Per second at standard resolution (720p). */
        @WithDefault("0")
        java.math.BigDecimal standard();

        /** Per second at high resolution (1024p and up). */
        @WithDefault("0")
        java.math.BigDecimal high();
    }
}
