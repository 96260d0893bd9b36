package io.reelflow.messaging;

import java.util.List;

import io.reelflow.validation.Violation;

/** Answers to messages Reelflow refused, each with every reason and the raw payload as received. */
public sealed interface Rejected extends Published {

    @Override
    default String type() {
        return getClass().getSimpleName();
    }

    /** A campaign batch refused at intake, on {@code campaign-batches-rejected}, keyed by its batch id. */
    record BatchRejected(String batchId, String team, List<Violation> reasons, String payload) implements Rejected {

        @Override
        public String topic() {
            return Topics.CAMPAIGN_BATCHES_REJECTED;
        }

        @Override
        public String key() {
            return batchId;
        }
    }

    /**
     * A review decision refused, on {@code draft-reviews-rejected}, keyed like the decision ({@code team/batchId/
     * shotId}) when its team is known.
     */
    record DecisionRejected(String decisionId, String team, String campaign, String batchId, String shotId,
            Integer revision, List<Violation> reasons, String payload) implements Rejected {

        @Override
        public String topic() {
            return Topics.DRAFT_REVIEWS_REJECTED;
        }

        @Override
        public String key() {
            return team == null ? null : team + "/" + batchId + "/" + shotId;
        }
    }
}
