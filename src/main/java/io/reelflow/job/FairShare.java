package io.reelflow.job;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Which waiting work gets the next free slot. Waiting jobs form groups (one model, one team, one batch). The group
 * whose team has the least work at the provider on that model, per unit of the team's weight, goes first; ties go to
 * the team with the least work at the model's provider (the provider's cap is shared by its models), then to the
 * team's batch with the least work in flight, then to the group whose oldest job has waited longest.
 *
 * <p>"Work at the provider" is read from the job table (jobs holding a slot, and waiting jobs a worker holds and is
 * about to submit), so every replica ranks with the same counts: a team alone takes every slot it can use, and teams
 * that wait together converge on slots in proportion to their weights as slots free (max-min fairness), without
 * any team's backlog size counting.
 */
final class FairShare {

    /** Waiting work of one team's batch on one model, and when its oldest job became due. */
    record Group(String model, String provider, String team, long batchId, Instant due) {
    }

    /** Jobs of one team's batch on one model that hold a slot (or are about to). */
    record Busy(String model, String provider, String team, long batchId, long jobs) {
    }

    private final Map<List<Object>, Long> byModel = new HashMap<>();
    private final Map<List<Object>, Long> byProvider = new HashMap<>();
    private final Map<List<Object>, Long> byBatch = new HashMap<>();
    private final ToDoubleFunction<String> weight;

    FairShare(Collection<Busy> busy, ToDoubleFunction<String> weight) {
        this.weight = weight;
        for (Busy b : busy) {
            add(b.model(), b.provider(), b.team(), b.batchId(), b.jobs());
        }
    }

    /** The groups in the order they should be served, best first. */
    List<Group> order(Collection<Group> waiting) {
        return waiting.stream().sorted(Comparator
                .comparingDouble((Group g) -> share(byModel, List.of(g.model(), g.team()), g.team()))
                .thenComparingDouble(g -> share(byProvider, List.of(g.provider(), g.team()), g.team()))
                .thenComparingLong(g -> byBatch.getOrDefault(List.of(g.model(), g.team(), g.batchId()), 0L))
                .thenComparing(Group::due)
                .thenComparing(Group::team)
                .thenComparingLong(Group::batchId)).toList();
    }

    /** Counts a job of {@code group} claimed, so that the next choice in the same pass sees it. */
    void took(Group group) {
        add(group.model(), group.provider(), group.team(), group.batchId(), 1);
    }

    private void add(String model, String provider, String team, long batchId, long jobs) {
        byModel.merge(List.of(model, team), jobs, Long::sum);
        byProvider.merge(List.of(provider, team), jobs, Long::sum);
        byBatch.merge(List.of(model, team, batchId), jobs, Long::sum);
    }

    private double share(Map<List<Object>, Long> counts, List<Object> key, String team) {
        return counts.getOrDefault(key, 0L) / weight.applyAsDouble(team);
    }
}
