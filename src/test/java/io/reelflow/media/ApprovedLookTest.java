package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pieces a final that keeps the approved look is made and measured with: seeded rolls of the preview renderer,
 * a first frame it starts from, frames taken and fitted with FFmpeg, SSIM by FFmpeg's filter and the contact sheet.
 */
class ApprovedLookTest {

    private static final String PROMPT = "Low-angle slow orbit around four friends raising glasses on a rooftop,"
            + " string lights behind them";
    private static final FrameSize DRAFT = FrameSize.of(Resolution.STANDARD, AspectRatio.LANDSCAPE);
    private static final FrameSize FINAL = FrameSize.of(Resolution.HIGH, AspectRatio.LANDSCAPE);

    @TempDir
    Path dir;

    private final PreviewRenderer renderer = new PreviewRenderer();

    @Test
    void twoRollsOfOnePromptLookClearlyDifferentAndOneSeedLooksTheSame() throws Exception {
        BufferedImage first = firstFrameOf(new PreviewRenderer.Roll(PROMPT, 11L, null, false), "a.mp4");
        BufferedImage second = firstFrameOf(new PreviewRenderer.Roll(PROMPT, 12L, null, false), "b.mp4");
        BufferedImage again = firstFrameOf(new PreviewRenderer.Roll(PROMPT, 11L, null, false), "c.mp4");

        assertThat(Similarity.ssim(first, second)).isLessThan(0.6);
        assertThat(Similarity.ssim(first, again)).isGreaterThan(0.98);
    }

    @Test
    void pairsScoredOneAtATimeAverageTheirOwnScores() throws Exception {
        BufferedImage first = firstFrameOf(new PreviewRenderer.Roll(PROMPT, 11L, null, false), "a.mp4");
        BufferedImage second = firstFrameOf(new PreviewRenderer.Roll(PROMPT, 12L, null, false), "b.mp4");
        double same = Similarity.ssim(first, first);
        double other = Similarity.ssim(second, first);

        double mean;
        try (Similarity.Pairs pairs = new Similarity.Pairs(new FrameSize(first.getWidth(), first.getHeight()))) {
            pairs.add(first, first);
            pairs.add(second, first);
            pairs.add(second, first);
            mean = pairs.mean();
        }

        assertThat(same).isGreaterThan(0.99);
        assertThat(other).isLessThan(0.6);
        assertThat(mean).isCloseTo((same + 2 * other) / 3, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void aClipGivenAFirstFrameOpensOnItAndMovesAwayFromIt() throws Exception {
        BufferedImage approved = firstFrameOf(new PreviewRenderer.Roll(PROMPT, 11L, null, false), "draft.mp4");
        BufferedImage scaled = Frames.fit(approved, FINAL);
        Path finalCut = dir.resolve("final.mp4");
        renderer.render(new PreviewRenderer.Roll(PROMPT, 99L, scaled, false), FINAL, 4, finalCut, 4_000_000);

        List<BufferedImage> frames = Frames.at(finalCut, List.of(0.0, 3.9));
        assertThat(frames.get(0).getWidth()).isEqualTo(1792);
        assertThat(Similarity.ssim(scaled, frames.get(0))).isGreaterThan(0.9);
        assertThat(Similarity.ssim(scaled, frames.get(1))).isLessThan(Similarity.ssim(scaled, frames.get(0)));
    }

    @Test
    void fittingCoversTheFrameWithoutStretching() throws Exception {
        BufferedImage draftFrame = firstFrameOf(new PreviewRenderer.Roll(PROMPT, 5L, null, false), "d.mp4");

        BufferedImage fitted = Frames.fit(draftFrame, FINAL);
        BufferedImage back = Frames.fit(fitted, DRAFT);

        assertThat(fitted.getWidth()).isEqualTo(1792);
        assertThat(fitted.getHeight()).isEqualTo(1024);
        // 1280x720 is 16:9 and 1792x1024 is 7:4: covering crops about 1.6 % of the width, no more.
        assertThat(Similarity.ssim(back, draftFrame)).isGreaterThan(0.8);
    }

    @Test
    void theContactSheetShowsTheDraftAboveTheFinalAtTheSameSeconds() throws Exception {
        BufferedImage frame = firstFrameOf(new PreviewRenderer.Roll(PROMPT, 5L, null, false), "e.mp4");
        Path sheet = dir.resolve("sheet.jpg");

        ContactSheet.write(List.of(frame, frame, frame), List.of(Frames.fit(frame, FINAL), frame, frame), sheet);

        BufferedImage image = Frames.read(sheet);
        int cellHeight = (int) Math.round(ContactSheet.CELL_LONG_SIDE / (1792 / 1024.0));
        assertThat(image.getWidth()).isEqualTo(8 + 3 * (ContactSheet.CELL_LONG_SIDE + 8));
        assertThat(image.getHeight()).isEqualTo(8 + 2 * (cellHeight + 8));
    }

    private BufferedImage firstFrameOf(PreviewRenderer.Roll roll, String name) throws Exception {
        Path clip = dir.resolve(name);
        renderer.render(roll, DRAFT, 1, clip, DRAFT.width() * DRAFT.height() * 2);
        return Frames.at(clip, 0);
    }
}
