package io.reelflow.job;

/** What a job renders: a cheap draft for review or the approved final. */
public enum Stage {
    DRAFT,
    FINAL;

    /**
     * The file name of this stage's video of {@code revision} (and {@code take} of a final), without extension; a
     * shot's second master is named by its orientation ({@code master}, null for the shot's own).
     */
    public String fileName(int revision, int take, String master) {
        if (this == DRAFT) {
            return "draft-r" + revision;
        }
        String name = master == null ? "final" : "final-" + master;
        return take == 1 ? name : name + "-take" + take;
    }
}
