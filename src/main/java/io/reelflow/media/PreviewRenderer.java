package io.reelflow.media;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;

import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/**
 * Renders a preview clip from a prompt: a real H.264/AAC MP4 at the exact frame size and length asked for.
 *
 * <p>Everything a viewer sees and hears is derived from the prompt and the seed, so two prompts, or two seeds of
 * one prompt, give visibly different clips: the palette follows the lighting words, the motion follows the camera
 * words, the shapes and tones follow a hash of the whole text and the seed. Given a first frame, the clip starts on
 * exactly that picture and animates from it: a slow push-in with the prompt's light and motion fading in on top.
 */
public final class PreviewRenderer {

    public static final int FRAME_RATE = 24;
    public static final int SAMPLE_RATE = 48_000;
    private static final int CHANNELS = 2;
    /** Pictures are painted at a quarter of the frame size and scaled up by FFmpeg: smooth shapes lose nothing. */
    private static final int PAINT_DIVISOR = 4;

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    /** Renders {@code prompt} into an MP4 at {@code out}. */
    public void render(String prompt, FrameSize size, int seconds, Path out) throws IOException {
        render(prompt, size, seconds, out, false);
    }

    /**
     * Renders {@code prompt}; a {@code defective} clip has a flat grey picture and no audio track, as a
     * broken model output would, for rehearsing quality checks.
     */
    public void render(String prompt, FrameSize size, int seconds, Path out, boolean defective) throws IOException {
        render(prompt, size, seconds, out, defective, size.width() * size.height() * 2);
    }

    /** Renders {@code prompt} with the video stream at {@code videoBitrate} bits per second. */
    public void render(String prompt, FrameSize size, int seconds, Path out, boolean defective, int videoBitrate)
            throws IOException {
        render(new Roll(prompt, null, null, defective), size, seconds, out, videoBitrate);
    }

    /**
     * What one render is made of: the prompt, the seed (null: the prompt alone decides), a first frame already of
     * the clip's frame size (or null), and whether it comes out broken.
     */
    public record Roll(String prompt, Long seed, BufferedImage firstFrame, boolean defective) {
    }

    /** Renders {@code roll} with the video stream at {@code videoBitrate} bits per second. */
    public void render(Roll roll, FrameSize size, int seconds, Path out, int videoBitrate) throws IOException {
        PreviewLook look = PreviewLook.from(roll.prompt(), roll.seed());
        boolean defective = roll.defective();
        int frames = seconds * FRAME_RATE;
        int samplesPerFrame = SAMPLE_RATE / FRAME_RATE;
        int channels = defective ? 0 : CHANNELS;
        try (FFmpegFrameRecorder recorder = Mp4.recorder(out, size, FRAME_RATE, videoBitrate, channels, SAMPLE_RATE,
                128_000)) {
            recorder.start();

            recorder.setImageScalingFlags(swscale.SWS_BILINEAR);
            FrameSize paintSize = new FrameSize(size.width() / PAINT_DIVISOR, size.height() / PAINT_DIVISOR);
            Frame frame = new Frame(paintSize.width(), paintSize.height(), Frame.DEPTH_UBYTE, 3);
            FirstFrameMotion motion = roll.firstFrame() == null || defective ? null
                    : new FirstFrameMotion(roll.firstFrame(), size);
            short[] samples = new short[samplesPerFrame * CHANNELS];
            for (int i = 0; i < frames; i++) {
                double t = i / (double) FRAME_RATE;
                ByteBuffer pixels = (ByteBuffer) frame.image[0];
                if (defective) {
                    fillGrey(pixels);
                } else {
                    paint(look, paintSize, t, seconds, pixels, frame.imageStride);
                }
                long timestamp = Math.round(t * 1_000_000);
                if (motion != null) {
                    Frame picture = motion.frame(frame, t / seconds);
                    picture.timestamp = timestamp;
                    recorder.record(picture, avutil.AV_PIX_FMT_BGR24);
                } else {
                    frame.timestamp = timestamp;
                    recorder.record(frame, avutil.AV_PIX_FMT_BGR24);
                }
                if (!defective) {
                    fillAudio(look, (long) i * samplesPerFrame, samples);
                    recorder.recordSamples(SAMPLE_RATE, CHANNELS, ShortBuffer.wrap(samples));
                }
            }
            recorder.stop();
        }
    }

    private static void paint(PreviewLook look, FrameSize size, double t, int seconds, ByteBuffer buf, int stride) {
        int w = size.width();
        int h = size.height();
        double progress = t / seconds;
        double shiftX = 0;
        double shiftY = 0;
        double scale = 1;
        double angle = 0;
        switch (look.move()) {
            case PAN -> shiftX = progress * w * 0.35;
            case TILT -> shiftY = progress * h * 0.35;
            case ZOOM -> scale = 1 + progress * 0.6;
            case ORBIT -> angle = progress * Math.PI;
            case STATIC_DRIFT -> shiftX = Math.sin(progress * Math.PI) * w * 0.05;
        }
        double cx = w / 2.0;
        double cy = h / 2.0;
        byte[] row = new byte[w * 3];
        for (int y = 0; y < h; y++) {
            double v = (y + shiftY) / h;
            for (int x = 0; x < w; x++) {
                double sx = (x - cx) / scale + cx + shiftX;
                double sy = (y - cy) / scale + cy + shiftY;
                if (angle != 0) {
                    double dx = sx - cx;
                    double dy = sy - cy;
                    double ca = Math.cos(angle);
                    double sa = Math.sin(angle);
                    sx = cx + dx * ca - dy * sa;
                    sy = cy + dx * sa + dy * ca;
                }
                double light = 0;
                for (int k = 0; k < look.orbs().length; k += 3) {
                    double ox = look.orbs()[k] * w;
                    double oy = look.orbs()[k + 1] * h;
                    double r = look.orbs()[k + 2] * Math.min(w, h);
                    double ddx = sx - ox;
                    double ddy = sy - oy;
                    double d2 = (ddx * ddx + ddy * ddy) / (r * r);
                    if (d2 < 1) {
                        light += (1 - d2) * 0.9;
                    }
                }
                double band = 0.5 + 0.5 * Math.sin((sx / w) * look.stripes() * Math.PI * 2 + t * 1.3);
                double[] g = look.grain();
                double gu = sx / w * Math.cos(g[4]) - sy / h * Math.sin(g[4]);
                double gv = sx / w * Math.sin(g[4]) + sy / h * Math.cos(g[4]);
                double grain = 0.5 + 0.5 * Math.sin(gu * g[0] * Math.PI * 2 + g[2]) * Math.sin(gv * g[1] * Math.PI * 2 + g[3]);
                double base = (v * look.gradient() + (1 - look.gradient()) * band) * (1 - PreviewLook.GRAIN)
                        + grain * PreviewLook.GRAIN;
                int off = x * 3;
                row[off] = channel(look.blue(), base, light);
                row[off + 1] = channel(look.green(), base, light);
                row[off + 2] = channel(look.red(), base, light);
            }
            buf.position(y * stride);
            buf.put(row);
        }
        buf.rewind();
    }

    private static void fillGrey(ByteBuffer buf) {
        buf.rewind();
        while (buf.hasRemaining()) {
            buf.put((byte) 0x80);
        }
        buf.rewind();
    }

    private static byte channel(double tint, double base, double light) {
        double value = tint * (0.25 + 0.75 * base) + light * 0.8;
        return (byte) Math.max(0, Math.min(255, (int) (value * 255)));
    }

    private static void fillAudio(PreviewLook look, long firstSample, short[] out) {
        for (int i = 0; i < out.length / CHANNELS; i++) {
            double t = (firstSample + i) / (double) SAMPLE_RATE;
            double swell = 0.6 + 0.4 * Math.sin(t * 0.8 * Math.PI);
            double s = 0;
            for (double f : look.tones()) {
                s += Math.sin(2 * Math.PI * f * t);
            }
            s = s / look.tones().length * 0.35 * swell;
            double left = s * (0.8 + 0.2 * Math.sin(t * look.pan()));
            double right = s * (0.8 + 0.2 * Math.cos(t * look.pan()));
            out[i * 2] = (short) (left * Short.MAX_VALUE);
            out[i * 2 + 1] = (short) (right * Short.MAX_VALUE);
        }
    }
}
