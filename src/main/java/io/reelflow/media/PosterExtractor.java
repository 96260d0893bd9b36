package io.reelflow.media;

import java.io.IOException;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes a JPEG poster for a video: the keyframe nearest one second in (the first frame of a clip with no other
 * keyframe). Only keyframes are decoded (the decoder skips every other picture), so a poster costs one or two
 * picture decodes whatever the clip's length, where decoding up to one second of 720p took about 20 ms. The frame
 * is encoded by FFmpeg's JPEG encoder straight from the decoded picture, with no copy through Java images.
 */
public final class PosterExtractor {

    private static final long POSTER_AT_MICROS = 1_000_000;
    /** FFmpeg's JPEG quality scale: 2 (best) to 31; 3 is visually lossless for a poster. */
    private static final int JPEG_QUALITY = 3;

    private PosterExtractor() {
    }

    /**
     * Probes {@code video} and writes its poster with one opening of the file (opening reads the container and
     * starts the decoders, which costs about as much as probing does on its own).
     */
    public static MediaProbe.Probe probeAndWritePoster(Path video, Path jpeg) throws IOException {
        try (FFmpegFrameGrabber grabber = new Grabber(video)) {
            // One decoding thread: a poster decodes one or two pictures, less than it costs to start a pool of
            // threads, and landings already run side by side.
            grabber.setVideoOption("threads", "1");
            grabber.setVideoOption("skip_frame", "nokey");
            grabber.start();
            MediaProbe.Probe probe = MediaProbe.of(grabber);
            Picked picked = nearestKeyframe(grabber);
            if (picked == null) {
                throw new IOException("video has no picture to take a poster from");
            }
            Frame frame = picked.frame();
            try (picked; FFmpegFrameRecorder encoder = new FFmpegFrameRecorder(jpeg.toFile(), frame.imageWidth,
                    frame.imageHeight, 0)) {
                encoder.setFormat("image2");
                encoder.setOption("update", "1");
                encoder.setVideoCodec(avcodec.AV_CODEC_ID_MJPEG);
                encoder.setPixelFormat(avutil.AV_PIX_FMT_YUVJ420P);
                encoder.setVideoQuality(JPEG_QUALITY);
                encoder.start();
                encoder.record(frame);
                encoder.stop();
            }
            grabber.stop();
            return probe;
        }
    }

    /** A decoded picture, either the grabber's own (reused by its next grab) or a copy this class closes. */
    private record Picked(Frame frame, boolean copy) implements AutoCloseable {
        @Override
        public void close() {
            if (copy) {
                frame.close();
            }
        }
    }

    /** The decoded keyframe nearest {@link #POSTER_AT_MICROS}: the last one up to it, or the first one after. */
    private static Picked nearestKeyframe(FFmpegFrameGrabber grabber) throws IOException {
        Picked before = null;
        Frame frame;
        while ((frame = grabber.grabImage()) != null) {
            if (frame.timestamp <= POSTER_AT_MICROS) {
                if (before != null) {
                    before.close();
                }
                before = new Picked(frame.clone(), true);
                continue;
            }
            if (before == null || frame.timestamp - POSTER_AT_MICROS < POSTER_AT_MICROS - before.frame().timestamp) {
                if (before != null) {
                    before.close();
                }
                return new Picked(frame, false);
            }
            break;
        }
        return before;
    }
}
