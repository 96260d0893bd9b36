package io.reelflow.media;

import java.io.IOException;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

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
        long endMicros = seconds * 1_000_000L;
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(in.toFile())) {
            grabber.start();
            int channels = grabber.getAudioChannels();
            String filter = cropAndScale(grabber.getImageWidth(), grabber.getImageHeight(), size);
            try (FFmpegFrameFilter video = new FFmpegFrameFilter(filter, grabber.getImageWidth(), grabber.getImageHeight());
                    FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), size.width(), size.height(),
                            channels)) {
                video.setPixelFormat(grabber.getPixelFormat());
                video.setFrameRate(grabber.getFrameRate());
                video.start();
                recorder.setFormat("mp4");
                recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
                recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                recorder.setFrameRate(grabber.getFrameRate());
                recorder.setGopSize((int) Math.round(grabber.getFrameRate() * 2));
                recorder.setVideoBitrate(size.width() * size.height() * 2);
                if (channels > 0) {
                    recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
                    recorder.setSampleRate(grabber.getSampleRate());
                    recorder.setAudioChannels(channels);
                    recorder.setAudioBitrate(128_000);
                }
                recorder.setOption("movflags", "+faststart");
                recorder.start();
                Frame frame;
                while ((frame = grabber.grab()) != null) {
                    if (frame.timestamp >= endMicros) {
                        continue;
                    }
                    if (frame.image != null) {
                        video.push(frame);
                        Frame filtered;
                        while ((filtered = video.pull()) != null) {
                            recorder.record(filtered);
                        }
                    } else if (frame.samples != null) {
                        recorder.record(frame);
                    }
                }
                video.stop();
                recorder.stop();
            }
            grabber.stop();
        }
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
