package io.reelflow.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * Loudness of a clip's sound as FFmpeg's {@code ebur128} filter measures it (ITU-R BS.1770 / EBU R128): the
 * integrated loudness in LUFS and the true peak in dBTP (4x oversampled). The filter's running values are written
 * per frame to a stats file by {@code ametadata}; the last values are the whole clip's (the true peak there is a
 * linear amplitude, turned into dBTP here).
 */
public final class Loudness {

    /** A clip's measure; {@code integratedLufs} is -70 or lower for silence. */
    public record Measure(double integratedLufs, double truePeakDbtp) {
    }

    private static final Pattern INTEGRATED = Pattern.compile("lavfi\\.r128\\.I=(-?[0-9.]+|-?inf)");
    private static final Pattern TRUE_PEAK = Pattern.compile("lavfi\\.r128\\.true_peak=(-?[0-9.]+|-?inf)");

    static {
        // The filter prints its summary at info level when it closes; the measure is read from the stats file.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private Loudness() {
    }

    /** Measures the sound of {@code clip}; fails when it has none. */
    public static Measure measure(Path clip) throws IOException {
        return measure(clip, null);
    }

    /**
     * Measures the sound of {@code clip} as it comes out of the audio filter chain {@code chain} (null for none),
     * without writing it anywhere: how a gain and limiter would sound, before any picture is encoded.
     */
    public static Measure measure(Path clip, String chain) throws IOException {
        return measure(clip, chain, Double.POSITIVE_INFINITY);
    }

    /** As {@link #measure(Path, String)}, over the first {@code seconds} of the clip only. */
    public static Measure measure(Path clip, String chain, double seconds) throws IOException {
        Path stats = Files.createTempFile("reelflow-r128-", ".txt");
        try (FFmpegFrameGrabber grabber = new Grabber(clip)) {
            grabber.setVideoStream(-1);
            grabber.start();
            if (grabber.getAudioChannels() == 0) {
                throw new IOException(clip.getFileName() + " has no sound to measure");
            }
            String graph = (chain == null ? "" : chain + ",") + "ebur128=peak=true:metadata=1,ametadata=mode=print:file="
                    + stats.toAbsolutePath().toString().replace(":", "\\:");
            try (FFmpegFrameFilter filter = new FilterGraph(graph, grabber.getAudioChannels())) {
                filter.setSampleFormat(grabber.getSampleFormat());
                filter.setSampleRate(grabber.getSampleRate());
                filter.start();
                Frame frame;
                while ((frame = grabber.grabSamples()) != null) {
                    if (frame.timestamp >= seconds * 1_000_000) {
                        break;
                    }
                    filter.push(frame);
                    while (filter.pullSamples() != null) {
                        // The measure is in the stats file.
                    }
                }
                filter.push(null);
                while (filter.pullSamples() != null) {
                    // Drain.
                }
                filter.stop();
            }
            grabber.stop();
            return parse(Files.readAllLines(stats));
        } finally {
            Files.deleteIfExists(stats);
        }
    }

    static Measure parse(List<String> lines) throws IOException {
        Double integrated = null;
        Double peak = null;
        for (String line : lines) {
            Matcher i = INTEGRATED.matcher(line);
            if (i.find()) {
                integrated = value(i.group(1));
            }
            Matcher p = TRUE_PEAK.matcher(line);
            if (p.find()) {
                // The filter's metadata gives the peak as a linear amplitude (1.0 is full scale).
                peak = 20 * Math.log10(value(p.group(1)));
            }
        }
        if (integrated == null || peak == null) {
            throw new IOException("ebur128 gave no loudness (the sound is shorter than its 400 ms window?)");
        }
        return new Measure(integrated, peak);
    }

    private static double value(String text) {
        return text.endsWith("inf") ? (text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                : Double.parseDouble(text);
    }
}
