package io.reelflow.messaging;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A campaign batch submitted over REST, passed on to {@code campaign-batches} as the team sent it (with its
 * team filled in), where the intake consumer takes it like any other.
 */
public record SubmittedBatch(String team, String batchId, @JsonValue ObjectNode body) implements Published {

    @Override
    public String topic() {
        return Topics.CAMPAIGN_BATCHES;
    }

    @Override
    public String key() {
        return team + "/" + batchId;
    }

    @Override
    public String type() {
        return "CampaignBatch";
    }

    @Override
    public boolean enveloped() {
        return false;
    }
}
