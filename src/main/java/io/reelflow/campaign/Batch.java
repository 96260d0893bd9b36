package io.reelflow.campaign;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Optional;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A campaign batch as accepted: the sender's batch id is unique per team and makes re-sends no-ops. */
@Entity
@Table(name = "batch")
public class Batch extends PanacheEntityBase {

    /** Where a batch is in its life. */
    public enum State {
        DRAFTING,
        DRAFTED,
        DELIVERED
    }

    @Id
    @GeneratedValue(generator = "batch_seq")
    @SequenceGenerator(name = "batch_seq", sequenceName = "batch_seq", allocationSize = 50)
    public Long id;

    public String team;
    public String campaign;
    @Column(name = "batch_key")
    public String batchKey;
    @Column(name = "aspect_ratio")
    public String aspectRatio;
    @Column(name = "draft_model")
    public String draftModel;
    @Column(name = "final_model")
    public String finalModel;
    @Column(name = "budget_usd")
    public BigDecimal budgetUsd;
    @Column(name = "payload_sha256")
    public String payloadSha256;
    @Enumerated(EnumType.STRING)
    public State state;
    @Column(name = "shot_count")
    public int shotCount;
    @Column(name = "drafts_open")
    public int draftsOpen;
    @Column(name = "shots_open")
    public int shotsOpen;
    @Column(name = "review_policy")
    public String reviewPolicy;
    @Column(name = "manifest_dirty")
    public boolean manifestDirty;
    @Column(name = "manifest_key")
    public String manifestKey;
    @Column(name = "drafted_at")
    public OffsetDateTime draftedAt;
    @Column(name = "delivered_at")
    public OffsetDateTime deliveredAt;
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    public static Optional<Batch> findByKey(String team, String batchKey) {
        return find("team = ?1 and batchKey = ?2", team, batchKey).firstResultOptional();
    }
}
