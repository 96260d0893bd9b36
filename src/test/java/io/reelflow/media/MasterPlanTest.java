package io.reelflow.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class MasterPlanTest {

    private static Placement p(String name) {
        return Placement.standard(name).orElseThrow();
    }

    private static final Placement BANNER = new Placement("banner", new FrameSize(728, 90), 6, -14, -1,
            Placement.SafeArea.NONE);

    @Test
    void aShotPaysForASecondMasterOnlyWhenItsPlacementsSpanBothOrientations() {
        assertThat(MasterPlan.masters(AspectRatio.LANDSCAPE, List.of())).containsExactly(AspectRatio.LANDSCAPE);
        assertThat(MasterPlan.masters(AspectRatio.PORTRAIT, List.of(p("square")))).containsExactly(AspectRatio.PORTRAIT);
        assertThat(MasterPlan.masters(AspectRatio.LANDSCAPE, List.of(p("reels"), p("feed-4x5"), p("square"))))
                .as("9:16, 4:5 and 1:1 all come from one portrait master").containsExactly(AspectRatio.PORTRAIT);
        assertThat(MasterPlan.masters(AspectRatio.PORTRAIT, List.of(p("youtube"), p("square"), BANNER)))
                .containsExactly(AspectRatio.LANDSCAPE);
        assertThat(MasterPlan.masters(AspectRatio.PORTRAIT, List.of(p("tiktok"), p("youtube"))))
                .as("the shot's own orientation first").containsExactly(AspectRatio.PORTRAIT, AspectRatio.LANDSCAPE);
        assertThat(MasterPlan.masters(AspectRatio.LANDSCAPE, List.of(p("shorts"), p("youtube"), p("square"))))
                .containsExactly(AspectRatio.LANDSCAPE, AspectRatio.PORTRAIT);
    }

    @Test
    void everyPlacementIsCutFromTheMasterOfItsOrientationAndSquareFromTheFirst() {
        List<AspectRatio> both = List.of(AspectRatio.PORTRAIT, AspectRatio.LANDSCAPE);
        assertThat(MasterPlan.masterOf(p("reels"), both)).isEqualTo(AspectRatio.PORTRAIT);
        assertThat(MasterPlan.masterOf(p("feed-4x5"), both)).isEqualTo(AspectRatio.PORTRAIT);
        assertThat(MasterPlan.masterOf(p("youtube"), both)).isEqualTo(AspectRatio.LANDSCAPE);
        assertThat(MasterPlan.masterOf(BANNER, both)).isEqualTo(AspectRatio.LANDSCAPE);
        assertThat(MasterPlan.masterOf(p("square"), both)).isEqualTo(AspectRatio.PORTRAIT);
        assertThat(MasterPlan.masterOf(p("square"), List.of(AspectRatio.LANDSCAPE))).isEqualTo(AspectRatio.LANDSCAPE);
    }
}
