package io.reelflow.media;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Makes a provider's clip exactly what the job asked for when the model could not: centre-cropped to the
 * frame's aspect ratio and scaled to its exact size, and cut to the exact length (a model that makes 5-second
 * clips serves a 4-second draft). A clip shorter than asked is never padded: that is an error.
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

    /** Writes {@code in} conformed to {@code size} and {@code seconds} into {@code out}. */
    public static void conform(Path in, MediaProbe.Probe probe, FrameSize size, int seconds, Path out)
            throws IOException {
        if (probe.seconds() + LENGTH_TOLERANCE < seconds) {
            throw new IOException("the provider's clip is " + String.format("%.2f", probe.seconds())
                    + " s long; " + seconds + " s were asked for, and a clip is never delivered shorter");
        }
        Segments.join(java.util.List.of(in), size, seconds, out);
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
