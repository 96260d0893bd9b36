package io.reelflow.messaging;

import java.util.List;

import io.reelflow.validation.Violation;

/**
 * Answers to messages Reelflow refused, each with every reason and the raw payload as received: its first
 * {@link #ECHO_LIMIT} characters when it is longer, with {@code payloadTruncated} set, so that an answer always fits
 * one Kafka message (the whole payload stays in the database).
 */
public sealed interface Rejected extends Published {

    /** Most characters of a refused payload echoed in its answer. */
    int ECHO_LIMIT = 64 * 1024;

    /** The part of {@code payload} an answer carries. */
    static String echo(String payload) {
        return payload == null || payload.length() <= ECHO_LIMIT ? payload : payload.substring(0, ECHO_LIMIT);
    }

    /** Whether {@link #echo} cuts {@code payload}. */
    static boolean cut(String payload) {
        return payload != null && payload.length() > ECHO_LIMIT;
    }

    @Override
    default String type() {
        return getClass().getSimpleName();
    }

    /** A campaign batch refused at intake, on {@code campaign-batches-rejected}, keyed by its batch id. */
    record BatchRejected(String batchId, String team, List<Violation> reasons, String payload,
            boolean payloadTruncated) implements Rejected {

        public BatchRejected(String batchId, String team, List<Violation> reasons, String payload) {
            this(batchId, team, reasons, Rejected.echo(payload), Rejected.cut(payload));
        }

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
            Integer revision, List<Violation> reasons, String payload, boolean payloadTruncated) implements Rejected {

        public DecisionRejected(String decisionId, String team, String campaign, String batchId, String shotId,
                Integer revision, List<Violation> reasons, String payload) {
            this(decisionId, team, campaign, batchId, shotId, revision, reasons, Rejected.echo(payload),
                    Rejected.cut(payload));
        }

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
