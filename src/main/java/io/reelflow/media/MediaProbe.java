package io.reelflow.media;

import java.io.IOException;
import java.nio.file.Path;

import org.bytedeco.javacv.FFmpegFrameGrabber;

/** Reads what a video file really holds: container duration, frame size and its audio stream. */
public final class MediaProbe {

    /** What probing a file found. */
    public record Probe(double seconds, int width, int height, String videoCodec, int audioChannels,
            String audioCodec) {

        public boolean hasAudio() {
            return audioChannels > 0;
        }
    }

    private MediaProbe() {
    }

    public static Probe probe(Path file) throws IOException {
        try (FFmpegFrameGrabber grabber = new Grabber(file)) {
            grabber.start();
            Probe probe = of(grabber);
            grabber.stop();
            return probe;
        }
    }

    /** What a started grabber's file holds. */
    static Probe of(FFmpegFrameGrabber grabber) {
        return new Probe(grabber.getLengthInTime() / 1_000_000.0, grabber.getImageWidth(), grabber.getImageHeight(),
                grabber.getVideoCodecName(), grabber.getAudioChannels(), grabber.getAudioCodecName());
    }
}
