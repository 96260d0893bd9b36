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
    public String batchKey;
    public String team;
    public String reasons;
    public String payload;
    public String kafkaTopic;
    public Integer kafkaPartition;
    public Long kafkaOffset;
    @Column(insertable = false, updatable = false)
    public OffsetDateTime receivedAt;
}
