package io.reelflow.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** The built-in {@code local} preview provider ({@code reelflow.local.*}). */
public interface LocalProviderConfig {
    /** How long a local job takes before its result is ready, to behave like a remote model. */
    @WithDefault("PT0S")
    Duration latency();

    /**
     * Renders one small clip per frame size and length and serves it for every job, so that a run measures
     * the pipeline rather than the renderer (the benchmarks use it). Every job then gets the same picture.
     */
    @WithDefault("false")
    boolean sharedRenders();

    /** Where the local provider keeps its jobs and rendered results. */
    @WithDefault("reelflow-data/local-provider")
    Path spoolDir();

    /** Prompts matching this regular expression are refused as moderation failures (for rehearsals). */
    Optional<String> refusePattern();

    /**
     * Prompts matching this regular expression come out broken: a flat grey picture and no audio track
     * (for rehearsing the automatic quality check).
     */
    Optional<String> defectPattern();
}
