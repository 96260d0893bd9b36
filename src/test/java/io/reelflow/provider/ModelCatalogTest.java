package io.reelflow.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.reelflow.media.FrameSize;
import io.reelflow.testkit.TestConfig;

class ModelCatalogTest {

    private final ModelCatalog catalog = new ModelCatalog(TestConfig.reelflow(props(
            "reelflow.models.kling.provider", "replicate",
            "reelflow.models.kling.seconds", "5,10",
            "reelflow.models.kling.sizes", "1920x1080,1080x1920",
            "reelflow.models.veo.provider", "veo",
            "reelflow.models.veo.seconds", "4,6,8",
            "reelflow.models.veo.sizes", "1280x720,720x1280,1920x1080,1080x1920",
            "reelflow.models.veo.reference-image", "true",
            "reelflow.models.veo-hd.provider", "veo",
            "reelflow.models.veo-hd.seconds", "4,6,8",
            "reelflow.models.veo-hd.high-seconds", "8",
            "reelflow.models.veo-hd.sizes", "1280x720,1920x1080",
            "reelflow.models.veo-hd.reference-image", "true",
            "reelflow.models.sora.provider", "openai",
            "reelflow.models.sora.retired", "api.openai.com 2026-09-24",
            "reelflow.providers.openai.base-url", "https://api.openai.com/v1")),
            Set.of("local", "replicate", "veo", "openai"));

    private static Map<String, String> props(String... keysAndValues) {
        Map<String, String> props = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            props.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return props;
    }

    private final ModelCatalog throughAGateway = new ModelCatalog(TestConfig.reelflow(Map.of(
            "reelflow.models.sora.provider", "openai",
            "reelflow.models.sora.retired", "api.openai.com 2026-09-24",
            "reelflow.providers.openai.base-url", "https://llm-gateway.example.com/v1")),
            Set.of("local", "openai"));

    @Test
    void aModelThatMakesFewerLengthsAbove720pIsPlannedWithThoseThere() {
        assertThat(catalog.plan("veo-hd", 4, new FrameSize(1280, 720)))
                .containsExactly(new ModelCatalog.Call(4, new FrameSize(1280, 720)));
        // 1080p only at 8 s: a 12-second final is two 8-second calls (the second cut to 4 s).
        assertThat(catalog.plan("veo-hd", 12, new FrameSize(1792, 1024))).containsExactly(
                new ModelCatalog.Call(8, new FrameSize(1920, 1080)), new ModelCatalog.Call(8, new FrameSize(1920, 1080)));
    }

    @Test
    void aRetiredModelIsRefusedWhereItWasRetiredAndUsableThroughAGateway() {
        assertThat(catalog.unavailable("sora")).hasValueSatisfying(reason -> assertThat(reason)
                .contains("was retired on api.openai.com on 2026-09-24").contains("reelflow.providers.openai.base-url"));
        assertThat(catalog.available()).doesNotContain("sora");
        assertThat(throughAGateway.unavailable("sora")).isEmpty();
    }

    @Test
    void theNextModelOfARouteIsTheFirstThatCanMakeTheJob() {
        FrameSize draft = new FrameSize(1280, 720);
        assertThat(catalog.nextModel(java.util.List.of("nope", "sora", "kling", "veo"), 4, draft, false, false))
                .contains("kling");
        // A final that carries the approved frame needs a model that takes it.
        assertThat(catalog.nextModel(java.util.List.of("kling", "veo"), 4, draft, false, true)).contains("veo");
        assertThat(catalog.nextModel(java.util.List.of("sora"), 4, draft, false, false)).isEmpty();
    }

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
