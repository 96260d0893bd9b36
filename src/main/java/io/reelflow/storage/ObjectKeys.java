package io.reelflow.storage;

import io.reelflow.job.Stage;

/**
 * The object storage layout: {@code {team}/{campaign}/{batch}/{shot}/draft-r{n}.mp4} or {@code final.mp4},
 * a {@code .jpg} poster beside each video, and {@code {team}/{campaign}/{batch}/manifest.json}.
 * Every segment has passed intake's safe-id check, so keys cannot leave the team's prefix.
 */
public final class ObjectKeys {

    private ObjectKeys() {
    }

    public static String batchPrefix(String team, String campaign, String batch) {
        return team + "/" + campaign + "/" + batch + "/";
    }

    public static String manifest(String team, String campaign, String batch) {
        return batchPrefix(team, campaign, batch) + "manifest.json";
    }

    public static String video(String team, String campaign, String batch, String shot, Stage stage, int revision) {
        return batchPrefix(team, campaign, batch) + shot + "/" + baseName(stage, revision) + ".mp4";
    }

    public static String poster(String team, String campaign, String batch, String shot, Stage stage, int revision) {
        return batchPrefix(team, campaign, batch) + shot + "/" + baseName(stage, revision) + ".jpg";
    }

    private static String baseName(Stage stage, int revision) {
        return stage == Stage.FINAL ? "final" : "draft-r" + revision;
    }

    /** Segment {@code index} of a video made of several provider calls. */
    public static String segment(String videoKey, int index) {
        return videoKey.replaceFirst("\\.mp4$", "") + ".part" + (index + 1) + ".mp4";
    }

    /** The last frame of segment {@code index}, from which the next segment starts. */
    public static String segmentLastFrame(String videoKey, int index) {
        return videoKey.replaceFirst("\\.mp4$", "") + ".part" + (index + 1) + ".last.png";
    }
}
