package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Random;

import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Row-by-row copies give exactly the bytes JavaCV's own converter gives, both ways. */
class BgrPicturesTest {

    @TempDir
    Path dir;

    @Test
    void aPictureBecomesTheFrameTheConverterWouldMake() {
        // An odd width, so the frame's rows are padded past the picture's.
        BufferedImage noise = noise(333, 187, 7);
        Frame frame = new BgrPictures().frame(noise);
        try (Java2DFrameConverter converter = new Java2DFrameConverter()) {
            assertSamePixels(Frames.toBgr(converter.convert(frame)), noise);
        }
        assertSamePixels(BgrPictures.image(frame), noise);
    }

    @Test
    void aDecodedFrameBecomesThePictureTheConverterWouldMake() throws Exception {
        Path clip = dir.resolve("clip.mp4");
        new PreviewRenderer().render("A red kite over green hills, wide shot", new FrameSize(640, 360), 1, clip);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(clip.toFile());
                Java2DFrameConverter converter = new Java2DFrameConverter()) {
            grabber.start();
            Frame frame = grabber.grabImage();
            assertSamePixels(BgrPictures.image(frame), converter.convert(frame));
            grabber.stop();
        }
    }

    @Test
    void aPictureSharingItsParentsBytesIsTakenByItsOwnPixels() {
        BufferedImage parent = noise(200, 100, 11);
        BufferedImage part = parent.getSubimage(31, 17, 101, 53);
        assertSamePixels(BgrPictures.image(new BgrPictures().frame(part)), part);
    }

    @Test
    void theFrameIsReusedForPicturesOfTheSameSize() {
        BgrPictures pictures = new BgrPictures();
        Frame first = pictures.frame(noise(64, 48, 1));
        Frame second = pictures.frame(noise(64, 48, 2));
        assertThat(second).isSameAs(first);
        assertSamePixels(BgrPictures.image(second), noise(64, 48, 2));
        assertThat(pictures.frame(noise(48, 64, 3))).isNotSameAs(first);
    }

    private static BufferedImage noise(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
        assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
        assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
        for (int y = 0; y < expected.getHeight(); y++) {
            for (int x = 0; x < expected.getWidth(); x++) {
                assertThat(actual.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(expected.getRGB(x, y));
            }
        }
    }
}
