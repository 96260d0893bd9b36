package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A freed slot wakes a worker only when a waiting job was passed over for a full cap since the last one. */
class ModelSlotsTest {

    @Test
    void aPassedOverJobIsTakenOnceByTheNextFreedSlot() {
        ModelSlots slots = new ModelSlots(null, null);
        assertThat(slots.takePassedOver()).as("nothing passed over yet").isFalse();

        slots.passedOver();
        slots.passedOver();

        assertThat(slots.takePassedOver()).isTrue();
        assertThat(slots.takePassedOver()).as("taken by the first freed slot").isFalse();
    }
}
