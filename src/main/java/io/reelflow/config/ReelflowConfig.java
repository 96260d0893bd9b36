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

    /** The delivery worker that cuts masters into placements. */
    Delivery delivery();

    /** Object storage where results land. */
    StorageConfig storage();

    /** Render profiles: what a draft and a final are. */
    Render render();

    /** Models a campaign route may name, by model name. */
    Map<String, ModelConfig> models();

    /** Which models a batch uses when it names none. */
    Routes routes();

    /** The built-in {@code local} preview provider. */
    LocalProviderConfig local();

    /** The transactional outbox relay to Kafka. */
    Outbox outbox();

    /** Remote video providers; each is turned on by configuring its key. */
    RemoteProvidersConfig providers();

    /** Reference images: how URLs are fetched and images fitted to the frame. */
    ReferenceImages referenceImages();

    /** Where providers deliver webhooks to this deployment. */
    Webhooks webhooks();

    /** The circuit breaker that pauses a provider that keeps failing. */
    Breaker breaker();

    /** Spend limits beyond each campaign's own budget. */
    Budgets budgets();

    /** How the slots of a model and of a provider are shared among teams that wait for them. */
    FairShare fairShare();

    /** Content credentials (C2PA) written into every stored video. */
    Credentials credentials();

    /** The pipeline's gauges. */
    Metrics metrics();

    interface Metrics {
        /** How often the gauges read the job table (jobs by state, work by team, spend). */
        @WithDefault("PT15S")
        Duration refresh();
    }

    /** The REST API and the review page. */
    Api api();

    /** How Reelflow uses Kafka topics. */
    Kafka kafka();

    interface Kafka {
        /**
         * With {@code true}, every team has its own topics ({@code campaign-batches.<team>}, {@code draft-reviews.<team>},
         * {@code video-events.<team>} and the rejected and dead-letter topics likewise): Reelflow reads every team's
         * input topics by pattern, takes the team from the topic a message came on, and answers on that team's
         * topics. The broker's ACLs decide who may write and read each one. With {@code false} (single-team
         * deployments), one set of shared topics, the team named in each message.
         */
        @WithDefault("false")
        boolean teamTopics();
    }

    /** Review of drafts and sign-off of finals. */
    Review review();

    interface Review {
        /** How often a rejected final is made again (each a paid call, checked against budgets) before the shot closes. */
        @WithDefault("2")
        int finalRetakes();

        /**
         * With {@code finalReview: auto}, a final whose first frame's SSIM against the approved frame is under this
         * is made again once, then left for a person.
         */
        @WithDefault("0.5")
        double autoFinalMinSsim();

        /**
         * Refuse batches whose final model takes no image: their finals would be a fresh roll of the prompt, not
         * the approved look.
         */
        @WithDefault("false")
        boolean requireApprovedLook();
    }

    interface Api {
        /**
         * API keys, each {@code team:sha256} (the hex SHA-256 of the key, never the key itself), comma-separated.
         * A request with a key is acting for that key's team, and only for it.
         */
        Optional<List<String>> keys();

        /**
         * The claim of an OpenID token that names the caller's team: a team id, or a list of exactly one (a group
         * membership claim; a leading '/' is dropped). Roles come from the token's role claim
         * ({@code quarkus.oidc.roles.role-claim-path}).
         */
        @WithDefault("team")
        String teamClaim();

        /** How long a download link stays valid. */
        @WithDefault("PT15M")
        Duration linkLifetime();

        /** Most event streams ({@code /events}) open at once on one instance. */
        @WithDefault("200")
        int maxEventStreams();
    }

    /** The settings of a remote provider by its name; empty for {@code local} or an unknown name. */
    static Optional<RemoteConfig> remote(ReelflowConfig config, String provider) {
        return switch (provider) {
            case "openai" -> Optional.of(config.providers().openai());
            case "veo" -> Optional.of(config.providers().veo());
            case "replicate" -> Optional.of(config.providers().replicate());
            case "kling" -> Optional.of(config.providers().kling());
            case "fal" -> Optional.of(config.providers().fal());
            case "runway" -> Optional.of(config.providers().runway());
            default -> Optional.empty();
        };
    }

    interface Intake {
        /** Most shots one batch may hold. */
        @WithDefault("500")
        int maxShots();

        /**
         * Largest batch accepted, in bytes of its JSON (UTF-8), on Kafka and REST alike: below what one Kafka record may
         * hold ({@code reelflow.outbox.max-message-bytes}), since a batch submitted over REST is passed on as one.
         */
        @WithDefault("900000")
        int maxBatchBytes();

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

        /**
         * Finished videos this instance lands at the same time, on threads of the lowest priority apart from the
         * worker's (io.reelflow.job.Landings), so landing never holds up decisions and create calls.
         */
        @WithDefault("4")
        int landingThreads();

        /** How long a claimed job stays reserved to this instance without a renewal. */
        @WithDefault("PT2M")
        Duration lease();

        /**
         * The longest an idle replica goes without looking for work that other replicas committed or that fell
         * due; one idle worker looks at a time, sooner when the last look knew of a job falling due sooner.
         */
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

    interface Delivery {
        /**
         * Placement files this instance makes at the same time. A file keeps about one core busy (FFmpeg decodes,
         * filters and encodes it in one pass) and some 350 MB of native memory: one fits the pod's request of one
         * core; raise it with the cores and memory a replica is given (docs/benchmarks.md, section 9).
         */
        @WithDefault("1")
        int threads();

        /** How long a claimed deliverable stays reserved to this instance without a renewal. */
        @WithDefault("PT2M")
        Duration lease();

        /** How long an idle delivery thread waits before looking for work again (new work here wakes it). */
        @WithDefault("PT2S")
        Duration idlePoll();

        /** Attempts at one placement's file before its shot fails. */
        @WithDefault("3")
        int maxAttempts();
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

    /**
     * The key and certificates that sign content credentials. Give them as PEM text (from the environment, a
     * Secret's keys) or as files (a mounted Secret); the key is ECDSA P-256 (ES256), the chain starts with the
     * signing certificate and leaves out the root.
     */
    interface Credentials {
        /** The private key as PEM text ({@code REELFLOW_CREDENTIALS_KEY}); never in a file of the repository. */
        Optional<String> key();

        /** The private key as a PEM file. */
        Optional<Path> keyFile();

        /** The certificate chain as PEM text ({@code REELFLOW_CREDENTIALS_CERTIFICATES}). */
        Optional<String> certificates();

        /** The certificate chain as a PEM file. */
        Optional<Path> certificatesFile();

        /**
         * Sign with a chain made at start under a new root, for demos and tests: valid credentials that no one
         * trusts unless given that root ({@code throwaway-root-file}).
         */
        @WithDefault("false")
        boolean throwaway();

        /** Where the throwaway root is written (PEM), for a validator that should trust it. */
        Optional<Path> throwawayRootFile();

        /** Refuse to start without a signing key, rather than store videos without credentials. */
        @WithDefault("false")
        boolean required();
    }

    interface Routes {
        /** Models for drafts when a batch names none: the first, then its fallbacks in order. */
        @WithDefault("local-preview")
        List<String> draftModel();

        /** Models for finals when a batch names none: the first, then its fallbacks in order. */
        @WithDefault("local-preview")
        List<String> finalModel();
    }

    interface Outbox {
        /** How often the relay looks for unpublished events when nothing woke it. */
        @WithDefault("PT0.2S")
        Duration poll();

        /** Most events published in one relay transaction. */
        @WithDefault("200")
        int batchSize();

        /**
         * Largest record the relay sends, in bytes: the producer's {@code max.request.size}, at most the broker's
         * {@code message.max.bytes} (1 MiB by default). A larger event is set aside, not sent.
         */
        @WithDefault("1048576")
        int maxMessageBytes();

        /**
         * How long the relay waits for the broker to acknowledge a send; an event not acknowledged by then is sent
         * again after a backoff (with the same {@code eventId}) and counted on {@code reelflow_outbox_send_failures_total}.
         */
        @WithDefault("PT30S")
        Duration sendTimeout();
    }

    interface ReferenceImages {
        /** Largest reference image accepted, in bytes. */
        @WithDefault("20000000")
        long maxBytes();

        /** Largest picture decoded, in pixels, read from the file's header before decoding (8K UHD is 33.2 million). */
        @WithDefault("40000000")
        long maxPixels();

        /** Most memory one decoded picture may take, in bytes, judged from its header before decoding. */
        @WithDefault("200000000")
        long maxDecodedBytes();

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

    interface FairShare {
        /**
         * Weight per team ({@code reelflow.fair-share.weights."acme-marketing"=2}): while teams wait for the same
         * slots, a team of weight 2 holds twice the slots of a team of weight 1. No entry, weight 1.
         */
        Map<String, Double> weights();
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
