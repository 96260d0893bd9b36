package io.reelflow.job;

/** What a job renders: a cheap draft for review or the approved final. */
public enum Stage {
    DRAFT,
    FINAL;

    /** The file name of this stage's video of {@code revision} (and {@code take} of a final), without extension. */
    public String fileName(int revision, int take) {
        return this == DRAFT ? "draft-r" + revision : take == 1 ? "final" : "final-take" + take;
    }
}
