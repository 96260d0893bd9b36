package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentsTest {

    @TempDir
    Path dir;

    private final PreviewRenderer renderer = new PreviewRenderer();
    private final FrameSize fullHd = new FrameSize(1920, 1080);

    @Test
    void anEightAndAFourSecondSegmentBecomeOneTwelveSecondFinalOfTheExactFrame() throws Exception {
        Path first = dir.resolve("part1.mp4");
        Path second = dir.resolve("part2.mp4");
        renderer.render("Slow pan across a quiet harbour at blue hour; gulls and soft waves.", fullHd, 8, first);
        renderer.render("Slow pan across a quiet harbour at blue hour; gulls and soft waves, later.", fullHd, 4, second);
        Path out = dir.resolve("final.mp4");
        FrameSize frame = new FrameSize(1792, 1024);

        Segments.join(List.of(first, second), frame, 12, out);

        MediaProbe.Probe probe = MediaProbe.probe(out);
        assertThat(probe.width()).isEqualTo(1792);
        assertThat(probe.height()).isEqualTo(1024);
        assertThat(probe.seconds()).isBetween(11.9, 12.1);
        assertThat(ClipInspector.inspect(out, probe, 12, frame)).isEmpty();
    }

    @Test
    void segmentsShorterTogetherThanAskedAreRefused() throws Exception {
        Path only = dir.resolve("part1.mp4");
        renderer.render("Orbit around a bicycle under a warm street lamp at night.", fullHd, 4, only);
        assertThatThrownBy(() -> Segments.join(List.of(only), new FrameSize(1792, 1024), 12, dir.resolve("x.mp4")))
                .isInstanceOf(IOException.class).hasMessageContaining("never delivered shorter");
    }

    @Test
    void theLastFrameIsWrittenAtTheSegmentsSize() throws Exception {
        Path part = dir.resolve("part.mp4");
        renderer.render("Drone shot over a misty pine ridge at sunrise.", fullHd, 4, part);
        Path png = dir.resolve("last.png");

        Segments.writeLastFrame(part, png);

        BufferedImage last = ImageIO.read(png.toFile());
        assertThat(last.getWidth()).isEqualTo(1920);
        assertThat(last.getHeight()).isEqualTo(1080);
    }
}
