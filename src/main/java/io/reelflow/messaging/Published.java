package io.reelflow.messaging;

/**
 * A message Reelflow publishes through the outbox: the record's components are its JSON body, and it names its
 * own topic, key and type. The outbox serializes every one of them in one place.
 */
public interface Published {

    /** The kind of topic it is published on: the shared topic, or with team topics the team's own of this kind. */
    String topic();

    /** The team it belongs to, which picks the team's own topic when each team has its own. */
    String team();

    /** Its Kafka key: messages with one key stay in order on one partition. */
    String key();

    /** Its type, in the {@code type} field of an event and in the {@code event-type} header. */
    String type();

    /**
     * Events carry the envelope ({@code eventId}, {@code type}, {@code occurredAt}) in their body; a message in
     * another party's format (a review decision, a campaign batch) does not, and its id travels in a header.
     */
    default boolean enveloped() {
        return true;
    }
}
