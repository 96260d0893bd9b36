package io.reelflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FairShareTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private static FairShare.Group group(String model, String team, long batch, int dueSecond) {
        return new FairShare.Group(model, "openai", team, batch, T0.plusSeconds(dueSecond));
    }

    private static FairShare.Busy busy(String model, String team, long batch, long jobs) {
        return new FairShare.Busy(model, "openai", team, batch, jobs);
    }

    @Test
    void aTeamWithNothingInFlightGoesBeforeATeamHoldingEverySlotHoweverLongItsQueue() {
        FairShare share = new FairShare(List.of(busy("sora-2", "alpha", 1, 16)), team -> 1);
        List<FairShare.Group> order = share.order(List.of(group("sora-2", "alpha", 1, 0), group("sora-2", "bravo", 2, 300)));
        assertThat(order).extracting(FairShare.Group::team).containsExactly("bravo", "alpha");
    }

    @Test
    void equalSharesGoToTheWorkWaitingLongest() {
        FairShare share = new FairShare(List.of(busy("sora-2", "alpha", 1, 1), busy("sora-2", "bravo", 2, 1)), team -> 1);
        assertThat(share.order(List.of(group("sora-2", "bravo", 2, 5), group("sora-2", "alpha", 1, 9))))
                .extracting(FairShare.Group::team).containsExactly("bravo", "alpha");
    }

    @Test
    void withinATeamTheBatchWithLeastInFlightGoesFirst() {
        FairShare share = new FairShare(List.of(busy("sora-2", "alpha", 1, 3), busy("sora-2", "alpha", 2, 1)), team -> 1);
        assertThat(share.order(List.of(group("sora-2", "alpha", 1, 0), group("sora-2", "alpha", 2, 60))))
                .extracting(FairShare.Group::batchId).containsExactly(2L, 1L);
    }

    @Test
    void theProviderShareBreaksATieOnTheModel() {
        // Both teams have nothing on veo-3.1; alpha already holds the provider's slots on another of its models.
        FairShare share = new FairShare(List.of(busy("sora-2", "alpha", 1, 4)), team -> 1);
        assertThat(share.order(List.of(group("veo-3.1", "alpha", 1, 0), group("veo-3.1", "bravo", 2, 30))))
                .extracting(FairShare.Group::team).containsExactly("bravo", "alpha");
    }

    @Test
    void aClaimInThePassCountsForTheNextChoice() {
        FairShare share = new FairShare(List.of(), team -> 1);
        List<FairShare.Group> waiting = List.of(group("sora-2", "alpha", 1, 0), group("sora-2", "bravo", 2, 10));
        FairShare.Group first = share.order(waiting).get(0);
        share.took(first);
        assertThat(first.team()).isEqualTo("alpha");
        assertThat(share.order(waiting).get(0).team()).isEqualTo("bravo");
    }

    /**
     * Slots of a cap of 16 freeing one at a time while three teams wait with deep backlogs: the slots settle in
     * proportion to the weights (alpha 2, bravo 1, charlie 1), whatever the order the work arrived in.
     */
    @Test
    void teamsThatWaitTogetherConvergeOnSlotsInProportionToTheirWeights() {
        Map<String, Double> weights = Map.of("alpha", 2.0);
        Map<String, Long> held = new HashMap<>(Map.of("alpha", 0L, "bravo", 16L, "charlie", 0L));
        List<String> finishing = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            finishing.add("bravo");
        }
        List<FairShare.Group> waiting = List.of(group("sora-2", "bravo", 2, 0), group("sora-2", "alpha", 1, 100),
                group("sora-2", "charlie", 3, 200));
        for (int round = 0; round < 200; round++) {
            String done = finishing.remove(0);
            held.merge(done, -1L, Long::sum);
            List<FairShare.Busy> busy = held.entrySet().stream()
                    .map(e -> busy("sora-2", e.getKey(), e.getKey().charAt(0) - 'a' + 1, e.getValue())).toList();
            FairShare share = new FairShare(busy, team -> weights.getOrDefault(team, 1.0));
            String next = share.order(waiting).get(0).team();
            held.merge(next, 1L, Long::sum);
            finishing.add(next);
        }
        assertThat(held).containsEntry("alpha", 8L).containsEntry("bravo", 4L).containsEntry("charlie", 4L);
    }
}
