package io.reelflow.media;

import java.io.IOException;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Writes a JPEG poster for a video: the frame one second in (or the first frame of a shorter clip). The frame
 * is encoded by FFmpeg's JPEG encoder straight from the decoded picture, with no copy through Java images.
 */
public final class PosterExtractor {

    private static final long POSTER_AT_MICROS = 1_000_000;
    /** FFmpeg's JPEG quality scale: 2 (best) to 31; 3 is visually lossless for a poster. */
    private static final int JPEG_QUALITY = 3;

    private PosterExtractor() {
    }

    public static void writePoster(Path video, Path jpeg) throws IOException {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            // One decoding thread: a poster decodes a second of frames, less than it costs to start a pool of
            // threads, and landings already run side by side.
            grabber.setVideoOption("threads", "1");
            grabber.start();
            if (grabber.getLengthInTime() > POSTER_AT_MICROS) {
                grabber.setVideoTimestamp(POSTER_AT_MICROS);
            }
            Frame frame = grabber.grabImage();
            if (frame == null) {
                throw new IOException("video has no picture to take a poster from");
            }
            try (FFmpegFrameRecorder encoder = new FFmpegFrameRecorder(jpeg.toFile(), frame.imageWidth,
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
        }
    }
}
