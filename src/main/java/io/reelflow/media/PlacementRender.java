package io.reelflow.media;

import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameFilter;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;

/**
 * One pass of a placement file through FFmpeg: the master's picture cropped around the focus point and scaled with
 * Lanczos, cut to the picture's length, the overlay (logo, label, burned captions) drawn on each frame at its time,
 * the sound through the pass's gain and limiter, then the end card with silence; H.264 and AAC in MP4.
 */
final class PlacementRender {

    private static final int SAMPLE_RATE = Deliverables.SAMPLE_RATE;

    private PlacementRender() {
    }

    /** The crop that reframes {@code width x height} to {@code size}'s aspect ratio around {@code focus}. */
    static String reframe(int width, int height, FrameSize size, Deliverables.Focus focus) {
        double want = (double) size.width() / size.height();
        int cropWidth = width;
        int cropHeight = height;
        if ((double) width / height > want) {
            cropWidth = even((int) Math.round(height * want));
        } else {
            cropHeight = even((int) Math.round(width / want));
        }
        int x = clamp((int) Math.round(focus.x() * width - cropWidth / 2.0), width - cropWidth);
        int y = clamp((int) Math.round(focus.y() * height - cropHeight / 2.0), height - cropHeight);
        return "crop=" + cropWidth + ":" + cropHeight + ":" + x + ":" + y + ",scale=" + size.width() + ":"
                + size.height() + ":flags=lanczos,setsar=1";
    }

    /**
     * Makes {@code out}: the picture cut to length, reframed and dressed, the sound through {@code soundChain} (null:
     * passed through, resampled), the end card after it.
     */
    static void render(Path master, MediaProbe.Probe probe, Placement placement, Deliverables.Focus focus,
            Deliverables.Dressing dressing, String soundChain, Path out) throws IOException {
        Files.deleteIfExists(out);
        BrandKit brand = dressing.brand();
        double picture = Deliverables.pictureSeconds(placement, brand, probe.seconds());
        long endMicros = Math.round(picture * 1_000_000);
        Overlay overlay = Overlay.of(placement, brand, Captions.within(dressing.burned(), picture));
        SpriteBlend blend = new SpriteBlend();
        try (FFmpegFrameGrabber grabber = new Grabber(master);
                Java2DFrameConverter toFrame = new Java2DFrameConverter()) {
            // The picture stays in the encoder's YUV 4:2:0 from decoder to encoder: cropped and scaled there, the
            // overlay blended into it (converting every picture to RGB and back cost as much as the encoding).
            grabber.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            grabber.start();
            int channels = probe.hasAudio() ? grabber.getAudioChannels() : 0;
            String video = reframe(grabber.getImageWidth(), grabber.getImageHeight(), placement.size(), focus)
                    + ",format=yuv420p";
            String audio = channels == 0 ? null : soundChain == null ? "aresample=" + SAMPLE_RATE : soundChain;
            try (FFmpegFrameFilter filter = new FilterGraph(video, audio, grabber.getImageWidth(),
                    grabber.getImageHeight(), channels);
                    FFmpegFrameRecorder recorder = Mp4.recorder(out, placement.size(), grabber.getFrameRate(),
                            placement.size().width() * placement.size().height() * 3, channels, SAMPLE_RATE,
                            192_000)) {
                filter.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
                filter.setFrameRate(grabber.getFrameRate());
                if (channels > 0) {
                    filter.setSampleFormat(grabber.getSampleFormat());
                    filter.setSampleRate(grabber.getSampleRate());
                }
                filter.start();
                recorder.start();
                Frame frame;
                while ((frame = grabber.grab()) != null) {
                    if (frame.timestamp >= endMicros) {
                        continue;
                    }
                    if (frame.image != null || frame.samples != null) {
                        filter.push(frame);
                        drain(filter, recorder, overlay, blend);
                    }
                }
                filter.push(null);
                drain(filter, recorder, overlay, blend);
                if (brand.endCard() != null) {
                    endCard(recorder, placement, brand, grabber.getFrameRate(), channels, toFrame);
                }
                recorder.stop();
                filter.stop();
            }
            grabber.stop();
        }
    }

    /** Records what the filter has ready, with the overlay blended into each picture at its time. */
    private static void drain(FFmpegFrameFilter filter, FFmpegFrameRecorder recorder, Overlay overlay,
            SpriteBlend blend) throws IOException {
        Frame filtered;
        while ((filtered = filter.pull()) != null) {
            if (filtered.image == null) {
                recorder.record(filtered);
                continue;
            }
            if (!overlay.empty()) {
                blend.onto(filtered, overlay.at(filtered.timestamp / 1_000_000.0));
            }
            // JavaCV describes a pulled 4:2:0 picture by its buffer's size (as two channels), which the recorder
            // would take for a packed picture: it is recorded as what it is, one buffer of three planes.
            recorder.recordImage(filtered.imageWidth, filtered.imageHeight, Frame.DEPTH_UBYTE, 1,
                    filtered.imageStride, avutil.AV_PIX_FMT_YUV420P, filtered.image);
        }
    }

    /** The end card's pictures, and as much silence, after the clip. */
    private static void endCard(FFmpegFrameRecorder recorder, Placement placement, BrandKit brand, double frameRate,
            int channels, Java2DFrameConverter toFrame) throws IOException {
        double seconds = brand.endCard().seconds();
        Frame card = toFrame.convert(Overlay.endCard(placement, brand));
        long pictures = Math.round(seconds * frameRate);
        for (long i = 0; i < pictures; i++) {
            recorder.record(card);
        }
        if (channels > 0) {
            int block = 1024;
            long left = Math.round(seconds * SAMPLE_RATE);
            while (left > 0) {
                int n = (int) Math.min(block, left);
                recorder.recordSamples(SAMPLE_RATE, channels, ShortBuffer.allocate(n * channels));
                left -= n;
            }
        }
    }

    private static int clamp(int value, int max) {
        return Math.max(0, Math.min(max, value));
    }

    private static int even(int n) {
        return n - (n % 2);
    }
}
