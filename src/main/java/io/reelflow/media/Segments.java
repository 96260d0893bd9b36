package io.reelflow.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * A clip longer than a model makes in one call is made of segments: each next one starts from the previous
 * one's last frame, and the segments are joined into one file of the exact length and frame size.
 */
public final class Segments {

    /** How far before the end the last-frame search starts. */
    private static final long TAIL_MICROS = 500_000;

    private Segments() {
    }

    /** Writes the last picture of {@code video} as a PNG. */
    public static void writeLastFrame(Path video, Path png) throws IOException {
        try (FFmpegFrameGrabber grabber = new Grabber(video);
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            long length = grabber.getLengthInTime();
            if (length > TAIL_MICROS) {
                grabber.setVideoTimestamp(length - TAIL_MICROS);
            }
            BufferedImage last = null;
            Frame frame;
            while ((frame = grabber.grabImage()) != null) {
                BufferedImage image = converter.convert(frame);
                last = copy(image, last);
            }
            grabber.stop();
            if (last == null) {
                throw new IOException("segment has no picture to continue from");
            }
            ImageIO.write(last, "png", png.toFile());
        }
    }

    /**
     * Joins {@code parts} in order into {@code out}: every part centre-cropped and scaled to {@code size}, the
     * whole cut at {@code seconds}. Fails when the parts together are shorter.
     */
    public static void join(List<Path> parts, FrameSize size, int seconds, Path out) throws IOException {
        double total = 0;
        for (Path part : parts) {
            total += MediaProbe.probe(part).seconds();
        }
        if (total + Conformer.LENGTH_TOLERANCE < seconds) {
            throw new IOException("the segments last " + String.format("%.2f", total) + " s together; " + seconds
                    + " s were asked for, and a clip is never delivered shorter");
        }
        MediaProbe.Probe first = MediaProbe.probe(parts.get(0));
        long endMicros = seconds * 1_000_000L;
        try (FFmpegFrameGrabber head = new Grabber(parts.get(0))) {
            head.start();
            int channels = first.hasAudio() ? head.getAudioChannels() : 0;
            double fps = head.getFrameRate();
            try (FFmpegFrameRecorder recorder = Mp4.recorder(out, size, fps, size.width() * size.height() * 2, channels,
                    head.getSampleRate(), 128_000)) {
                recorder.start();
                head.stop();
                long offset = 0;
                for (Path part : parts) {
                    offset += append(part, size, endMicros - offset, channels > 0, recorder);
                    if (offset >= endMicros) {
                        break;
                    }
                }
                recorder.stop();
            }
        }
    }

    /** Appends up to {@code leftMicros} of {@code part}; returns how much of it was used. */
    private static long append(Path part, FrameSize size, long leftMicros, boolean audio, FFmpegFrameRecorder recorder)
            throws IOException {
        try (FFmpegFrameGrabber grabber = new Grabber(part)) {
            grabber.start();
            long length = grabber.getLengthInTime();
            try (FFmpegFrameFilter filter = new FilterGraph(
                    Conformer.cropAndScale(grabber.getImageWidth(), grabber.getImageHeight(), size),
                    grabber.getImageWidth(), grabber.getImageHeight())) {
                filter.setPixelFormat(grabber.getPixelFormat());
                filter.setFrameRate(grabber.getFrameRate());
                filter.start();
                Frame frame;
                while ((frame = grabber.grab()) != null) {
                    if (frame.timestamp >= leftMicros) {
                        continue;
                    }
                    if (frame.image != null) {
                        filter.push(frame);
                        Frame filtered;
                        while ((filtered = filter.pull()) != null) {
                            recorder.record(filtered);
                        }
                    } else if (frame.samples != null && audio) {
                        recorder.record(frame);
                    }
                }
                filter.stop();
            }
            grabber.stop();
            return Math.min(length, leftMicros);
        }
    }

    private static BufferedImage copy(BufferedImage image, BufferedImage into) {
        BufferedImage out = into != null && into.getWidth() == image.getWidth() && into.getHeight() == image.getHeight()
                ? into
                : new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = out.createGraphics();
        g.drawImage(image, 0, 0, null);
        g.dispose();
        return out;
    }
}
