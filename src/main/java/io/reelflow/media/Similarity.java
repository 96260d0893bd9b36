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
        try (Pairs pairs = new Pairs(new FrameSize(b.get(0).getWidth(), b.get(0).getHeight()))) {
            for (int i = 0; i < a.size(); i++) {
                pairs.add(a.get(i), b.get(i));
            }
            return pairs.mean();
        }
    }

    /**
     * Pairs of pictures scored as they come, so no list of full-size pictures is held: each pair is handed to the
     * filter and may be dropped at once. The first picture of a pair is fitted to {@code size} (the second's).
     */
    public static final class Pairs implements AutoCloseable {

        private final FrameSize size;
        private final Path stats;
        private final BgrPictures left = new BgrPictures();
        private final BgrPictures right = new BgrPictures();
        private final FFmpegFrameFilter filter;
        private int count;
        private boolean ended;

        public Pairs(FrameSize size) throws IOException {
            this.size = size;
            this.stats = Files.createTempFile("reelflow-ssim-", ".log");
            this.filter = new FilterGraph("[0:v][1:v]ssim=stats_file="
                    + stats.toAbsolutePath().toString().replace(":", "\\:") + "[v]", size.width(), size.height());
            try {
                filter.setVideoInputs(2);
                filter.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
                filter.start();
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Scores {@code a} (fitted to the size if it differs) against {@code b}, which must have the size. */
        public void add(BufferedImage a, BufferedImage b) throws IOException {
            if (b.getWidth() != size.width() || b.getHeight() != size.height()) {
                throw new IllegalArgumentException("the second picture of a pair is " + b.getWidth() + "x"
                        + b.getHeight() + ", not " + size);
            }
            BufferedImage first = a.getWidth() == size.width() && a.getHeight() == size.height() ? a
                    : Frames.fit(a, size);
            filter.push(0, left.frame(first), avutil.AV_PIX_FMT_BGR24);
            filter.push(1, right.frame(b), avutil.AV_PIX_FMT_BGR24);
            while (filter.pull() != null) {
                // The compared pictures are not needed: the scores are in the stats file.
            }
            count++;
        }

        /** The mean SSIM of the pairs added; the scorer takes no more pairs after it. */
        public double mean() throws IOException {
            if (count == 0) {
                throw new IllegalStateException("no pictures were compared");
            }
            if (!ended) {
                ended = true;
                filter.push(0, null);
                filter.push(1, null);
                while (filter.pull() != null) {
                    // Drain what is left.
                }
                filter.stop();
            }
            return average(Files.readAllLines(stats), count);
        }

        @Override
        public void close() throws IOException {
            try {
                filter.close();
            } finally {
                Files.deleteIfExists(stats);
            }
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
