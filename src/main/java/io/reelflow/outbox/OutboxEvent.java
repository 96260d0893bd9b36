package io.reelflow.outbox;

import java.time.OffsetDateTime;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** An event waiting to be published; written in the same transaction as the state change it reports. */
@Entity
@Table(name = "outbox_event")
public class OutboxEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(generator = "outbox_event_seq")
    @SequenceGenerator(name = "outbox_event_seq", sequenceName = "outbox_event_seq", allocationSize = 50)
    public Long id;

    public UUID eventId;

    /** The trace the event belongs to (W3C traceparent); its publication continues it. */
    public String traceParent;
    public String topic;
    public String messageKey;
    public String eventType;
    public String payload;
    @Column(insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    public OffsetDateTime publishedAt;
    /** Failed sends so far; a passing failure waits longer each time, so it never holds back the events behind it. */
    public int attempts;
    public String lastError;
    @Column(insertable = false)
    public OffsetDateTime nextAttemptAt;
    /** When the event was set aside as one that cannot be published (its reason in {@link #lastError}). */
    public OffsetDateTime setAsideAt;
}
