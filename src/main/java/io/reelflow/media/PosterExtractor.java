package io.reelflow.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/** Writes a JPEG poster for a video: the frame one second in (or the first frame of a shorter clip). */
public final class PosterExtractor {

    private static final long POSTER_AT_MICROS = 1_000_000;

    private PosterExtractor() {
    }

    public static void writePoster(Path video, Path jpeg) throws IOException {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile());
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            if (grabber.getLengthInTime() > POSTER_AT_MICROS) {
                grabber.setVideoTimestamp(POSTER_AT_MICROS);
            }
            Frame frame = grabber.grabImage();
            if (frame == null) {
                throw new IOException("video has no picture to take a poster from");
            }
            BufferedImage image = converter.convert(frame);
            if (!ImageIO.write(image, "jpg", jpeg.toFile())) {
                throw new IOException("no JPEG writer available");
            }
            grabber.stop();
        }
    }
}
