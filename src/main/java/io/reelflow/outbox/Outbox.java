package io.reelflow.outbox;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.util.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * Appends events to the transactional outbox. Every event is a JSON object with {@code eventId},
 * {@code type} and {@code occurredAt}; consumers deduplicate by {@code eventId}.
 */
@ApplicationScoped
public class Outbox {

    private final ObjectMapper json;
    private final OutboxRelay relay;
    private final AfterCommit afterCommit;

    public Outbox(ObjectMapper json, OutboxRelay relay, AfterCommit afterCommit) {
        this.json = json;
        this.relay = relay;
        this.afterCommit = afterCommit;
    }

    /** Adds an event to the current transaction; it is published only if that transaction commits. */
    @Transactional(TxType.MANDATORY)
    public UUID append(String topic, String key, String type, Map<String, Object> fields) {
        UUID eventId = UUID.randomUUID();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("eventId", eventId);
        body.put("type", type);
        body.put("occurredAt", OffsetDateTime.now(ZoneOffset.UTC).toString());
        body.putAll(fields);
        return write(eventId, topic, key, type, body);
    }

    /**
     * Adds a message in another party's format (no event envelope; its id travels in the {@code event-id}
     * header), such as an automatic reviewer's decision on {@code draft-reviews}.
     */
    @Transactional(TxType.MANDATORY)
    public UUID appendMessage(String topic, String key, String type, Map<String, Object> body) {
        return write(UUID.randomUUID(), topic, key, type, body);
    }

    private UUID write(UUID eventId, String topic, String key, String type, Map<String, Object> body) {
        OutboxEvent event = new OutboxEvent();
        event.eventId = eventId;
        event.traceParent = io.reelflow.util.Traces.current();
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
