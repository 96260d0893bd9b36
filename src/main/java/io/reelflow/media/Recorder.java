package io.reelflow.media;

import java.nio.file.Path;

import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * FFmpeg's encoders and muxers through JavaCV's recorder, opened and closed without the one lock JavaCV's grabbers
 * and recorders share across the process (see {@link Grabber}): for work on the create step's path, which must not
 * wait on a landing thread at a lower priority. FFmpeg locks the codecs whose opening is not thread-safe itself.
 */
public final class Recorder extends FFmpegFrameRecorder {

    public Recorder(Path file, int width, int height) {
        super(file.toFile(), width, height, 0);
    }

    @Override
    public void start() throws Exception {
        startUnsafe();
    }

    @Override
    public void release() throws Exception {
        releaseUnsafe();
    }
}
