package io.reelflow.media;

import java.nio.file.Path;

import org.bytedeco.javacv.FFmpegFrameGrabber;

/**
 * FFmpeg's demuxer and decoders through JavaCV's grabber, opened and closed without the one lock JavaCV's grabbers
 * and recorders share across the process.
 *
 * <p>JavaCV holds that lock for the whole of a grabber's opening, which reads and decodes the first pictures to learn
 * the streams. A create step at the normal priority that opens the approved draft for its start frame would wait
 * there for a landing thread at a lower priority probing a 12-second final, which on a busy machine gets little of a
 * core while it holds the lock. FFmpeg locks the codecs whose opening is not thread-safe itself, and each grabber's
 * own state is its own: nothing shared needs the lock.
 */
public final class Grabber extends FFmpegFrameGrabber {

    public Grabber(Path file) {
        super(file.toFile());
    }

    @Override
    public void start() throws Exception {
        startUnsafe();
    }

    @Override
    public void start(boolean findStreamInfo) throws Exception {
        startUnsafe(findStreamInfo);
    }

    @Override
    public void release() throws Exception {
        releaseUnsafe();
    }
}
