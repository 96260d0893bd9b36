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

    private final ReelflowConfig config = TestConfig.reelflow(withUltraPrice(Map.of(
            "reelflow.models.veo.provider", "veo",
            "reelflow.models.veo.seconds", "4,6,8",
            "reelflow.models.veo.sizes", "1280x720,720x1280,1920x1080,1080x1920",
            "reelflow.models.veo.reference-image", "true",
            "reelflow.models.veo.price-per-second.standard", "0.15",
            "reelflow.models.veo.price-per-second.high", "0.40",
            "reelflow.models.kling.provider", "replicate",
            "reelflow.models.kling.seconds", "5,10",
            "reelflow.models.kling.sizes", "1920x1080,1080x1920",
            "reelflow.models.kling.price-per-second.standard", "0.07")));

    private static Map<String, String> withUltraPrice(Map<String, String> props) {
        Map<String, String> all = new java.util.HashMap<>(props);
        all.put("reelflow.models.veo.price-per-second.ultra", "0.60");
        return all;
    }
    private final Pricing pricing = new Pricing(config, new ModelCatalog(config, Set.of("local", "veo", "replicate")));

    @Test
    void aCallCostsItsSecondsAtTheFramesResolution() {
        assertThat(pricing.call("veo", 4, new FrameSize(1280, 720))).isEqualByComparingTo("0.60");
        assertThat(pricing.call("veo", 8, new FrameSize(1792, 1024))).isEqualByComparingTo("3.20");
    }

    @Test
    void fourKHasItsOwnPriceWhereTheCatalogGivesOneAndTheHighPriceOtherwise() {
        assertThat(pricing.call("veo", 8, new FrameSize(3840, 2160))).isEqualByComparingTo("4.80");
        assertThat(pricing.call("kling", 5, new FrameSize(2160, 3840))).isEqualByComparingTo("0.00");
    }

    @Test
    void aDeliveredClipIsBilledInWholeSecondsRoundedToTheNearest() {
        assertThat(Pricing.billedSeconds(5.04)).isEqualTo(5);
        assertThat(Pricing.billedSeconds(3.96)).isEqualTo(4);
        assertThat(Pricing.billedSeconds(0.2)).isEqualTo(1);
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
