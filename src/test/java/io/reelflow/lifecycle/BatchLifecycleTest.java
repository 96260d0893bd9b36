package io.reelflow.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.reelflow.campaign.Batch;

/** A busy batch's manifest is rewritten at a pace in proportion to its size, since it is rewritten whole. */
class BatchLifecycleTest {

    @ParameterizedTest(name = "{0} shots: every {1} s")
    @CsvSource({ "1, 1", "100, 1", "101, 2", "500, 5", "1000, 10" })
    void aBusyManifestIsRewrittenOnceASecondPerStartedHundredShots(int shots, long seconds) {
        Batch batch = new Batch();
        batch.shotCount = shots;

        assertThat(BatchLifecycle.pace(batch)).isEqualTo(Duration.ofSeconds(seconds));
    }
}
