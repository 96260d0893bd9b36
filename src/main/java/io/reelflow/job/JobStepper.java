package io.reelflow.job;

import java.io.InputStream;
import java.time.Duration;
import java.util.UUID;

import org.jboss.logging.Logger;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.FrameSize;
import io.reelflow.provider.ProviderException;
import io.reelflow.provider.Providers;
import io.reelflow.provider.RemoteStatus;
import io.reelflow.provider.VideoProvider;
import io.reelflow.storage.ResultLanding;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Advances one claimed job by one step of {@code PENDING → SUBMITTING → RUNNING → DOWNLOADING → LANDED}.
 * Every step ends with the new state committed and the lease given back, so any replica can take the next.
 */
@ApplicationScoped
public class JobStepper {

    private static final Logger LOG = Logger.getLogger(JobStepper.class);
    private static final Duration RECONCILE_RETRY = Duration.ofSeconds(5);

    private final JobTransitions transitions;
    private final Providers providers;
    private final ResultLanding landing;
    private final ReelflowConfig config;

    public JobStepper(JobTransitions transitions, Providers providers, ResultLanding landing, ReelflowConfig config) {
        this.transitions = transitions;
        this.providers = providers;
        this.landing = landing;
        this.config = config;
    }

    public void advance(UUID id, String owner) {
        JobView job = transitions.view(id);
        try {
            VideoProvider provider = providers.get(job.provider());
            switch (job.state()) {
                case PENDING -> create(job, provider, owner);
                // A claimed SUBMITTING job was left by a worker that died during its create call.
                case SUBMITTING, UNKNOWN -> reconcile(job, provider, owner);
                case RUNNING -> poll(job, provider, owner);
                case DOWNLOADING -> land(job, provider, owner);
                default -> LOG.debugf("%s needs no work in state %s", job.label(), job.state());
            }
        } catch (JobTransitions.LeaseLostException e) {
            LOG.warnf("%s: lease lost to another worker; leaving the job to it", job.label());
        } catch (Exception e) {
            LOG.warnf("%s: step in state %s failed: %s", job.label(), job.state(), e.toString());
            transitions.stepFailed(id, owner, e.toString(), config.worker().maxAttempts());
        }
    }

    private void create(JobView job, VideoProvider provider, String owner) throws Exception {
        transitions.submitting(job.id(), owner);
        VideoProvider.Submission submission;
        try {
            submission = provider.create(job.request());
        } catch (ProviderException e) {
            switch (e.kind()) {
                case REFUSED -> transitions.failed(job.id(), owner, e.failureKind(), e.getMessage());
                case RETRY_LATER -> transitions.pending(job.id(), owner, e.getMessage(), orDefault(e.retryAfter()));
                case OUTCOME_UNKNOWN -> transitions.unknown(job.id(), owner, e.getMessage(), RECONCILE_RETRY);
            }
            return;
        } catch (RuntimeException e) {
            // Whatever went wrong, the request may have reached the provider: never create again blindly.
            transitions.unknown(job.id(), owner, e.toString(), RECONCILE_RETRY);
            return;
        }
        transitions.submitted(job.id(), owner, submission.providerJobId(), submission.pollAfter());
        LOG.infof("%s submitted to %s as %s", job.label(), provider.name(), submission.providerJobId());
    }

    private void reconcile(JobView job, VideoProvider provider, String owner) throws Exception {
        VideoProvider.Lookup lookup = provider.lookup(job.request());
        if (lookup.providerJobId().isPresent()) {
            transitions.submitted(job.id(), owner, lookup.providerJobId().get(), Duration.ZERO);
            LOG.infof("%s reconciled: the provider has it as %s", job.label(), lookup.providerJobId().get());
        } else if (lookup.authoritative()) {
            transitions.pending(job.id(), owner, "create call never reached the provider", Duration.ZERO);
            LOG.infof("%s reconciled: the provider never received it; it will be created", job.label());
        } else {
            transitions.unknown(job.id(), owner, "not found at the provider yet", RECONCILE_RETRY);
        }
    }

    private void poll(JobView job, VideoProvider provider, String owner) throws Exception {
        RemoteStatus status = provider.status(job.providerJobId());
        if (status instanceof RemoteStatus.Running running) {
            transitions.reschedule(job.id(), owner, orDefault(running.pollAfter()));
        } else if (status instanceof RemoteStatus.Failed failed) {
            transitions.failed(job.id(), owner, failed.kind(), failed.reason());
        } else {
            transitions.downloading(job.id(), owner);
            land(job, provider, owner);
        }
    }

    private void land(JobView job, VideoProvider provider, String owner) throws Exception {
        ResultLanding.Landed landed;
        try (InputStream result = provider.download(job.providerJobId())) {
            ResultLanding.Expected qc = job.autoQc() ? new ResultLanding.Expected(job.request().seconds(),
                    new FrameSize(job.request().width(), job.request().height())) : null;
            landed = landing.land(result, job.objectKey(), job.posterKey(), qc);
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.REFUSED) {
                transitions.failed(job.id(), owner, e.failureKind(), e.getMessage());
                return;
            }
            throw e;
        }
        transitions.landed(job.id(), owner, landed);
        provider.afterLanding(job.providerJobId());
    }

    private Duration orDefault(Duration pollAfter) {
        return pollAfter == null ? config.worker().statusPoll() : pollAfter;
    }
}
