package io.reelflow.messaging;

/** Kafka topics; each channel carries the name of its topic. */
public final class Topics {

    /** Campaign batches submitted by teams. */
    public static final String CAMPAIGN_BATCHES = "campaign-batches";
    /** Batches refused by validation, with the reasons and the raw payload. */
    public static final String CAMPAIGN_BATCHES_REJECTED = "campaign-batches-rejected";
    /** Messages on {@code campaign-batches} that could not be read at all. */
    public static final String CAMPAIGN_BATCHES_DLQ = "campaign-batches-dlq";
    /** Everything that happens to batches, shots and jobs. */
    public static final String VIDEO_EVENTS = "video-events";

    private Topics() {
    }
}
