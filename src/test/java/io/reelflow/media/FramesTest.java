package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FramesTest {

    private static final int FPS = 24;

    @TempDir
    Path dir;

    /** A landscape draft frame: red on the left third, green in the middle, blue on the right. */
    private static BufferedImage thirds(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = image.createGraphics();
        Color[] colours = {Color.RED, Color.GREEN, Color.BLUE};
        for (int i = 0; i < 3; i++) {
            g.setColor(colours[i]);
            g.fillRect(i * width / 3, 0, width / 3 + 1, height);
        }
        g.dispose();
        return image;
    }

    @Test
    void aLandscapeFrameFitsAPortraitMasterByItsCentre() throws Exception {
        BufferedImage portrait = Frames.fit(thirds(1280, 720), new FrameSize(1024, 1792));

        assertThat(portrait.getWidth()).isEqualTo(1024);
        assertThat(portrait.getHeight()).isEqualTo(1792);
        // The centre 405 of 1280 columns lie inside the green third: nothing red or blue survives, nothing stretched.
        for (int x : new int[] {4, 512, 1019}) {
            Color c = new Color(portrait.getRGB(x, 896));
            assertThat(c.getGreen()).as("column %d", x).isGreaterThan(200);
            assertThat(c.getRed() + c.getBlue()).as("column %d", x).isLessThan(60);
        }
    }

    @Test
    void aPortraitFrameFitsALandscapeMasterByItsCentre() throws Exception {
        BufferedImage rotated = new BufferedImage(720, 1280, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = rotated.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 720, 1280);
        g.setColor(Color.GREEN);
        g.fillRect(0, 400, 720, 480);
        g.dispose();

        BufferedImage landscape = Frames.fit(rotated, new FrameSize(1792, 1024));

        assertThat(landscape.getWidth()).isEqualTo(1792);
        assertThat(landscape.getHeight()).isEqualTo(1024);
        // 720 x 411 of the middle is kept: rows 435-845 of 1280, all green.
        for (int y : new int[] {4, 512, 1019}) {
            Color c = new Color(landscape.getRGB(896, y));
            assertThat(c.getGreen()).as("row %d", y).isGreaterThan(200);
        }
    }

    @Test
    void theFocusPointChoosesWhatALandscapeFrameKeepsInAPortraitMaster() throws Exception {
        BufferedImage left = Frames.fit(thirds(1280, 720), new FrameSize(1024, 1792), new Deliverables.Focus(0.1, 0.5));
        BufferedImage right = Frames.fit(thirds(1280, 720), new FrameSize(1024, 1792),
                new Deliverables.Focus(0.95, 0.5));

        Color l = new Color(left.getRGB(200, 896));
        Color r = new Color(right.getRGB(800, 896));
        assertThat(l.getRed()).as("focus on the left keeps the red third").isGreaterThan(200);
        assertThat(l.getGreen() + l.getBlue()).isLessThan(60);
        assertThat(r.getBlue()).as("focus on the right keeps the blue third").isGreaterThan(200);
        assertThat(r.getRed() + r.getGreen()).isLessThan(60);
    }

    @Test
    void aStartFrameIsTheClipsPictureAtThatSecondFittedAndWrittenAsJpeg() throws Exception {
        Path clip = greys(24);
        Path jpeg = dir.resolve("start.jpg");

        Frames.fittedJpeg(clip, 0.5, new FrameSize(640, 360), Deliverables.Focus.CENTRE, jpeg);

        BufferedImage picture = Frames.read(jpeg);
        assertThat(ImageType.of(jpeg)).isEqualTo(ImageType.JPEG);
        assertThat(picture.getWidth()).isEqualTo(640);
        assertThat(picture.getHeight()).isEqualTo(360);
        // Frame 12 (grey 58) is shown at 0.5 s; its neighbours are 4 grey levels away.
        assertThat(centre(picture)).isCloseTo(centre(Frames.at(clip, 0.5)), offset(2));

        // Past the clip's end: its last picture (frame 23, grey 102).
        Frames.fittedJpeg(clip, 5.0, new FrameSize(640, 360), Deliverables.Focus.CENTRE, jpeg);
        assertThat(centre(Frames.read(jpeg))).isCloseTo(centre(Frames.at(clip, 5.0)), offset(2));
    }

    /**
     * A final's start frame may be made twice (by the create step and by a thread making it ahead, or again by a
     * retry that did not look for it in storage): every copy must be the same picture, byte for byte, so every create
     * call of a final sends the same bytes.
     */
    @Test
    void aStartFrameMadeAgainIsTheSameBytes() throws Exception {
        Path clip = greys(24);
        Path first = dir.resolve("first.jpg");
        Path again = dir.resolve("again.jpg");

        Frames.fittedJpeg(clip, 0.5, new FrameSize(1792, 1024), new Deliverables.Focus(0.3, 0.6), first);
        Frames.fittedJpeg(Frames.at(clip, 0.1), new FrameSize(640, 360), Deliverables.Focus.CENTRE,
                dir.resolve("between.jpg"));
        Frames.fittedJpeg(clip, 0.5, new FrameSize(1792, 1024), new Deliverables.Focus(0.3, 0.6), again);

        assertThat(java.nio.file.Files.size(first)).isGreaterThan(1000);
        assertThat(java.nio.file.Files.readAllBytes(again)).isEqualTo(java.nio.file.Files.readAllBytes(first));
    }

    @Test
    void aStartFrameKeepsTheColoursAndTheFocusOfItsPicture() throws Exception {
        Path clip = dir.resolve("thirds.mp4");
        FrameSize size = new FrameSize(640, 360);
        try (FFmpegFrameRecorder recorder = Mp4.recorder(clip, size, FPS, 2_000_000, 0, 0, 0);
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.start();
            for (int i = 0; i < 12; i++) {
                recorder.record(converter.convert(thirds(size.width(), size.height())));
            }
            recorder.stop();
        }
        Path centre = dir.resolve("centre.jpg");
        Path left = dir.resolve("left.jpg");

        Frames.fittedJpeg(clip, 0.2, new FrameSize(180, 320), Deliverables.Focus.CENTRE, centre);
        Frames.fittedJpeg(clip, 0.2, new FrameSize(180, 320), new Deliverables.Focus(0.1, 0.5), left);

        Color c = new Color(Frames.read(centre).getRGB(90, 160));
        assertThat(c.getGreen()).as("the centre keeps the green third").isGreaterThan(200);
        assertThat(c.getRed() + c.getBlue()).isLessThan(60);
        Color l = new Color(Frames.read(left).getRGB(90, 160));
        assertThat(l.getRed()).as("focus on the left keeps the red third").isGreaterThan(200);
        assertThat(l.getGreen() + l.getBlue()).isLessThan(60);
    }

    @Test
    void aWalkThroughAClipGivesThePicturesTakenAllAtOnce() throws Exception {
        Path clip = greys(48);
        // Repeated times, times inside one frame, and times past the clip's two seconds.
        List<Double> times = List.of(0.0, 0.0, 0.01, 0.5, 0.52, 1.0, 1.99, 2.5, 3.0);
        List<BufferedImage> together = Frames.at(clip, times);
        List<Integer> walked = new ArrayList<>();
        try (Frames.Walk walk = Frames.walk(clip)) {
            for (double t : times) {
                walked.add(centre(walk.at(t)));
            }
        }

        assertThat(walked).isEqualTo(together.stream().map(FramesTest::centre).toList());
        // Each picture is its own frame's: the grey rises through the clip.
        assertThat(walked.get(3)).isGreaterThan(walked.get(0) + 40);
        assertThat(walked.get(6)).isGreaterThan(walked.get(5) + 40);
    }

    @Test
    void aWalkDoesNotGoBack() throws Exception {
        Path clip = greys(24);
        try (Frames.Walk walk = Frames.walk(clip)) {
            walk.at(0.5);
            assertThat(centre(walk.at(0.5))).isEqualTo(centre(Frames.at(clip, 0.5)));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> walk.at(0.2))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time order");
        }
    }

    /**
     * A start frame is taken and fitted while another thread holds the locks JavaCV's own grabbers and filters take
     * for the whole process (as a landing thread probing a clip does): with them, this would wait until released.
     */
    @Test
    void pictureWorkDoesNotWaitOnJavaCvsProcessWideLocks() throws Exception {
        Path clip = greys(24);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            synchronized (org.bytedeco.ffmpeg.global.avcodec.class) {
                synchronized (org.bytedeco.ffmpeg.global.avfilter.class) {
                    Path jpeg = dir.resolve("unlocked.jpg");
                    Future<BufferedImage> fitted = other.submit(() -> {
                        // The create step's start frame, then a picture taken and fitted.
                        Frames.fittedJpeg(clip, 0.5, new FrameSize(640, 360), Deliverables.Focus.CENTRE, jpeg);
                        return Frames.fit(Frames.at(clip, 0.5), new FrameSize(640, 360));
                    });
                    BufferedImage picture;
                    try {
                        picture = fitted.get(60, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        throw new AssertionError("the picture waited on a lock held by another thread", e);
                    }
                    assertThat(picture.getWidth()).isEqualTo(640);
                    assertThat(centre(picture)).isCloseTo(centre(Frames.at(clip, 0.5)), offset(2));
                    assertThat(Frames.read(jpeg).getWidth()).isEqualTo(640);
                }
            }
        } finally {
            other.shutdownNow();
        }
    }

    /** A 320x180 clip of {@code frames} frames, frame i painted grey level 10 + 4i. */
    private Path greys(int frames) throws Exception {
        Path clip = dir.resolve("greys-" + frames + ".mp4");
        FrameSize size = new FrameSize(320, 180);
        try (FFmpegFrameRecorder recorder = Mp4.recorder(clip, size, FPS, 2_000_000, 0, 0, 0);
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            recorder.start();
            for (int i = 0; i < frames; i++) {
                BufferedImage picture = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_3BYTE_BGR);
                Graphics2D g = picture.createGraphics();
                g.setColor(new Color(10 + 4 * i, 10 + 4 * i, 10 + 4 * i));
                g.fillRect(0, 0, size.width(), size.height());
                g.dispose();
                recorder.record(converter.convert(picture));
            }
            recorder.stop();
        }
        return clip;
    }

    private static int centre(BufferedImage picture) {
        return picture.getRGB(picture.getWidth() / 2, picture.getHeight() / 2) & 0xff;
    }
}
