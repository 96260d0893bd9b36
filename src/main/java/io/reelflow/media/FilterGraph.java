package io.reelflow.media;

import org.bytedeco.javacv.FFmpegFrameFilter;

/**
 * An FFmpeg filter graph through JavaCV's filter, set up and freed without the one lock JavaCV's filters share
 * across the process: a graph's setup (the scaler's tables among it) is its own, and a start frame fitted at the
 * create step's priority must not wait for a graph set up on a thread below it (see {@link Grabber}).
 */
public final class FilterGraph extends FFmpegFrameFilter {

    /** A video graph for pictures of {@code width} x {@code height}. */
    public FilterGraph(String video, int width, int height) {
        super(video, width, height);
    }

    /** An audio graph for sound of {@code channels} channels. */
    public FilterGraph(String audio, int channels) {
        super(audio, channels);
    }

    /** A video graph and an audio graph ({@code audio} null for none) over one clip. */
    public FilterGraph(String video, String audio, int width, int height, int channels) {
        super(video, audio, width, height, channels);
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
