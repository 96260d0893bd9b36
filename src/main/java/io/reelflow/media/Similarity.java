package io.reelflow.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * How alike pictures are, by FFmpeg's own {@code ssim} filter (structural similarity: 1 is identical, around
 * 0.3 or below is a different picture). Pictures of different sizes are compared at the second one's size.
 */
public final class Similarity {

    private static final Pattern ALL = Pattern.compile("All:([0-9.]+)");

    private Similarity() {
    }

    /** The SSIM of {@code a} against {@code b}. */
    public static double ssim(BufferedImage a, BufferedImage b) throws IOException {
        return mean(List.of(a), List.of(b));
    }

    /** The mean SSIM of each picture of {@code a} against the picture of {@code b} at the same place. */
    public static double mean(List<BufferedImage> a, List<BufferedImage> b) throws IOException {
        if (a.isEmpty() || a.size() != b.size()) {
            throw new IllegalArgumentException("compare pictures in pairs: " + a.size() + " against " + b.size());
        }
        int width = b.get(0).getWidth();
        int height = b.get(0).getHeight();
        FrameSize size = new FrameSize(width, height);
        Path stats = Files.createTempFile("reelflow-ssim-", ".log");
        try (Java2DFrameConverter left = new Java2DFrameConverter();
                Java2DFrameConverter right = new Java2DFrameConverter();
                FFmpegFrameFilter filter = new FFmpegFrameFilter("[0:v][1:v]ssim=stats_file="
                        + stats.toAbsolutePath().toString().replace(":", "\\:") + "[v]", width, height)) {
            filter.setVideoInputs(2);
            filter.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
            filter.start();
            for (int i = 0; i < a.size(); i++) {
                BufferedImage first = a.get(i).getWidth() == width && a.get(i).getHeight() == height ? a.get(i)
                        : Frames.fit(a.get(i), size);
                filter.push(0, left.convert(Frames.toBgr(first)), avutil.AV_PIX_FMT_BGR24);
                filter.push(1, right.convert(Frames.toBgr(b.get(i))), avutil.AV_PIX_FMT_BGR24);
                while (filter.pull() != null) {
                    // The compared pictures are not needed: the scores are in the stats file.
                }
            }
            filter.push(0, null);
            filter.push(1, null);
            while (filter.pull() != null) {
                // Drain what is left.
            }
            filter.stop();
            return average(Files.readAllLines(stats), a.size());
        } finally {
            Files.deleteIfExists(stats);
        }
    }

    private static double average(List<String> lines, int expected) throws IOException {
        List<Double> scores = new ArrayList<>();
        for (String line : lines) {
            Matcher m = ALL.matcher(line);
            if (m.find()) {
                scores.add(Double.parseDouble(m.group(1)));
            }
        }
        if (scores.size() != expected) {
            throw new IOException("the ssim filter scored " + scores.size() + " of " + expected + " picture pairs");
        }
        return scores.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
