package io.reelflow.review;

/** A validated review decision on one draft revision of a shot. */
public record Decision(String decisionId, String team, String campaign, String batchId, String shotId, int revision,
        Kind kind, String revisedPrompt, String reviewer, String note) {

    /** What the reviewer decided. */
    public enum Kind {
        APPROVE,
        REJECT,
        REVISE;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Decisions about one shot share this Kafka key, so they are applied in order. */
    public String shotKey() {
        return team + "/" + batchId + "/" + shotId;
    }
}
