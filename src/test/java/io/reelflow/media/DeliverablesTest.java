package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deliverables derived from a master, probed and measured with FFmpeg: exact size and length, H.264 and AAC,
 * loudness at the placement's target within 1 LU and true peak under its ceiling, and the picture reframed around
 * the focus point (a master red on its left and blue on its right).
 */
class DeliverablesTest {

    private static final FrameSize MASTER = new FrameSize(1792, 1024);

    @TempDir
    Path dir;

    @Test
    void aQuietMasterIsBroughtToTheSocialTargetAtTheSquaresExactSize() throws Exception {
        Path master = master(dir.resolve("quiet.mp4"), 4, 0.02);
        Loudness.Measure before = Loudness.measure(master);
        Placement square = Placement.standard("square").orElseThrow();

        Deliverables.Made made = Deliverables.make(master, square, Deliverables.Focus.CENTRE, dir.resolve("sq.mp4"));

        MediaProbe.Probe probe = MediaProbe.probe(dir.resolve("sq.mp4"));
        assertThat(before.integratedLufs()).isLessThan(-30);
        assertThat(probe.width()).isEqualTo(1080);
        assertThat(probe.height()).isEqualTo(1080);
        assertThat(probe.seconds()).isCloseTo(4.0, within(0.1));
        assertThat(probe.videoCodec()).isEqualTo("h264");
        assertThat(probe.audioCodec()).isEqualTo("aac");
        Loudness.Measure after = Loudness.measure(dir.resolve("sq.mp4"));
        assertThat(after.integratedLufs()).isCloseTo(-14.0, within(1.0));
        assertThat(after.truePeakDbtp()).isLessThanOrEqualTo(-1.0);
        assertThat(made.loudness()).isEqualTo(after);
    }

    @Test
    void peaksThatTheGainWouldPushOverTheCeilingAreLimited() throws Exception {
        // A quiet tone with full-scale clicks: bringing the tone to -14 LUFS would put the clicks far over 0 dBTP.
        Path master = master(dir.resolve("clicks.mp4"), 4, 0.02, true);
        Loudness.Measure before = Loudness.measure(master);
        Placement youtube = Placement.standard("youtube").orElseThrow();

        Deliverables.make(master, youtube, Deliverables.Focus.CENTRE, dir.resolve("yt.mp4"));

        Loudness.Measure after = Loudness.measure(dir.resolve("yt.mp4"));
        assertThat(before.truePeakDbtp() + (-14 - before.integratedLufs())).as("peak the gain alone would give")
                .isGreaterThan(3.0);
        assertThat(MediaProbe.probe(dir.resolve("yt.mp4")).width()).isEqualTo(1920);
        assertThat(after.integratedLufs()).isCloseTo(-14.0, within(1.0));
        assertThat(after.truePeakDbtp()).isLessThanOrEqualTo(-1.0);
    }

    @Test
    void aPortraitCutKeepsThePictureAroundTheFocusPoint() throws Exception {
        Path master = master(dir.resolve("halves.mp4"), 2, 0.1);
        Placement reels = Placement.standard("reels").orElseThrow();

        Deliverables.make(master, reels, new Deliverables.Focus(0.1, 0.5), dir.resolve("left.mp4"));
        Deliverables.make(master, reels, new Deliverables.Focus(0.9, 0.5), dir.resolve("right.mp4"));

        BufferedImage left = Frames.at(dir.resolve("left.mp4"), 1.0);
        BufferedImage right = Frames.at(dir.resolve("right.mp4"), 1.0);
        assertThat(left.getWidth()).isEqualTo(1080);
        assertThat(left.getHeight()).isEqualTo(1920);
        assertThat(redShare(left)).as("focus on the left keeps the red half").isGreaterThan(0.95);
        assertThat(redShare(right)).as("focus on the right keeps the blue half").isLessThan(0.05);
    }

    @Test
    void aCutIsNeverLongerThanThePlacementAllows() throws Exception {
        Path master = master(dir.resolve("long.mp4"), 4, 0.1);
        Placement short2 = new Placement("bumper", new FrameSize(1280, 720), 2, Placement.BROADCAST_LUFS, -2,
                Placement.SafeArea.NONE);

        Deliverables.Made made = Deliverables.make(master, short2, Deliverables.Focus.CENTRE, dir.resolve("b.mp4"));

        assertThat(made.seconds()).isCloseTo(2.0, within(0.1));
        assertThat(made.loudness().integratedLufs()).isCloseTo(-23.0, within(1.0));
    }

    @Test
    void theLogoLabelAndBurnedCaptionsStayInsideTheSafeAreaAndTheEndCardCloses() throws Exception {
        Path master = master(dir.resolve("dressed.mp4"), 3, 0.1);
        Placement standard = Placement.standard("reels").orElseThrow();
        Placement reels = new Placement("reels", standard.size(), standard.maxSeconds(), standard.targetLufs(),
                standard.truePeakCeiling(), standard.safeArea(), true);
        BufferedImage logo = new BufferedImage(200, 100, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = logo.createGraphics();
        g.setColor(Color.MAGENTA);
        g.fillRect(0, 0, 200, 100);
        g.dispose();
        BrandKit brand = new BrandKit(logo, BrandKit.Corner.BOTTOM_RIGHT, 0.2,
                new BrandKit.EndCard(1, "Shop the spring range now", new Color(0, 150, 0), Color.WHITE), true);
        List<Captions.Cue> cues = List.of(new Captions.Cue(0.5, 2.0, "Fresh every morning, all spring long"));

        Deliverables.Made made = Deliverables.make(master, reels, Deliverables.Focus.CENTRE,
                new Deliverables.Dressing(brand, cues), dir.resolve("dressed-reels.mp4"));

        Path out = dir.resolve("dressed-reels.mp4");
        MediaProbe.Probe probe = MediaProbe.probe(out);
        assertThat(probe.width()).isEqualTo(1080);
        assertThat(probe.height()).isEqualTo(1920);
        assertThat(made.seconds()).as("3 s of picture and the 1 s end card").isCloseTo(4.0, within(0.1));
        assertThat(made.loudness().integratedLufs()).isCloseTo(-14.0, within(1.0));
        assertThat(made.loudness().truePeakDbtp()).isLessThanOrEqualTo(-1.0);
        int[] safe = reels.safeArea().rectangle(reels.size());

        List<BufferedImage> frames = Frames.at(out, List.of(1.0, 2.5, 3.5));
        Pixels during = Pixels.of(frames.get(0), safe);
        assertThat(during.magenta).as("logo pixels").isGreaterThan(10_000);
        assertThat(during.magentaOutside).as("logo pixels outside the safe area").isZero();
        assertThat(during.whiteBottom).as("caption text at the bottom").isGreaterThan(2_000);
        assertThat(during.whiteTop).as("the AI label at the top").isGreaterThan(200);
        assertThat(during.whiteOutside).as("text outside the safe area").isZero();
        Pixels after = Pixels.of(frames.get(1), safe);
        assertThat(after.whiteBottom).as("the caption has ended").isZero();
        assertThat(after.magenta).isGreaterThan(10_000);
        BufferedImage card = frames.get(2);
        Color corner = new Color(card.getRGB(5, 5));
        assertThat(corner.getGreen()).as("end card background").isGreaterThan(120);
        assertThat(corner.getRed() + corner.getBlue()).isLessThan(60);
        Pixels onCard = Pixels.of(card, safe);
        assertThat(onCard.magenta).as("the logo on the end card").isGreaterThan(10_000);
        assertThat(onCard.whiteBottom + onCard.whiteTop).as("the call to action").isGreaterThan(2_000);
        assertThat(onCard.magentaOutside + onCard.whiteOutside).isZero();
    }

    /** Counts of logo (magenta) and text (white) pixels, inside and outside the safe rectangle. */
    private record Pixels(int magenta, int magentaOutside, int whiteTop, int whiteBottom, int whiteOutside) {
        static Pixels of(BufferedImage image, int[] safe) {
            int magenta = 0;
            int magentaOutside = 0;
            int whiteTop = 0;
            int whiteBottom = 0;
            int whiteOutside = 0;
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    Color c = new Color(image.getRGB(x, y));
                    boolean inside = x >= safe[0] && x < safe[0] + safe[2] && y >= safe[1] && y < safe[1] + safe[3];
                    if (c.getRed() > 200 && c.getBlue() > 200 && c.getGreen() < 60) {
                        magenta++;
                        magentaOutside += inside ? 0 : 1;
                    } else if (c.getRed() > 200 && c.getGreen() > 200 && c.getBlue() > 200) {
                        if (!inside) {
                            whiteOutside++;
                        } else if (y < image.getHeight() / 2) {
                            whiteTop++;
                        } else {
                            whiteBottom++;
                        }
                    }
                }
            }
            return new Pixels(magenta, magentaOutside, whiteTop, whiteBottom, whiteOutside);
        }
    }

    @Test
    void aShortPlacementIsMeasuredOnTheSecondsItDelivers() throws Exception {
        // Loud for the first 2 s, 9.5 dB quieter after (inside the relative gate): the whole clip measures lower.
        Path master = master(dir.resolve("loud-start.mp4"), 8, t -> t < 2 ? 0.3 : 0.1, false);
        Placement bumper = new Placement("bumper", new FrameSize(640, 360), 2, Placement.BROADCAST_LUFS, -2,
                Placement.SafeArea.NONE);

        Deliverables.Made made = Deliverables.make(master, bumper, Deliverables.Focus.CENTRE, dir.resolve("b2.mp4"));

        assertThat(Loudness.measure(master).integratedLufs()).as("the whole master, against its first 2 s")
                .isLessThan(Loudness.measure(master, null, 2).integratedLufs() - 2);
        assertThat(made.seconds()).isCloseTo(2.0, within(0.1));
        assertThat(Loudness.measure(dir.resolve("b2.mp4")).integratedLufs()).isCloseTo(-23.0, within(0.5));
        assertThat(made.passes()).isLessThanOrEqualTo(2);
    }

    @Test
    void theReframeCropStaysInsideTheMaster() {
        FrameSize portrait = new FrameSize(1080, 1920);
        assertThat(PlacementRender.reframe(1792, 1024, portrait, new Deliverables.Focus(0, 0.5)))
                .startsWith("crop=576:1024:0:0,");
        assertThat(PlacementRender.reframe(1792, 1024, portrait, new Deliverables.Focus(1, 0.5)))
                .startsWith("crop=576:1024:1216:0,");
        assertThat(PlacementRender.reframe(1792, 1024, portrait, Deliverables.Focus.CENTRE))
                .startsWith("crop=576:1024:608:0,");
    }

    private static Path master(Path out, int seconds, double amplitude) throws Exception {
        return master(out, seconds, amplitude, false);
    }

    /**
     * A master red on its left half and blue on its right, with a 440 Hz tone at {@code amplitude} and, with
     * {@code clicks}, a 5 ms burst at 0.9 every half second.
     */
    private static Path master(Path out, int seconds, double amplitude, boolean clicks) throws Exception {
        return master(out, seconds, t -> amplitude, clicks);
    }

    /** As above, the tone's amplitude at {@code t} seconds given by {@code amplitude}. */
    private static Path master(Path out, int seconds, java.util.function.DoubleUnaryOperator amplitude,
            boolean clicks) throws Exception {
        int fps = 24;
        int rate = 48_000;
        BufferedImage picture = new BufferedImage(MASTER.width(), MASTER.height(), BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = picture.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, MASTER.width() / 2, MASTER.height());
        g.setColor(Color.BLUE);
        g.fillRect(MASTER.width() / 2, 0, MASTER.width() / 2, MASTER.height());
        g.dispose();
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(out.toFile(), MASTER.width(), MASTER.height(), 2);
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.setFormat("mp4");
            recorder.setVideoCodec(avcodec.AV_CODEC_ID_H264);
            recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            recorder.setFrameRate(fps);
            recorder.setVideoBitrate(4_000_000);
            recorder.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
            recorder.setSampleRate(rate);
            recorder.setAudioChannels(2);
            recorder.setAudioBitrate(192_000);
            recorder.start();
            int perFrame = rate / fps;
            for (int f = 0; f < seconds * fps; f++) {
                recorder.record(converter.convert(picture));
                FloatBuffer samples = FloatBuffer.allocate(perFrame * 2);
                for (int i = 0; i < perFrame; i++) {
                    int n = f * perFrame + i;
                    boolean click = clicks && n % (rate / 2) < rate / 200;
                    float v = (float) ((click ? 0.9 : amplitude.applyAsDouble((double) n / rate))
                            * Math.sin(2 * Math.PI * 440 * n / rate));
                    samples.put(v).put(v);
                }
                samples.flip();
                recorder.recordSamples(rate, 2, samples);
            }
            recorder.stop();
        }
        return out;
    }

    private static double redShare(BufferedImage image) {
        int red = 0;
        int all = 0;
        for (int y = 0; y < image.getHeight(); y += 16) {
            for (int x = 0; x < image.getWidth(); x += 16) {
                Color c = new Color(image.getRGB(x, y));
                all++;
                if (c.getRed() > 150 && c.getBlue() < 100) {
                    red++;
                }
            }
        }
        return (double) red / all;
    }
}
