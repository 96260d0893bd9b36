package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewRendererTest {

    @TempDir
    Path dir;

    private final PreviewRenderer renderer = new PreviewRenderer();

    @Test
    void rendersLandscapeDraftWithExactSizeDurationAndAudio() throws Exception {
        Path out = dir.resolve("draft.mp4");
        renderer.render("Slow dolly in on a ceramic mug at golden hour, steam rising, soft cafe chatter", FrameSize.of(Resolution.STANDARD, AspectRatio.LANDSCAPE), 4, out);

        MediaProbe.Probe probe = MediaProbe.probe(out);
        assertThat(probe.width()).isEqualTo(1280);
        assertThat(probe.height()).isEqualTo(720);
        assertThat(probe.seconds()).isCloseTo(4.0, within(0.1));
        assertThat(probe.videoCodec()).containsIgnoringCase("264");
        assertThat(probe.hasAudio()).isTrue();
        assertThat(probe.audioCodec()).containsIgnoringCase("aac");
    }

    @Test
    void rendersPortraitAtTheRequestedSize() throws Exception {
        Path out = dir.resolve("portrait.mp4");
        renderer.render("Handheld tracking shot through a neon night market, rain on the lens", FrameSize.of(Resolution.STANDARD, AspectRatio.PORTRAIT), 4, out);

        MediaProbe.Probe probe = MediaProbe.probe(out);
        assertThat(probe.width()).isEqualTo(720);
        assertThat(probe.height()).isEqualTo(1280);
    }

    @Test
    void differentPromptsGiveVisiblyDifferentPosters() throws Exception {
        FrameSize size = FrameSize.of(Resolution.STANDARD, AspectRatio.LANDSCAPE);
        Path a = dir.resolve("a.mp4");
        Path b = dir.resolve("b.mp4");
        renderer.render("Aerial drone shot over a foggy pine forest at dawn, wind in the trees", size, 4, a);
        renderer.render("Close-up of neon signs flickering on a wet street at night, distant traffic", size, 4, b);
        Path pa = dir.resolve("a.jpg");
        Path pb = dir.resolve("b.jpg");
        PosterExtractor.probeAndWritePoster(a, pa);
        PosterExtractor.probeAndWritePoster(b, pb);

        BufferedImage ia = ImageIO.read(pa.toFile());
        BufferedImage ib = ImageIO.read(pb.toFile());
        assertThat(ia.getWidth()).isEqualTo(1280);
        assertThat(meanAbsoluteDifference(ia, ib)).isGreaterThan(20.0);
        assertThat(Files.size(pa)).isGreaterThan(1000);
    }

    private static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        int n = 0;
        for (int y = 0; y < a.getHeight(); y += 8) {
            for (int x = 0; x < a.getWidth(); x += 8) {
                int pa = a.getRGB(x, y);
                int pb = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((pa >> shift) & 0xff) - ((pb >> shift) & 0xff));
                    n++;
                }
            }
        }
        return sum / (double) n;
    }
}
