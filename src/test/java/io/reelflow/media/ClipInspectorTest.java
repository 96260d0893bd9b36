package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClipInspectorTest {

    @TempDir
    Path dir;

    private final PreviewRenderer renderer = new PreviewRenderer();
    private final FrameSize size = FrameSize.of(Resolution.STANDARD, AspectRatio.LANDSCAPE);

    @Test
    void aGoodClipPassesEveryCheck() throws Exception {
        Path clip = dir.resolve("good.mp4");
        renderer.render("Slow pan over a harbour at dawn; gulls and waves.", size, 4, clip);

        assertThat(ClipInspector.inspect(clip, MediaProbe.probe(clip), 4, size)).isEmpty();
    }

    @Test
    void aBrokenClipFailsAudioAndPictureChecks() throws Exception {
        Path clip = dir.resolve("broken.mp4");
        renderer.render("Slow pan over a harbour at dawn; gulls and waves.", size, 4, clip, true);

        assertThat(ClipInspector.inspect(clip, MediaProbe.probe(clip), 4, size))
                .containsExactly("audio: no audio stream", "picture: blank (no detail in any sampled frame)");
    }

    @Test
    void aClipOfTheWrongLengthOrSizeFailsThoseChecks() throws Exception {
        Path clip = dir.resolve("short.mp4");
        renderer.render("Slow pan over a harbour at dawn; gulls and waves.", size, 4, clip);

        assertThat(ClipInspector.inspect(clip, MediaProbe.probe(clip), 8, FrameSize.of(Resolution.HIGH,
                AspectRatio.LANDSCAPE)))
                .containsExactly("duration: 4.00 s, expected 8 s", "frame size: 1280x720, expected 1792x1024");
    }
}
