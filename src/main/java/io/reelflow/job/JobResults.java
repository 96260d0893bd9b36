package io.reelflow.job;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.provider.FailureKind;
import io.reelflow.provider.ProviderBreaker;
import io.reelflow.provider.ProviderException;
import io.reelflow.provider.RemoteStatus;
import io.reelflow.provider.RequestRates;
import io.reelflow.provider.VideoProvider;
import io.reelflow.provenance.ContentCredentials;
import io.reelflow.provenance.Origin;
import io.reelflow.storage.ResultLanding;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The second half of a job's steps: polls a job running at its provider and lands the finished video (or each
 * segment of a long one) in object storage. A job kept running too long is cancelled and failed as a timeout.
 */
@ApplicationScoped
class JobResults {

    private static final Logger LOG = Logger.getLogger(JobResults.class);
    private static final int EMPTY_RESULT_DOWNLOADS = 3;

    private final JobTransitions transitions;
    private final ResultLanding landing;
    private final ReelflowConfig config;
    private final ProviderBreaker breaker;
    private final RequestRates rates;
    private final Tracer tracer;
    private final LookCheck lookCheck;
    private final JobSegments segments;
    private final Landings landings;

    JobResults(JobTransitions transitions, ResultLanding landing, ReelflowConfig config, ProviderBreaker breaker,
            RequestRates rates, Tracer tracer, LookCheck lookCheck, JobSegments segments, Landings landings) {
        this.landings = landings;
        this.lookCheck = lookCheck;
        this.segments = segments;
        this.transitions = transitions;
        this.landing = landing;
        this.config = config;
        this.breaker = breaker;
        this.rates = rates;
        this.tracer = tracer;
    }

    void poll(JobView job, VideoProvider provider, String owner) {
        ask(job, provider, owner, false);
    }

    /**
     * A job just created whose provider said to ask at once (a local render already done), asked in its create
     * step while only the create call is recorded: a finished video is recorded running and finished in one
     * transaction and handed to landing. Otherwise, or when the status call fails, it is recorded running, due
     * when the provider said, and polled from then on as any other.
     */
    void askAtOnce(JobView job, VideoProvider provider, String owner) {
        ask(job, provider, owner, true);
    }

    private void ask(JobView job, VideoProvider provider, String owner, boolean justCreated) {
        Optional<Duration> wait = rates.take(job.request().model(), provider.name(), 1);
        if (wait.isPresent()) {
            later(job, owner, justCreated, wait.get());
            return;
        }
        RemoteStatus status;
        try {
            status = provider.status(job.providerJobId());
            breaker.success(provider.name());
        } catch (ProviderException e) {
            breaker.failed(provider.name(), e);
            if (justCreated) {
                later(job, owner, true, Duration.ZERO);
            } else {
                refusedOrLater(job, owner, e);
            }
            return;
        } catch (RuntimeException e) {
            if (justCreated) {
                // Whatever failed, the create call's answer is kept: the job is never created again.
                later(job, owner, true, Duration.ZERO);
            }
            throw e;
        }
        if (status instanceof RemoteStatus.Running running) {
            Instant since = job.request().submittedAt();
            if (since != null && Instant.now().isAfter(since.plus(config.worker().maxRunning()))) {
                giveUp(job, provider, owner);
                return;
            }
            later(job, owner, justCreated,
                    running.pollAfter() == null ? config.worker().statusPoll() : running.pollAfter());
        } else if (status instanceof RemoteStatus.Failed failed) {
            if (justCreated) {
                // Recorded running first, so the failure keeps the provider's id of the job; the next poll fails it.
                later(job, owner, true, Duration.ZERO);
            } else {
                transitions.refused(job.id(), owner, failed.kind(), failed.reason(), failed.input());
            }
        } else {
            Landings.HandOver finished = justCreated
                    ? lander -> transitions.finishedAtOnce(job.id(), owner, job.providerJobId(), lander)
                    : lander -> transitions.downloading(job.id(), owner, lander);
            if (!landings.handOver(job.id(), owner, finished, lander -> landAs(job, provider, lander))) {
                // The landing threads have no room: the job waits, finished, to be claimed when they have.
                finished.to(null);
            }
        }
    }

    /** The job is asked again after {@code wait}; one just created is recorded running first. */
    private void later(JobView job, String owner, boolean justCreated, Duration wait) {
        if (justCreated) {
            transitions.submitted(job.id(), owner, job.providerJobId(), wait);
        } else {
            transitions.reschedule(job.id(), owner, wait);
        }
    }

    /** A finished job claimed by a worker: handed to the landing threads, or left until they have room. */
    void handOver(JobView job, VideoProvider provider, String owner) {
        if (!landings.handOver(job.id(), owner, lander -> transitions.handOver(job.id(), owner, lander),
                lander -> landAs(job, provider, lander))) {
            transitions.reschedule(job.id(), owner, Duration.ZERO);
        }
    }

    /** Lands {@code job} on a landing thread, as {@code owner}; a failure is recorded as a failed step. */
    private void landAs(JobView job, VideoProvider provider, String owner) {
        try {
            land(job, provider, owner);
        } catch (LeaseLostException e) {
            LOG.warnf("%s: lease lost to another worker; leaving the landing to it", job.label());
        } catch (Exception e) {
            LOG.warnf("%s: landing failed: %s", job.label(), e.toString());
            try {
                transitions.stepFailed(job.id(), owner, e.toString(), config.worker().maxAttempts());
            } catch (RuntimeException notRecorded) {
                // The database is out of reach: the lease runs out and the landing is claimed again.
                LOG.warnf("%s: landing failure not recorded: %s", job.label(), notRecorded.toString());
            }
        }
    }

    private void land(JobView job, VideoProvider provider, String owner) throws Exception {
        // A landing makes up to three requests: the download, the thumbnail and the delete.
        Optional<Duration> wait = rates.take(job.request().model(), provider.name(), RequestRates.MIN_BURST);
        if (wait.isPresent()) {
            transitions.reschedule(job.id(), owner, wait.get());
            return;
        }
        Span span = tracer.spanBuilder("reelflow.landing").startSpan();
        try (var scope = span.makeCurrent()) {
            download(job, provider, owner);
        } finally {
            span.end();
        }
    }

    /** Downloads the result, stores it and records it landed. */
    private void download(JobView job, VideoProvider provider, String owner) throws Exception {
        ResultLanding.Landed landed;
        try (InputStream result = provider.download(job.providerJobId())) {
            if (job.segmented()) {
                boolean last = job.segmentIndex() == job.segmentCount() - 1;
                ResultLanding.Part part = landing.landSegment(result, job.objectKey(), job.segmentIndex(), last);
                transitions.segmentLanded(job.id(), owner, job.segmentIndex(), job.request().seconds(),
                        job.providerJobId(), part.key(), part.sha256(), part.probe(), !last);
                if (!last) {
                    provider.afterLanding(job.providerJobId());
                    LOG.infof("%s landed; the next segment starts from its last frame", job.label());
                    return;
                }
                List<ContentCredentials.Ingredient> parts = segments.landedFiles(job.id()).stream()
                        .map(s -> Origin.providerFile(provider.name(), s[0], s[1])).toList();
                landed = landing.landSegments(job.segmentCount(), job.objectKey(), job.posterKey(), job.target(),
                        job.autoQc(), job.origin(parts));
            } else {
                landed = landing.land(result, job.objectKey(), job.posterKey(), job.target(), job.autoQc(),
                        job.origin(List.of()), job.providerJobId());
            }
        } catch (ProviderException e) {
            breaker.failed(provider.name(), e);
            refusedOrLater(job, owner, e);
            return;
        } catch (ResultLanding.EmptyResultException e) {
            // Finished but empty: downloaded again a few times, then failed with the reason (never created again).
            if (job.attempts() + 1 >= EMPTY_RESULT_DOWNLOADS) {
                transitions.failed(job.id(), owner, FailureKind.PROVIDER_ERROR, provider.name() + " reported "
                        + job.providerJobId() + " finished, but its result was empty in " + EMPTY_RESULT_DOWNLOADS
                        + " downloads; revise the shot to try again");
            } else {
                transitions.retryLater(job.id(), owner, e.getMessage(), null);
            }
            return;
        }
        transitions.landed(job.id(), owner, job.segmented() ? landed : landed.withThumbnail(thumbnail(job, provider)),
                scores(job));
        provider.afterLanding(job.providerJobId());
    }

    /** How a landed final compares with its approved draft; a failed measurement never holds up the result. */
    private LookCheck.Scores scores(JobView job) {
        try {
            return lookCheck.score(job).orElse(null);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("%s: not compared with its approved draft: %s", job.label(), e.toString());
            return null;
        }
    }

    /** A job the provider kept running too long: cancelled there where possible, failed here as a timeout. */
    private void giveUp(JobView job, VideoProvider provider, String owner) {
        String cancelled;
        try {
            provider.cancel(job.providerJobId());
            cancelled = "cancel requested at " + provider.name();
        } catch (ProviderException e) {
            cancelled = "cancel at " + provider.name() + " failed: " + e.getMessage();
        }
        transitions.failed(job.id(), owner, FailureKind.TIMEOUT, "still running at " + provider.name() + " after "
                + config.worker().maxRunning() + "; " + cancelled);
    }

    /** The provider's own still, stored beside the video; a missing one never holds up the result. */
    private String thumbnail(JobView job, VideoProvider provider) {
        try {
            Optional<InputStream> thumbnail = provider.thumbnail(job.providerJobId());
            return thumbnail.isPresent() ? landing.landThumbnail(thumbnail.get(), job.objectKey()) : null;
        } catch (ProviderException | java.io.IOException e) {
            LOG.warnf("%s: provider thumbnail not kept: %s", job.label(), e.getMessage());
            return null;
        }
    }

    /** A status or download call failed: a refusal fails the job; anything else is tried again later. */
    private void refusedOrLater(JobView job, String owner, ProviderException e) {
        if (e.kind() == ProviderException.Kind.REFUSED) {
            transitions.refused(job.id(), owner, e.failureKind(), e.getMessage(), e.refusedInput());
        } else {
            transitions.retryLater(job.id(), owner, e.getMessage(), e.retryAfter());
        }
    }
}
