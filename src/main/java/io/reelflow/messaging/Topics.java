package io.reelflow.messaging;

/** Kafka topics; each channel carries the name of its topic. */
public final class Topics {

    /** Campaign batches submitted by teams. */
    public static final String CAMPAIGN_BATCHES = "campaign-batches";
    /** Channel that publishes batches submitted over the REST API onto {@code campaign-batches}. */
    public static final String CAMPAIGN_BATCHES_OUT = "campaign-batches-out";
    /** Batches refused by validation, with the reasons and the raw payload. */
    public static final String CAMPAIGN_BATCHES_REJECTED = "campaign-batches-rejected";
    /** Messages on {@code campaign-batches} that could not be read at all. */
    public static final String CAMPAIGN_BATCHES_DLQ = "campaign-batches-dlq";
    /** Review decisions on drafts, from people and from automatic review policies. */
    public static final String DRAFT_REVIEWS = "draft-reviews";
    /**
     * Outgoing channel to {@code draft-reviews}, for automatic reviewers. It cannot carry the topic's name:
     * an outgoing and an incoming channel of one name would be joined in memory, bypassing Kafka.
     */
    public static final String DRAFT_REVIEWS_OUT = "draft-reviews-out";
    /** Decisions refused, with the reasons and the raw payload. */
    public static final String DRAFT_REVIEWS_REJECTED = "draft-reviews-rejected";
    /** Everything that happens to batches, shots and jobs. */
    public static final String VIDEO_EVENTS = "video-events";

    private Topics() {
    }
}
