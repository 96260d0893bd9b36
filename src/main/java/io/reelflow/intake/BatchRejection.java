package io.reelflow.intake;

import java.time.OffsetDateTime;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A refused batch, kept with its reasons and raw payload. */
@Entity
@Table(name = "batch_rejection")
public class BatchRejection extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "batch_key")
    public String batchKey;
    public String team;
    public String reasons;
    public String payload;
    @Column(name = "kafka_topic")
    public String kafkaTopic;
    @Column(name = "kafka_partition")
    public Integer kafkaPartition;
    @Column(name = "kafka_offset")
    public Long kafkaOffset;
    @Column(name = "received_at", insertable = false, updatable = false)
    public OffsetDateTime receivedAt;
}
