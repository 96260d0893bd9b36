package io.reelflow.job;

import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

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
    /** Waiting for a create call. */
    public static final Set<JobState> WAITING = EnumSet.of(PENDING, HELD);
    /** Created (or maybe created) at the provider, and not landed yet. */
    public static final Set<JobState> AT_PROVIDER = EnumSet.of(SUBMITTING, UNKNOWN, RUNNING, DOWNLOADING);
    /** The states in which a job takes a slot of its model and provider. */
    public static final Set<JobState> TAKES_SLOT = EnumSet.of(SUBMITTING, UNKNOWN, RUNNING);

    /** The SQL condition {@code state in (...)}: the one place where job state names are written into SQL. */
    public static String sqlIn(Set<JobState> states) {
        return states.stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ", "state in (", ")"));
    }

    public boolean terminal() {
        return this == LANDED || this == FAILED;
    }
}
