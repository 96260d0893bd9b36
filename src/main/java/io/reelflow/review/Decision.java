package io.reelflow.review;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonInclude.Include;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

import io.reelflow.messaging.Published;
import io.reelflow.messaging.Topics;

/**
 * A validated review decision on one draft revision of a shot, and the message that carries it on
 * {@code draft-reviews} (in the format of {@code schemas/draft-review.schema.json}), keyed {@code team/batchId/shotId}
 * so decisions about one shot are applied in order.
 */
public record Decision(String decisionId, String team, String campaign, String batchId, String shotId, int revision,
        @JsonProperty("decision") Kind kind, @JsonInclude(Include.NON_NULL) String revisedPrompt, String reviewer,
        @JsonInclude(Include.NON_NULL) String note, @JsonInclude(Include.NON_NULL) String stage,
        @JsonInclude(Include.NON_NULL) Double fromSecond, @JsonInclude(Include.NON_NULL) Boolean keepSeed)
        implements Published {

    /** Whether the decision judges the shot's final (its sign-off) rather than a draft. */
    public boolean onFinal() {
        return "final".equals(stage);
    }

    /** What the reviewer decided. */
    public enum Kind {
        APPROVE,
        REJECT,
        REVISE;

        @JsonValue
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Decisions about one shot share this Kafka key, so they are applied in order. */
    public String shotKey() {
        return team + "/" + batchId + "/" + shotId;
    }

    @Override
    public String topic() {
        return Topics.DRAFT_REVIEWS;
    }

    @Override
    public String key() {
        return shotKey();
    }

    @Override
    public String type() {
        return "ReviewDecision";
    }

    @Override
    public boolean enveloped() {
        return false;
    }
}
