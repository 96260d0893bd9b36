package io.reelflow.messaging;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.reelflow.validation.JsonText;
import io.reelflow.validation.Violation;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * A message as received from Kafka: its text, and who sent it. On a team's own topic ({@code <topic>.<team>}, which
 * the broker lets only that team write) the sender is that team, whatever the body claims; on a shared topic the
 * body's {@code team} is all there is. The value is taken as bytes and read as UTF-8 here, so that bytes that are
 * not UTF-8 are known as such ({@link JsonText#decode}) rather than replaced.
 */
public record Inbound(IncomingKafkaRecord<String, byte[]> record, Optional<String> sender, JsonText.Decoded text) {

    public static Inbound of(IncomingKafkaRecord<String, byte[]> record) {
        return new Inbound(record, TeamTopics.sender(record.getTopic()), JsonText.decode(record.getPayload()));
    }

    /** The message's text (null for a record without a value); where it is not UTF-8, see {@link #notUtf8}. */
    public String payload() {
        return text.text();
    }

    /** Where the message's bytes are not UTF-8, if they are not. */
    public Optional<String> notUtf8() {
        return Optional.ofNullable(text.error());
    }

    public String topic() {
        return record.getTopic();
    }

    /** Where it sits, for logs and for the rejection record. */
    public String position() {
        return record.getTopic() + " " + record.getPartition() + "@" + record.getOffset();
    }

    /**
     * Why a body naming {@code claimed} cannot be taken from this sender: empty on a shared topic, or when the body
     * names the sender (or names no team, which the schema answers for).
     */
    public Optional<Violation> claim(String claimed) {
        if (sender.isEmpty() || claimed == null || Objects.equals(sender.get(), claimed)) {
            return Optional.empty();
        }
        return Optional.of(new Violation("team", "names team '" + claimed + "', but the message came on "
                + record.getTopic() + ", which carries team '" + sender.get() + "' only: each team writes to its own"
                + " topic, and the team of a message is the topic it came on"));
    }

    /** The team the answer to this message goes to: the sender, else the team the body names. */
    public String answerTo(String claimed) {
        return sender.orElse(claimed);
    }

    public CompletionStage<Void> ack() {
        return record.ack();
    }

    /** Sends it, with the reason in its headers, to the dead-letter topic of its sender (or the shared one). */
    public CompletionStage<Void> deadLetter(Throwable reason, String deadLetterTopic) {
        String topic = sender.map(team -> TeamTopics.ofTeam(deadLetterTopic, team)).orElse(deadLetterTopic);
        return record.nack(reason, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic).withKey(record.getKey()).build()));
    }
}
