package io.reelflow.storage;

/**
 * The object storage layout: {@code {team}/{campaign}/{batch}/{shot}/draft-r{n}.mp4} or {@code final.mp4},
 * a {@code .jpg} poster beside each video, {@code {shot}/deliverables/{placement}.mp4} with its {@code .vtt} and
 * {@code .srt} captions, and {@code {team}/{campaign}/{batch}/manifest.json}.
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

    /** A shot's video named {@code name} ({@code draft-r2}, {@code final}). */
    public static String video(String team, String campaign, String batch, String shot, String name) {
        return batchPrefix(team, campaign, batch) + shot + "/" + name + ".mp4";
    }

    /** The poster of {@link #video}. */
    public static String poster(String team, String campaign, String batch, String shot, String name) {
        return batchPrefix(team, campaign, batch) + shot + "/" + name + ".jpg";
    }

    /** Segment {@code index} of a video made of several provider calls. */
    public static String segment(String videoKey, int index) {
        return videoKey.replaceFirst("\\.mp4$", "") + ".part" + (index + 1) + ".mp4";
    }

    /** The last frame of segment {@code index}, from which the next segment starts. */
    public static String segmentLastFrame(String videoKey, int index) {
        return videoKey.replaceFirst("\\.mp4$", "") + ".part" + (index + 1) + ".last.png";
    }

    /** The approved frame a final of {@code videoKey} starts from, as sent to the model (a JPEG). */
    public static String startFrame(String videoKey) {
        return videoKey.replaceFirst("\\.mp4$", "") + ".start.jpg";
    }

    /** The contact sheet comparing the final {@code videoKey} with its approved draft. */
    public static String contactSheet(String videoKey) {
        return videoKey.replaceFirst("\\.mp4$", "") + ".contact.jpg";
    }

    /** A shot's file for {@code placement}; its captions sit beside it with {@code .vtt} and {@code .srt}. */
    public static String deliverable(String team, String campaign, String batch, String shot, String placement) {
        return batchPrefix(team, campaign, batch) + shot + "/deliverables/" + placement + ".mp4";
    }

    /** The file beside {@code videoKey} with {@code extension} ({@code vtt}, {@code srt}). */
    public static String beside(String videoKey, String extension) {
        return videoKey.replaceFirst("\\.mp4$", "") + "." + extension;
    }

    /** The batch's logo as first fetched, kept so that every file of the batch shows the same picture. */
    public static String brandLogo(String team, String campaign, String batch) {
        return batchPrefix(team, campaign, batch) + "brand/logo.png";
    }
}
