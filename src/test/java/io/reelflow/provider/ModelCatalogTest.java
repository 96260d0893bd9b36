package io.reelflow.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.reelflow.media.FrameSize;
import io.reelflow.testkit.TestConfig;

class ModelCatalogTest {

    private final ModelCatalog catalog = new ModelCatalog(TestConfig.reelflow(Map.of(
            "reelflow.models.kling.provider", "replicate",
            "reelflow.models.kling.seconds", "5,10",
            "reelflow.models.kling.sizes", "1920x1080,1080x1920",
            "reelflow.models.veo.provider", "veo",
            "reelflow.models.veo.seconds", "4,6,8",
            "reelflow.models.veo.sizes", "1280x720,720x1280,1920x1080,1080x1920",
            "reelflow.models.veo.reference-image", "true")),
            Set.of("local", "replicate", "veo"));

    @Test
    void aModelThatMakesTheExactClipIsAskedForItAsIs() {
        assertThat(catalog.plan("veo", 4, new FrameSize(1280, 720)))
                .containsExactly(new ModelCatalog.Call(4, new FrameSize(1280, 720)));
    }

    @Test
    void otherwiseTheShortestLongerLengthAndTheSmallestCoveringSizeOfTheSameOrientation() {
        assertThat(catalog.plan("kling", 4, new FrameSize(1280, 720)))
                .containsExactly(new ModelCatalog.Call(5, new FrameSize(1920, 1080)));
        assertThat(catalog.plan("kling", 8, new FrameSize(1024, 1792)))
                .containsExactly(new ModelCatalog.Call(10, new FrameSize(1080, 1920)));
        assertThat(catalog.plan("veo", 8, new FrameSize(1792, 1024)))
                .containsExactly(new ModelCatalog.Call(8, new FrameSize(1920, 1080)));
    }

    @Test
    void aLongerClipIsPlannedAsSegmentsWhenTheModelCanStartFromAFrame() {
        FrameSize high = new FrameSize(1792, 1024);
        assertThat(catalog.plan("veo", 12, high)).containsExactly(new ModelCatalog.Call(8, new FrameSize(1920, 1080)),
                new ModelCatalog.Call(4, new FrameSize(1920, 1080)));
        assertThat(catalog.plan("veo", 20, high)).extracting(ModelCatalog.Call::seconds).containsExactly(8, 8, 4);
        assertThat(catalog.cannotRender("veo", 12, high, true)).isEmpty();
    }

    @Test
    void lengthsBeyondOneCallAreRefusedWhenTheModelTakesNoFrameToChainFrom() {
        assertThat(catalog.plan("kling", 12, new FrameSize(1792, 1024))).isEmpty();
        assertThat(catalog.cannotRender("kling", 12, new FrameSize(1792, 1024), true)).containsExactly(
                "model 'kling' cannot make 12-second clips: it makes [5, 10] seconds in one call and takes no"
                        + " reference image to chain longer clips from segments",
                "model 'kling' takes no reference image");
    }

    @Test
    void aModelOfAProviderThatIsNotConfiguredIsRefusedAsSuch() {
        ModelCatalog localOnly = new ModelCatalog(TestConfig.reelflow(Map.of(
                "reelflow.models.kling.provider", "replicate")), Set.of("local"));
        assertThat(localOnly.cannotRender("kling", 4, new FrameSize(1280, 720), false)).singleElement().asString()
                .contains("runs on provider 'replicate', which is not configured in this deployment");
    }
}
