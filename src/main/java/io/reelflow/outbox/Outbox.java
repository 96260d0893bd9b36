package io.reelflow.outbox;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.messaging.Published;
import io.reelflow.messaging.TeamTopics;
import io.reelflow.persistence.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * Appends what Reelflow publishes to the transactional outbox, serialized here and nowhere else. Every event is a
 * JSON object with {@code eventId}, {@code type} and {@code occurredAt}; consumers deduplicate by {@code eventId}.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper json;
    private final OutboxRelay relay;
    private final AfterCommit afterCommit;
    private final TeamTopics topics;

    public Outbox(ObjectMapper json, OutboxRelay relay, AfterCommit afterCommit, TeamTopics topics) {
        this.json = json;
        this.relay = relay;
        this.afterCommit = afterCommit;
        this.topics = topics;
    }

    /**
     * Adds a message to the current transaction; it is published only if that transaction commits. An event gets
     * the envelope in its body; a message in another party's format goes as it is, its id in a header.
     */
    @Transactional(TxType.MANDATORY)
    public UUID append(Published message) {
        UUID eventId = UUID.randomUUID();
        JsonNode fields = json.valueToTree(message);
        JsonNode body = fields;
        if (message.enveloped()) {
            ObjectNode envelope = json.createObjectNode();
            envelope.put("eventId", eventId.toString());
            envelope.put("type", message.type());
            envelope.put("occurredAt", OffsetDateTime.now(ZoneOffset.UTC).toString());
            envelope.setAll((ObjectNode) fields);
            body = envelope;
        }
        return write(eventId, topics.of(message.topic(), message.team()), message.key(), message.type(), body);
    }

    private UUID write(UUID eventId, String topic, String key, String type, JsonNode body) {
        OutboxEvent event = new OutboxEvent();
        event.eventId = eventId;
        event.traceParent = io.reelflow.tracing.Traces.current();
        event.topic = topic;
        event.messageKey = key;
        event.eventType = type;
        try {
            event.payload = json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event " + type + " cannot be written as JSON", e);
        }
        event.persist();
        afterCommit.run(relay::wake);
        return eventId;
    }
}
