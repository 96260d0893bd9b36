package io.reelflow.job;

import io.reelflow.provider.FailureKind;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.reelflow.campaign.Batch;
import io.reelflow.campaign.Shot;
import io.reelflow.media.FrameSize;
import io.reelflow.spend.SpendCall;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** One paid render: a shot's draft revision or its final. Its id is the reference sent to the provider. */
@Entity
@Table(name = "job")
public class Job extends PanacheEntityBase {

    @Id
    public UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "shot_id")
    public Shot shot;

    @Enumerated(EnumType.STRING)
    public Stage stage;
    public int revision;
    @Column(name = "parent_revision")
    public Integer parentRevision;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "request_note")
    public String requestNote;
    public String model;
    public String provider;
    public String prompt;
    public int seconds;
    public int width;
    public int height;
    @Enumerated(EnumType.STRING)
    public JobState state;
    @Enumerated(EnumType.STRING)
    @Column(name = "failure_kind")
    public FailureKind failureKind;
    @Column(name = "failure_reason")
    public String failureReason;
    @Column(name = "provider_job_id")
    public String providerJobId;
    public int attempts;
    @Column(name = "last_error")
    public String lastError;
    @Column(name = "next_attempt_at")
    public OffsetDateTime nextAttemptAt;
    @Column(name = "lease_owner")
    public String leaseOwner;
    @Column(name = "lease_until")
    public OffsetDateTime leaseUntil;
    @Column(name = "object_key")
    public String objectKey;
    @Column(name = "poster_key")
    public String posterKey;
    public String sha256;
    /** The provider's file as served, when the stored clip was cut or fitted to the job. */
    @Column(name = "source_sha256")
    public String sourceSha256;
    @Column(name = "size_bytes")
    public Long sizeBytes;
    @Column(name = "probed_seconds")
    public Double probedSeconds;
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
    /** Provider calls this job is made of (more than one for a clip longer than the model makes at once). */
    @Column(name = "segment_count")
    public int segmentCount = 1;
    /** The segment being made now, from 0. */
    @Column(name = "segment_index")
    public int segmentIndex;
    /** Why the job waits in {@code HELD}. */
    @Column(name = "held_reason")
    public String heldReason;
    @Column(name = "submitted_at")
    public OffsetDateTime submittedAt;

    /** The trace of the message or request that made the job (W3C traceparent); its steps continue it. */
    @Column(name = "trace_parent")
    public String traceParent;
    @Column(name = "landed_at")
    public OffsetDateTime landedAt;

    /** The job's current provider call as the spend ledger sees it. */
    public SpendCall spendCall() {
        Batch batch = shot.batch;
        return new SpendCall(id, segmentIndex, batch.team, batch.campaign, batch.batchKey, model, provider,
                new FrameSize(width, height));
    }

    public static java.util.Optional<Job> of(Shot shot, Stage stage, int revision) {
        return find("shot = ?1 and stage = ?2 and revision = ?3", shot, stage, revision).firstResultOptional();
    }

    public static List<Job> ofBatch(Batch batch) {
        return list("shot.batch = ?1 order by shot.position, stage, revision", batch);
    }
}
