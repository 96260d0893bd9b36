package io.reelflow.background;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

class PollingLoopTest {

    @Test
    void thePauseAfterAPassIsTheLongerOfTheGapAndItsRest() {
        Duration gap = Duration.ofMillis(250);
        // A short pass: the gap.
        assertThat(PollingLoop.gap(gap, 9, Duration.ofMillis(10).toNanos())).isEqualTo(gap);
        // A long one: nine times its own time, so its thread is busy a tenth of the time.
        assertThat(PollingLoop.gap(gap, 9, Duration.ofMillis(400).toNanos())).isEqualTo(Duration.ofMillis(3600));
        // No rest asked: the gap alone, however long the pass.
        assertThat(PollingLoop.gap(gap, 0, Duration.ofSeconds(5).toNanos())).isEqualTo(gap);
        assertThat(PollingLoop.gap(Duration.ZERO, 0, Duration.ofSeconds(5).toNanos())).isZero();
    }

    @Test
    void aNegativeRestIsRefused() {
        assertThatThrownBy(() -> new PollingLoop("x", Duration.ofSeconds(1), Duration.ZERO, -1, () -> false,
                Logger.getLogger(PollingLoopTest.class)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rest is -1");
    }
}
