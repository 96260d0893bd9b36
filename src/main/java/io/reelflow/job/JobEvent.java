package io.reelflow.job;

import java.util.List;

/**
 * What happened to a job, fired as a CDI event inside the transaction that recorded it (so whatever the
 * observers write commits or rolls back with it). The job layer reports; the campaign side (shot and batch
 * state, automatic review, published events) observes.
 */
public sealed interface JobEvent {

    Job job();

    /**
     * The job's video is stored. {@code thumbnailKey} is the provider's own still when kept; {@code qcFailures}
     * are the automatic quality checks it failed (null when none were run).
     */
    record Landed(Job job, String thumbnailKey, List<String> qcFailures) implements JobEvent {
    }

    /** The job failed for good; its kind and reason are on the job. */
    record Failed(Job job) implements JobEvent {
    }

    /** The job first started waiting for budget; the reason is on the job. */
    record Held(Job job) implements JobEvent {
    }

    /** The job left model {@code from} for the next model of its route (now on the job), for {@code reason}. */
    record Rerouted(Job job, String from, String reason) implements JobEvent {
    }
}
