package io.reelflow.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.reelflow.config.RemoteConfig;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.FrameSize;
import io.reelflow.provider.FailureKind;
import io.reelflow.provider.ModelCatalog;
import io.reelflow.provider.ProviderBreaker;
import io.reelflow.provider.ProviderException;
import io.reelflow.provider.Providers;
import io.reelflow.provider.RenderRequest;
import io.reelflow.provider.RequestRates;
import io.reelflow.provider.VideoProvider;
import io.reelflow.provider.local.LocalPreviewProvider;
import io.reelflow.reference.ReferenceImageException;
import io.reelflow.reference.ReferenceImages;
import io.reelflow.storage.ResultLanding;
import io.reelflow.tracing.Traces;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Advances one claimed job by one step of {@code PENDING → SUBMITTING → RUNNING → DOWNLOADING → LANDED}: the
 * create call and reconciliation here, polling and landing in {@link JobResults}. Every step ends with the new
 * state committed and the lease given back, so any replica can take the next.
 */
@ApplicationScoped
public class JobStepper {

    private static final Logger LOG = Logger.getLogger(JobStepper.class);
    private static final Duration RECONCILE_RETRY = Duration.ofSeconds(5);

    private final JobTransitions transitions;
    private final Providers providers;
    private final ResultLanding landing;
    private final JobResults results;
    private final JobSegments segments;
    private final ReelflowConfig config;
    private final ReferenceImages referenceImages;
    private final ModelCatalog catalog;
    private final ProviderBreaker breaker;
    private final RequestRates rates;
    private final Tracer tracer;
    private final StartFrames startFrames;

    public JobStepper(JobTransitions transitions, Providers providers, ResultLanding landing, JobResults results,
            JobSegments segments, ReelflowConfig config, ReferenceImages referenceImages,
            ModelCatalog catalog, ProviderBreaker breaker, RequestRates rates, Tracer tracer,
            StartFrames startFrames) {
        this.transitions = transitions;
        this.providers = providers;
        this.landing = landing;
        this.results = results;
        this.segments = segments;
        this.config = config;
        this.referenceImages = referenceImages;
        this.catalog = catalog;
        this.breaker = breaker;
        this.rates = rates;
        this.tracer = tracer;
        this.startFrames = startFrames;
    }

    /** Advances {@code job}, as its claim read it, held by {@code owner}. */
    public void advance(JobView job, String owner) {
        // Each step is a span of the trace that made the job: intake of its batch, or the review decision.
        Span span = tracer.spanBuilder("reelflow.job." + job.state().name().toLowerCase())
                .setParent(Traces.context(job.traceParent()))
                .setAttribute("reelflow.team", job.team()).setAttribute("reelflow.batch", job.batchKey())
                .setAttribute("reelflow.shot", job.shotKey()).setAttribute("reelflow.job", job.id().toString())
                .setAttribute("reelflow.stage", job.stage().name().toLowerCase())
                .setAttribute("reelflow.provider", job.provider()).startSpan();
        try (var scope = span.makeCurrent()) {
            step(job, owner);
        } finally {
            span.end();
        }
    }

    private void step(JobView job, String owner) {
        UUID id = job.id();
        job = job.withRequest(catalog.forCall(job.request(), job.segmentIndex()));
        try {
            Optional<VideoProvider> configured = providers.find(job.provider());
            if (configured.isEmpty() || !catalog.callable(job.request().model())) {
                String reason = configured.isEmpty() ? "provider '" + job.provider() + "' is not configured here"
                        : catalog.unavailable(job.request().model()).orElse("model is not available here");
                if (rerouted(job, owner, reason)) {
                    return;
                }
            }
            VideoProvider provider = providers.get(job.provider());
            if (paused(job, provider, owner)) {
                return;
            }
            switch (job.state()) {
                case PENDING, HELD -> create(job, provider, owner);
                // A claimed SUBMITTING job was left by a worker that died during its create call.
                case SUBMITTING, UNKNOWN -> reconcile(job, provider, owner);
                case RUNNING -> results.poll(job, provider, owner);
                case DOWNLOADING -> results.handOver(job, provider, owner);
                default -> LOG.debugf("%s needs no work in state %s", job.label(), job.state());
            }
        } catch (LeaseLostException e) {
            LOG.warnf("%s: lease lost to another worker; leaving the job to it", job.label());
        } catch (Exception e) {
            LOG.warnf("%s: step in state %s failed: %s", job.label(), job.state(), e.toString());
            transitions.stepFailed(id, owner, e.toString(), config.worker().maxAttempts());
        }
    }

    private void create(JobView job, VideoProvider provider, String owner) throws Exception {
        long began = System.nanoTime();
        RenderRequest request = job.request();
        Path referenceImage = null;
        if (job.segmentIndex() > 0) {
            // A later segment starts where the previous one ended.
            referenceImage = landing.segmentLastFrame(job.objectKey(), job.segmentIndex() - 1);
            request = request.withReferenceImage(referenceImage);
        } else if (job.startFrom() != null && job.startFrom().carried()) {
            // A final starts from the frame of its approved draft, sent like any reference image.
            referenceImage = startFrames.picture(job, request);
            request = request.withReferenceImage(referenceImage);
        } else if (request.referenceImageUrl() != null) {
            try {
                referenceImage = referenceImages.prepare(request.referenceImageUrl(),
                        new FrameSize(request.width(), request.height()), job.referenceImageFit());
            } catch (ReferenceImageException e) {
                if (e.permanent()) {
                    transitions.failed(job.id(), owner, FailureKind.INVALID_REQUEST, "referenceImage: " + e.getMessage());
                } else {
                    transitions.retryLater(job.id(), owner, "referenceImage: " + e.getMessage(), null);
                }
                return;
            }
            request = request.withReferenceImage(referenceImage);
        }
        try {
            submit(job, request, provider, owner, began, System.nanoTime());
        } finally {
            if (referenceImage != null) {
                Files.deleteIfExists(referenceImage);
            }
        }
    }

    /**
     * The create call of {@code job}; {@code began} and {@code prepared} ({@link System#nanoTime}) are when its step
     * began and when its picture was ready, for the step's timing.
     */
    private void submit(JobView job, RenderRequest request, VideoProvider provider, String owner, long began,
            long prepared) throws Exception {
        // Each attempt has its own key, kept before the call: where the provider takes it, the lost answer of
        // this very attempt can be looked up exactly.
        String createKey = "rf-" + job.id() + "-" + job.segmentIndex() + "-"
                + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        request = request.withCreateKey(createKey);
        if (transitions.submitting(job.id(), owner, request.seconds(), createKey).isPresent()) {
            return;
        }
        Optional<Duration> wait = rates.take(request.model(), provider.name(), 1);
        if (wait.isPresent()) {
            // Nothing was sent: the job goes back to waiting, its reservation given back.
            transitions.pending(job.id(), owner, rateLimited(provider, wait.get()), wait.get());
            return;
        }
        if (LOG.isDebugEnabled()) {
            // Where a create step's time goes before its call: the picture, then the reservation and the rate.
            LOG.debugf("%s: calling %s %d ms after the step began (picture %d ms, reservation and rate %d ms)",
                    job.label(), provider.name(), (System.nanoTime() - began) / 1_000_000,
                    (prepared - began) / 1_000_000, (System.nanoTime() - prepared) / 1_000_000);
        }
        VideoProvider.Submission submission;
        try {
            submission = provider.create(request);
            breaker.success(provider.name());
        } catch (ProviderException e) {
            breaker.failed(provider.name(), e);
            switch (e.kind()) {
                // Moderation and invalid requests fail the job on its model: another model would be refused alike.
                case REFUSED -> transitions.refused(job.id(), owner, e.failureKind(), e.getMessage(), e.refusedInput());
                case RETRY_LATER -> {
                    // The call certainly made nothing: a refusal for capacity may send the job to the next model.
                    if (!(e.isCapacity() && rerouted(job, owner,
                            provider.name() + " refused for capacity: " + e.getMessage()))) {
                        transitions.pending(job.id(), owner, e.getMessage(), orDefault(e.retryAfter()));
                    }
                }
                case OUTCOME_UNKNOWN -> transitions.unknown(job.id(), owner, e.getMessage(), RECONCILE_RETRY);
            }
            LOG.infof("%s create call to %s: %s (%s)", job.label(), provider.name(), e.kind(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            // Whatever went wrong, the request may have reached the provider: never create again blindly.
            transitions.unknown(job.id(), owner, e.toString(), RECONCILE_RETRY);
            return;
        }
        LOG.infof("%s submitted to %s as %s", job.label(), provider.name(), submission.providerJobId());
        if (Duration.ZERO.equals(submission.pollAfter())) {
            // To be asked at once (a local render that is already done): asked in this step, under the same lease,
            // so a video that is ready goes to landing without another claim or transaction.
            results.askAtOnce(job.withProviderJobId(submission.providerJobId()), provider, owner);
            return;
        }
        transitions.submitted(job.id(), owner, submission.providerJobId(), submission.pollAfter());
    }

    private void reconcile(JobView job, VideoProvider provider, String owner) throws Exception {
        Optional<Duration> wait = rates.take(job.request().model(), provider.name(), 1);
        if (wait.isPresent()) {
            transitions.unknown(job.id(), owner, rateLimited(provider, wait.get()), wait.get());
            return;
        }
        VideoProvider.Lookup lookup;
        try {
            lookup = provider.lookup(job.request());
        } catch (ProviderException e) {
            breaker.failed(provider.name(), e);
            transitions.unknown(job.id(), owner, "reconciliation lookup failed: " + e.getMessage(),
                    e.retryAfter() == null ? RECONCILE_RETRY : e.retryAfter());
            return;
        }
        Optional<String> found = segments.firstUnowned(job.id(), provider.name(), lookup.candidates());
        if (found.isPresent()) {
            transitions.submitted(job.id(), owner, found.get(), Duration.ZERO);
            LOG.infof("%s reconciled: the provider has it as %s", job.label(), found.get());
        } else if (lookup.authoritative()) {
            transitions.pending(job.id(), owner, "create call never reached the provider", Duration.ZERO);
            LOG.infof("%s reconciled: the provider never received it; it will be created", job.label());
        } else if (pastReconcileWindow(job, provider)) {
            transitions.failed(job.id(), owner, FailureKind.PROVIDER_ERROR, "the create call's outcome was not seen"
                    + " and " + provider.name() + " shows no such job after " + reconcileWindow(provider)
                    + "; it is not created again, which could pay twice (revise the shot to try again)");
        } else {
            transitions.unknown(job.id(), owner, "not found at the provider yet", RECONCILE_RETRY);
        }
    }

    private boolean pastReconcileWindow(JobView job, VideoProvider provider) {
        Instant since = job.request().submittedAt();
        return since != null && Instant.now().isAfter(since.plus(reconcileWindow(provider)));
    }

    private Duration reconcileWindow(VideoProvider provider) {
        return ReelflowConfig.remote(config, provider.name()).map(RemoteConfig::reconcileWindow)
                .orElse(Duration.ofMinutes(15));
    }

    /** Whether the provider is paused by the circuit breaker; the job then waits for it without a call. */
    private boolean paused(JobView job, VideoProvider provider, String owner) {
        if (LocalPreviewProvider.NAME.equals(provider.name()) || job.state().terminal()) {
            return false;
        }
        Optional<Instant> until = breaker.pausedUntil(provider.name());
        if (until.isEmpty()) {
            return false;
        }
        if (rerouted(job, owner, provider.name() + " is paused by the circuit breaker until " + until.get())) {
            return true;
        }
        transitions.paused(job.id(), owner, provider.name() + " is paused by the circuit breaker until " + until.get(),
                Duration.between(Instant.now(), until.get()));
        return true;
    }

    /**
     * Moves the job to the next model of its route that can make it, when nothing can have been created for it
     * where it is: before its create call or after one that certainly made nothing (never while a create's
     * outcome is unknown, and never once a segment of it was made). Returns whether it moved.
     */
    private boolean rerouted(JobView job, String owner, String reason) {
        // As the step read it: waiting to be created (a refusal for capacity comes back from a create made in this
        // step, read as PENDING or HELD). A SUBMITTING job was left by a worker that died during its create call.
        boolean nothingCreated = job.state() == JobState.PENDING || job.state() == JobState.HELD;
        if (!nothingCreated || job.segmentIndex() > 0 || job.fallbacks().isEmpty()) {
            return false;
        }
        FrameSize frame = new FrameSize(job.width(), job.height());
        boolean hasImage = job.request().referenceImageUrl() != null;
        boolean carried = job.startFrom() != null && job.startFrom().carried();
        Optional<String> next = catalog.nextModel(job.fallbacks(), job.seconds(), frame, hasImage, carried);
        if (next.isEmpty()) {
            return false;
        }
        String provider = catalog.find(next.get()).orElseThrow().provider();
        int segments = Math.max(1, catalog.plan(next.get(), job.seconds(), frame).size());
        transitions.rerouted(job.id(), owner, next.get(), provider, segments, reason);
        return true;
    }

    private static String rateLimited(VideoProvider provider, Duration wait) {
        return "waiting " + wait.toMillis() + " ms for room under the request rate limit of " + provider.name();
    }

    private Duration orDefault(Duration pollAfter) {
        return pollAfter == null ? config.worker().statusPoll() : pollAfter;
    }
}
