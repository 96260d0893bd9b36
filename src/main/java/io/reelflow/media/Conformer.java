package io.reelflow.media;


/**
 * Makes a provider's clip exactly what the job asked for when the model could not: centre-cropped to the
 * frame's aspect ratio and scaled to its exact size, and cut to the exact length (a model that makes 5-second
 * clips serves a 4-second draft). The cutting and fitting is {@link Segments#join} of the one clip; a clip
 * shorter than asked is never padded: that is an error.
 */
public final class Conformer {

    /** Durations closer than this count as exact. */
    public static final double LENGTH_TOLERANCE = 0.25;

    private Conformer() {
    }

    /** Whether {@code probe} already is {@code size} and {@code seconds} long. */
    public static boolean conforms(MediaProbe.Probe probe, FrameSize size, int seconds) {
        return probe.width() == size.width() && probe.height() == size.height()
                && Math.abs(probe.seconds() - seconds) <= LENGTH_TOLERANCE;
    }

    /** An FFmpeg filter that centre-crops {@code width x height} to the frame's aspect ratio and scales it. */
    static String cropAndScale(int width, int height, FrameSize size) {
        double have = (double) width / height;
        double want = (double) size.width() / size.height();
        int cropWidth = width;
        int cropHeight = height;
        if (have > want) {
            cropWidth = even((int) Math.round(height * want));
        } else if (have < want) {
            cropHeight = even((int) Math.round(width / want));
        }
        return "crop=" + cropWidth + ":" + cropHeight + ",scale=" + size.width() + ":" + size.height() + ",setsar=1";
    }

    private static int even(int n) {
        return n - (n % 2);
    }
}
