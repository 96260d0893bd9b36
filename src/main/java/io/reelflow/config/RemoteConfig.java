package io.reelflow.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/** One remote provider's endpoint, key, timeouts and limits ({@code reelflow.providers.<name>.*}). */
public interface RemoteConfig {
    /** Base URL of the provider's API; the provider is off without one. */
    Optional<String> baseUrl();

    /** The API key; the provider is off without one. Set it from the environment, never in a file. */
    Optional<String> apiKey();

    /**
     * A second secret where the provider signs its own tokens (Kling: the secret key that signs the short-lived
     * JWT made from the access key in {@code api-key}). Set it from the environment, never in a file.
     */
    Optional<String> secretKey();

    /** The API version the provider is asked for, where it versions its API by a header (Runway's X-Runway-Version). */
    Optional<String> apiVersion();

    /**
     * Where the provider publishes the public keys that sign its webhooks (fal.ai's JWKS); webhooks signed with
     * another key are refused.
     */
    Optional<String> webhookKeysUrl();

    /** Secret for verifying the provider's signed webhooks ({@code whsec_...}); webhooks are refused without one. */
    Optional<String> webhookSecret();

    /** Time allowed to open a connection. */
    @WithDefault("PT10S")
    Duration connectTimeout();

    /**
     * Time allowed for one API call. A create call that takes longer has an unknown outcome and is
     * reconciled; keep it well below the worker lease.
     */
    @WithDefault("PT30S")
    Duration requestTimeout();

    /** Time allowed for downloading one result. */
    @WithDefault("PT10M")
    Duration downloadTimeout();

    /** Whether the provider's copy is deleted once the result is in object storage (where it has a delete call). */
    @WithDefault("true")
    boolean deleteAfterLanding();

    /**
     * How long a create call with an unknown outcome is looked for at the provider before the job fails
     * (it is never created again: that could pay twice).
     */
    @WithDefault("PT15M")
    Duration reconcileWindow();

    /**
     * How soon after a create call the provider's job listing is trusted to show the job it made: a create
     * call with an unknown outcome whose job is not listed by then never reached the provider, and is made
     * (for providers that can list their jobs).
     */
    @WithDefault("PT1M")
    Duration listingDelay();

    /** Most jobs in flight at this provider at once, over all its models and replicas; absent means no cap. */
    java.util.OptionalInt maxConcurrentJobs();

    /** Most API requests per minute to this provider, over all its models and replicas; absent means no limit. */
    java.util.OptionalInt requestsPerMinute();
}
