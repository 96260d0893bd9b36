package io.reelflow.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** One model of the catalog ({@code reelflow.models."<name>".*}): its provider, what it makes, its price and limits. */
public interface ModelConfig {
    /**
     * Provider that runs the model: {@code local}, {@code openai}, {@code veo}, {@code replicate}, {@code kling},
     * {@code fal} or {@code runway}.
     */
    String provider();

    /**
     * The model's name at its provider (for example {@code veo-3.1-generate-preview} or
     * {@code kwaivgi/kling-v2.5-turbo-pro}); absent means the catalog name.
     */
    Optional<String> remoteModel();

    /**
     * The model's name at its provider when a reference image is sent, where the provider has a separate
     * image-to-video endpoint (fal.ai); absent means {@link #remoteModel()}.
     */
    Optional<String> remoteImageModel();

    /**
     * The provider's request fields for this model, where they differ per model (fal.ai): field name to a value
     * template. {@code {prompt}}, {@code {seconds}}, {@code {width}}, {@code {height}}, {@code {aspect-ratio}}
     * (16:9, 9:16, 1:1), {@code {resolution}} (720p, 1080p, 4k), {@code {size}} (WxH), {@code {image}} (a data
     * URL of the first frame) and {@code {seed}} are replaced; a template that is one placeholder with
     * {@code :int} ({@code {seconds:int}}) is sent as a number, {@code true}/{@code false} as booleans, anything
     * else as text. A field whose placeholder has no value (no image, no seed) is left out. Other providers add
     * these fields as constants (Kling's {@code mode=pro}).
     */
    Map<String, String> input();

    /**
     * Where and when the model was retired, as {@code <host> <date>} ({@code api.openai.com 2026-09-24}): the model
     * is refused while its provider's base URL is that host, and stays usable through another endpoint (a gateway
     * that serves the same contract).
     */
    Optional<String> retired();

    /** Clip lengths the model makes in one call, in seconds. */
    @WithDefault("4,8,12")
    List<Integer> seconds();

    /**
     * Clip lengths the model makes in one call at sizes above 720p, where they are fewer (Veo 3.1 makes 1080p and
     * 4k only at 8 s); absent means {@link #seconds()} at every size.
     */
    Optional<List<Integer>> highSeconds();

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

        /** Per second at high resolution (above 720p, up to 1080p). */
        @WithDefault("0")
        java.math.BigDecimal high();

        /** Per second at 4k (2160p); absent means the high price. */
        Optional<java.math.BigDecimal> ultra();
    }
}
