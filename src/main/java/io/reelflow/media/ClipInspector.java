package io.reelflow.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * The automatic quality check of a landed clip: length and frame size as requested, an audio stream, and
 * a picture that is neither blank nor frozen. Pictures are judged from a few frames spread over the clip.
 */
public final class ClipInspector {

    private static final double LENGTH_TOLERANCE_SECONDS = 0.25;
    private static final int SAMPLES = 6;
    private static final int GRID = 32;
    /** Luma standard deviation (0-255) under which a frame shows nothing. */
    private static final double BLANK_BELOW = 4.0;
    /** Mean luma change (0-255) between sampled frames under which the picture does not move. */
    private static final double FROZEN_BELOW = 0.5;

    private ClipInspector() {
    }

    /** Returns the checks the clip fails, each naming what was expected and found; empty when it passes. */
    public static List<String> inspect(Path clip, MediaProbe.Probe probe, int seconds, FrameSize size)
            throws IOException {
        List<String> failed = new ArrayList<>();
        if (Math.abs(probe.seconds() - seconds) > LENGTH_TOLERANCE_SECONDS) {
            failed.add(String.format(Locale.ROOT, "duration: %.2f s, expected %d s", probe.seconds(), seconds));
        }
        if (probe.width() != size.width() || probe.height() != size.height()) {
            failed.add("frame size: " + probe.width() + "x" + probe.height() + ", expected " + size);
        }
        if (!probe.hasAudio()) {
            failed.add("audio: no audio stream");
        }
        List<double[]> frames = sampleLuma(clip, probe.seconds());
        if (frames.isEmpty()) {
            failed.add("picture: no decodable frames");
            return failed;
        }
        if (frames.stream().allMatch(f -> stddev(f) < BLANK_BELOW)) {
            failed.add("picture: blank (no detail in any sampled frame)");
        } else if (frames.size() > 1 && maxChange(frames) < FROZEN_BELOW) {
            failed.add("picture: frozen (no motion between sampled frames)");
        }
        return failed;
    }

    private static List<double[]> sampleLuma(Path clip, double seconds) throws IOException {
        List<double[]> frames = new ArrayList<>();
        try (FFmpegFrameGrabber grabber = new Grabber(clip);
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            for (int i = 0; i < SAMPLES; i++) {
                grabber.setVideoTimestamp((long) (seconds * 1_000_000 * (i + 0.5) / SAMPLES));
                Frame frame = grabber.grabImage();
                if (frame == null) {
                    continue;
                }
                frames.add(luma(converter.convert(frame)));
            }
            grabber.stop();
        }
        return frames;
    }

    private static double[] luma(BufferedImage image) {
        double[] grid = new double[GRID * GRID];
        for (int gy = 0; gy < GRID; gy++) {
            for (int gx = 0; gx < GRID; gx++) {
                int rgb = image.getRGB(gx * image.getWidth() / GRID, gy * image.getHeight() / GRID);
                grid[gy * GRID + gx] = 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
            }
        }
        return grid;
    }

    private static double stddev(double[] values) {
        double mean = 0;
        for (double v : values) {
            mean += v;
        }
        mean /= values.length;
        double sum = 0;
        for (double v : values) {
            sum += (v - mean) * (v - mean);
        }
        return Math.sqrt(sum / values.length);
    }

    private static double maxChange(List<double[]> frames) {
        double max = 0;
        for (int i = 1; i < frames.size(); i++) {
            double sum = 0;
            for (int k = 0; k < frames.get(i).length; k++) {
                sum += Math.abs(frames.get(i)[k] - frames.get(i - 1)[k]);
            }
            max = Math.max(max, sum / frames.get(i).length);
        }
        return max;
    }
}
