package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConformerTest {

    @TempDir
    Path dir;

    private final PreviewRenderer renderer = new PreviewRenderer();

    @Test
    void aLongerWiderClipIsCutAndFittedToTheJobExactly() throws Exception {
        Path source = dir.resolve("five-seconds-1080p.mp4");
        renderer.render("Drone shot over a misty pine ridge at sunrise; wind and a hawk.", new FrameSize(1920, 1080), 5,
                source);
        MediaProbe.Probe probe = MediaProbe.probe(source);
        FrameSize frame = new FrameSize(1792, 1024);
        assertThat(Conformer.conforms(probe, frame, 4)).isFalse();

        Path out = dir.resolve("conformed.mp4");
        Segments.join(java.util.List.of(source), frame, 4, out);

        MediaProbe.Probe result = MediaProbe.probe(out);
        assertThat(result.width()).isEqualTo(1792);
        assertThat(result.height()).isEqualTo(1024);
        assertThat(result.seconds()).isBetween(3.9, 4.1);
        assertThat(result.hasAudio()).isTrue();
        assertThat(Conformer.conforms(result, frame, 4)).isTrue();
        assertThat(ClipInspector.inspect(out, result, 4, frame)).isEmpty();
    }

    @Test
    void theCropKeepsTheCentreAtTheFramesAspectRatio() {
        assertThat(Conformer.cropAndScale(1920, 1080, new FrameSize(1792, 1024)))
                .isEqualTo("crop=1890:1080,scale=1792:1024,setsar=1");
        assertThat(Conformer.cropAndScale(1080, 1920, new FrameSize(1024, 1792)))
                .isEqualTo("crop=1080:1890,scale=1024:1792,setsar=1");
        assertThat(Conformer.cropAndScale(1280, 720, new FrameSize(1280, 720)))
                .isEqualTo("crop=1280:720,scale=1280:720,setsar=1");
    }
}
