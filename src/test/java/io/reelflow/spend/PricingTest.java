package io.reelflow.spend;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.media.FrameSize;
import io.reelflow.provider.ModelCatalog;
import io.reelflow.testkit.TestConfig;

class PricingTest {

    private final ReelflowConfig config = TestConfig.reelflow(Map.of(
            "reelflow.models.veo.provider", "veo",
            "reelflow.models.veo.seconds", "4,6,8",
            "reelflow.models.veo.sizes", "1280x720,720x1280,1920x1080,1080x1920",
            "reelflow.models.veo.reference-image", "true",
            "reelflow.models.veo.price-per-second.standard", "0.15",
            "reelflow.models.veo.price-per-second.high", "0.40",
            "reelflow.models.kling.provider", "replicate",
            "reelflow.models.kling.seconds", "5,10",
            "reelflow.models.kling.sizes", "1920x1080,1080x1920",
            "reelflow.models.kling.price-per-second.standard", "0.07"));
    private final Pricing pricing = new Pricing(config, new ModelCatalog(config, Set.of("local", "veo", "replicate")));

    @Test
    void aCallCostsItsSecondsAtTheFramesResolution() {
        assertThat(pricing.call("veo", 4, new FrameSize(1280, 720))).isEqualByComparingTo("0.60");
        assertThat(pricing.call("veo", 8, new FrameSize(1792, 1024))).isEqualByComparingTo("3.20");
    }

    @Test
    void aJobCostsEveryCallOfItsPlanIncludingSecondsThatAreCutAway() {
        // A 12-second final on Veo is 8 + 4 seconds of paid video.
        assertThat(pricing.job("veo", 12, new FrameSize(1792, 1024))).isEqualByComparingTo("4.80");
        // A 4-second draft on Kling is a paid 5-second clip, cut.
        assertThat(pricing.job("kling", 4, new FrameSize(1280, 720))).isEqualByComparingTo("0.35");
        assertThat(pricing.job("unknown", 4, new FrameSize(1280, 720))).isEqualByComparingTo(BigDecimal.ZERO);
    }
}
