package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Reading the ebur128 filter's per-frame metadata: the last values count, and the true peak comes in as linear. */
class LoudnessTest {

    @Test
    void theLastRunningValuesAreTheClipsAndThePeakIsInDecibels() throws Exception {
        Loudness.Measure m = Loudness.parse(List.of(
                "frame:0    pts:0       pts_time:0",
                "lavfi.r128.I=-70.000",
                "lavfi.r128.true_peak=0.010",
                "frame:1    pts:4800    pts_time:0.1",
                "lavfi.r128.M=-14.300",
                "lavfi.r128.I=-14.120",
                "lavfi.r128.true_peaks_ch0=0.500",
                "lavfi.r128.true_peak=0.500"));

        assertThat(m.integratedLufs()).isEqualTo(-14.12);
        assertThat(m.truePeakDbtp()).isCloseTo(-6.02, within(0.01));
    }

    @Test
    void aClipTooShortToMeasureSaysSo() {
        assertThatThrownBy(() -> Loudness.parse(List.of("frame:0 pts:0 pts_time:0")))
                .hasMessageContaining("no loudness");
    }
}
