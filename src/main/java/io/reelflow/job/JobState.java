package io.reelflow.job;

import java.util.EnumSet;
import java.util.Set;

/**
 * Life of a job. {@code SUBMITTING} is written before the paid create call, so a crash during the call is
 * seen as an outcome to reconcile ({@code UNKNOWN}), never as permission to create again.
 */
public enum JobState {
    PENDING,
    /** Waiting for budget: its create call would pass a budget; {@code held_reason} says which. */
    HELD,
    SUBMITTING,
    UNKNOWN,
    RUNNING,
    DOWNLOADING,
    LANDED,
    FAILED;

    /** States the worker still has to advance. */
    public static final Set<JobState> ACTIVE = EnumSet.of(PENDING, HELD, SUBMITTING, UNKNOWN, RUNNING, DOWNLOADING);

    public boolean terminal() {
        return this == LANDED || this == FAILED;
    }
}
