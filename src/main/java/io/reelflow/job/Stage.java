package io.reelflow.job;

/** What a job renders: a cheap draft for review or the approved final. */
public enum Stage {
    DRAFT,
    FINAL;

    /** The file name of this stage's video of {@code revision}, without extension. */
    public String fileName(int revision) {
        return this == FINAL ? "final" : "draft-r" + revision;
    }
}
