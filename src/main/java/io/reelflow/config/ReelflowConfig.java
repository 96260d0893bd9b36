package io.reelflow.config;

import io.reelflow.media.AspectRatio;
import io.reelflow.media.FrameSize;
import io.reelflow.media.Resolution;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Every Reelflow setting, under the {@code reelflow.} prefix. */
@ConfigMapping(prefix = "reelflow")
public interface ReelflowConfig {

    /** Limits applied to incoming campaign batches. */
    Intake intake();

    /** The database-driven job worker. */
    Worker worker();

    /** Object storage where results land. */
    Storage storage();

    /** Render profiles: what a draft and a final are. */
    Render render();

    /** Models a campaign route may name, by model name. */
    Map<String, Model> models();

    /** Which models a batch uses when it names none. */
    Routes routes();

    /** The built-in {@code local} preview provider. */
    LocalProvider local();

    /** The transactional outbox relay to Kafka. */
    Outbox outbox();

    /** Remote video providers; each is turned on by configuring its key. */
    RemoteProviders providers();

    /** Reference images: how URLs are fetched and images fitted to the frame. */
    ReferenceImages referenceImages();

    /** Where providers deliver webhooks to this deployment. */
    Webhooks webhooks();

    /** The circuit breaker that pauses a provider that keeps failing. */
    Breaker breaker();

    /** Spend limits beyond each campaign's own budget. */
    Budgets budgets();

    /** The REST API and the review page. */
    Api api();

    interface Api {
        /**
         * API keys, each {@code team:sha256} (the hex SHA-256 of the key, never the key itself), comma-separated.
         * A request with a key is acting for that key's team, and only for it.
         */
        Optional<List<String>> keys();

        /** How long a download link stays valid. */
        @WithDefault("PT15M")
        Duration linkLifetime();

        /** Most event streams ({@code /events}) open at once on one instance. */
        @WithDefault("200")
        int maxEventStreams();
    }

    /** The settings of a remote provider by its name; empty for {@code local} or an unknown name. */
    static Optional<Remote> remote(ReelflowConfig config, String provider) {
        return switch (provider) {
            case "openai" -> Optional.of(config.providers().openai());
            case "veo" -> Optional.of(config.providers().veo());
            case "replicate" -> Optional.of(config.providers().replicate());
            default -> Optional.empty();
        };
    }

    interface Intake {
        /** Most shots one batch may hold. */
        @WithDefault("500")
        int maxShots();

        /** Longest prompt accepted, in characters. */
        @WithDefault("2000")
        int maxPromptLength();

        /** Shortest prompt accepted, in characters (after trimming). */
        @WithDefault("3")
        int minPromptLength();
    }

    interface Worker {
        /** Whether this instance works jobs at all (an intake-only replica sets false). */
        @WithDefault("true")
        boolean enabled();

        /** Jobs this instance advances at the same time. */
        @WithDefault("4")
        int concurrency();

        /** How long a claimed job stays reserved to this instance without a renewal. */
        @WithDefault("PT2M")
        Duration lease();

        /** How long the worker waits before looking again when no job is due. */
        @WithDefault("PT0.25S")
        Duration idlePoll();

        /**
         * How long a provider may keep one job (or segment) running; after that it is cancelled at the provider
         * where the provider can cancel, and fails as a timeout.
         */
        @WithDefault("PT2H")
        Duration maxRunning();

        /** Delay between status polls of a running remote job when the provider gives no hint. */
        @WithDefault("PT2S")
        Duration statusPoll();

        /** Attempts of a step that fails unexpectedly before the job is failed. */
        @WithDefault("12")
        int maxAttempts();

        /** Name of this instance in leases; defaults to host name and process id. */
        Optional<String> instanceId();
    }

    interface Storage {
        /** Bucket holding every team's objects. */
        @WithDefault("reelflow")
        String bucket();

        /** Endpoint of an S3-compatible server; absent means AWS S3 itself. */
        Optional<String> endpoint();

        /** Region of the bucket. */
        @WithDefault("us-east-1")
        String region();

        /** Path-style addressing, needed by most S3-compatible servers. */
        @WithDefault("true")
        boolean pathStyle();

        /** Access key id; absent means the AWS default credential chain. */
        Optional<String> accessKeyId();

        /** Secret access key; absent means the AWS default credential chain. */
        Optional<String> secretAccessKey();

        /** Create the bucket at start-up when it does not exist. */
        @WithDefault("false")
        boolean createBucket();

        /** Directory for files being landed (downloads, posters) before upload. */
        Optional<Path> workDir();

        /**
         * The storage endpoint as browsers reach it, for download links (when it differs from {@code endpoint},
         * say an internal service name); absent means {@code endpoint}.
         */
        Optional<String> publicEndpoint();
    }

    interface Render {
        /** The cheap draft every shot gets first. */
        Profile draft();

        /** The approved shot's final. */
        @WithName("final")
        Profile finalCut();

        interface Profile {
            /** Clip length in seconds: 4, 8 or 12. */
            int seconds();

            /** {@code standard} (720p) or {@code high} (1024p). */
            Resolution resolution();

            /** The frame this profile renders at {@code aspect}. */
            default FrameSize frame(AspectRatio aspect) {
                return FrameSize.of(resolution(), aspect);
            }
        }
    }

    interface Model {
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

    interface Routes {
        /** Model for drafts when a batch names none. */
        @WithDefault("local-preview")
        String draftModel();

        /** Model for finals when a batch names none. */
        @WithDefault("local-preview")
        String finalModel();
    }

    interface LocalProvider {
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

    interface Outbox {
        /** How often the relay looks for unpublished events when nothing woke it. */
        @WithDefault("PT0.2S")
        Duration poll();

        /** Most events published in one relay transaction. */
        @WithDefault("200")
        int batchSize();
    }

    interface RemoteProviders {
        /** Any endpoint serving the OpenAI Videos API contract (OpenAI-compatible gateways, Azure OpenAI). */
        Remote openai();

        /** Google Veo through the Gemini API. */
        Remote veo();

        /** Replicate predictions (Kling, Wan). */
        Remote replicate();
    }

    interface Remote {
        /** Base URL of the provider's API; the provider is off without one. */
        Optional<String> baseUrl();

        /** The API key; the provider is off without one. Set it from the environment, never in a file. */
        Optional<String> apiKey();

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

    interface ReferenceImages {
        /** Largest reference image accepted, in bytes. */
        @WithDefault("20000000")
        long maxBytes();

        /** Time allowed for fetching a reference image URL. */
        @WithDefault("PT15S")
        Duration fetchTimeout();

        /**
         * Hosts whose private or loopback addresses may still be fetched (for a deployment's own image
         * server); empty means none.
         */
        Optional<List<String>> trustedHosts();
    }

    interface Webhooks {
        /** Seconds a signed webhook may be older or newer than this server's clock. */
        @WithDefault("PT5M")
        Duration tolerance();

        /** Public base URL of this deployment, given to providers that take a webhook URL per job (Replicate). */
        Optional<String> publicUrl();
    }

    interface Budgets {
        /** Budget per team in US dollars ({@code reelflow.budgets.teams."acme-marketing"=500}); no entry, no limit. */
        Map<String, java.math.BigDecimal> teams();

        /** How often a job held by a budget looks again (a raised budget lets it go on). */
        @WithDefault("PT30S")
        Duration recheck();
    }

    interface Breaker {
        /** Failures in a row (server errors, no answer), across replicas, that pause a provider. */
        @WithDefault("5")
        int failures();

        /** How long a paused provider is left alone before one call tries it again. */
        @WithDefault("PT1M")
        Duration pause();
    }
}
