package io.reelflow.job;

/** What a job renders: a cheap draft for review or the approved final. */
public enum Stage {
    DRAFT,
    FINAL
}
