package io.reelflow.messaging;

/** Kafka topics; each channel carries the name of its topic. */
public final class Topics {

    /** Campaign batches submitted by teams. */
    public static final String CAMPAIGN_BATCHES = "campaign-batches";
    /** Batches refused by validation, with the reasons and the raw payload. */
    public static final String CAMPAIGN_BATCHES_REJECTED = "campaign-batches-rejected";
    /** Messages on {@code campaign-batches} that could not be read at all. */
    public static final String CAMPAIGN_BATCHES_DLQ = "campaign-batches-dlq";
    /** Review decisions on drafts, from people and from automatic review policies. */
    public static final String DRAFT_REVIEWS = "draft-reviews";
    /** Decisions refused, with the reasons and the raw payload. */
    public static final String DRAFT_REVIEWS_REJECTED = "draft-reviews-rejected";
    /** Everything that happens to batches, shots and jobs. */
    public static final String VIDEO_EVENTS = "video-events";
    /** Messages on {@code draft-reviews} that failed in a way no answer could be written for. */
    public static final String DRAFT_REVIEWS_DLQ = "draft-reviews-dlq";
    /**
     * The one outgoing channel: the outbox relay publishes every message through it, each record naming its topic.
     * It cannot carry a topic's name: an outgoing and an incoming channel of one name would be joined in memory.
     */
    public static final String OUTBOX = "outbox";

    /** Every topic kind; with team topics, each team has one of each ({@code <topic>.<team>}). */
    public static final java.util.List<String> ALL = java.util.List.of(CAMPAIGN_BATCHES, CAMPAIGN_BATCHES_REJECTED,
            CAMPAIGN_BATCHES_DLQ, DRAFT_REVIEWS, DRAFT_REVIEWS_REJECTED, DRAFT_REVIEWS_DLQ, VIDEO_EVENTS);

    private Topics() {
    }
}
