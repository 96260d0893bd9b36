package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poster is the keyframe nearest one second in: clips whose frames each carry their own grey level, encoded
 * with keyframes at chosen intervals, tell by the poster's grey which frame was taken.
 */
class PosterExtractorTest {

    private static final int FPS = 24;

    @TempDir
    Path dir;

    @Test
    void aKeyframeAtOneSecondIsThePoster() throws Exception {
        assertThat(posterFrame(12, 48)).isEqualTo(24);
    }

    @Test
    void theNearerKeyframeAfterOneSecondBeatsAFarOneBefore() throws Exception {
        // Keyframes at frames 0 and 34 (1.42 s): 34 is 0.42 s from one second, 0 is a whole second away.
        assertThat(posterFrame(34, 48)).isEqualTo(34);
    }

    @Test
    void aClipWithOnlyItsFirstKeyframeBeforeOneSecondGivesItsFirstFrame() throws Exception {
        assertThat(posterFrame(60, 48)).isZero();
        // A clip shorter than a second: its only keyframe.
        assertThat(posterFrame(60, 12)).isZero();
    }

    /** Writes a clip of {@code frames} frames with a keyframe every {@code gop}, and says which frame its poster is. */
    private int posterFrame(int gop, int frames) throws Exception {
        Path clip = dir.resolve("clip-" + gop + "-" + frames + ".mp4");
        FrameSize size = new FrameSize(320, 180);
        try (FFmpegFrameRecorder recorder = Mp4.recorder(clip, size, FPS, 2_000_000, 0, 0, 0);
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setGopSize(gop);
            recorder.setVideoOption("sc_threshold", "0");
            recorder.start();
            for (int i = 0; i < frames; i++) {
                BufferedImage picture = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = picture.createGraphics();
                g.setColor(new Color(grey(i), grey(i), grey(i)));
                g.fillRect(0, 0, size.width(), size.height());
                g.dispose();
                recorder.record(converter.convert(picture));
            }
            recorder.stop();
        }
        Path poster = dir.resolve("poster-" + gop + "-" + frames + ".jpg");
        // The probe made with the poster reads the file as a probe on its own does.
        assertThat(PosterExtractor.probeAndWritePoster(clip, poster)).isEqualTo(MediaProbe.probe(clip));
        // Which decoded frame of the clip the poster shows (grey levels shift in the encoder's colour range, so
        // the poster is compared with the clip's own pictures).
        int grey = ImageIO.read(poster.toFile()).getRGB(size.width() / 2, size.height() / 2) & 0xff;
        java.util.List<Double> times = new java.util.ArrayList<>();
        for (int i = 0; i < frames; i++) {
            times.add((i + 0.5) / FPS);
        }
        java.util.List<BufferedImage> decoded = Frames.at(clip, times);
        int best = 0;
        for (int i = 1; i < frames; i++) {
            if (Math.abs(centre(decoded.get(i)) - grey) < Math.abs(centre(decoded.get(best)) - grey)) {
                best = i;
            }
        }
        assertThat(Math.abs(centre(decoded.get(best)) - grey)).as("the poster's grey matches a frame")
                .isLessThanOrEqualTo(2);
        return best;
    }

    private static int centre(BufferedImage image) {
        return image.getRGB(image.getWidth() / 2, image.getHeight() / 2) & 0xff;
    }

    private static int grey(int frame) {
        return 10 + frame * 5;
    }
}
