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
import jakarta.persistence.LockModeType;
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

    /** The shot's team and batch, kept on the job so that claims can share slots fairly without a join. */
    public String team;
    @jakarta.persistence.Column(name = "batch_id")
    public long batchId;

    @Enumerated(EnumType.STRING)
    public Stage stage;
    public int revision;
    public Integer parentRevision;
    public String requestedBy;
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
    public FailureKind failureKind;
    public String failureReason;
    public String providerJobId;
    public int attempts;
    public String lastError;
    public OffsetDateTime nextAttemptAt;
    public String leaseOwner;
    public OffsetDateTime leaseUntil;
    public String objectKey;
    public String posterKey;
    public String sha256;
    /** The provider's file as served, when the stored clip was cut or fitted to the job. */
    public String sourceSha256;
    public Long sizeBytes;
    public Double probedSeconds;
    @Column(insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    public OffsetDateTime updatedAt;
    /** Provider calls this job is made of (more than one for a clip longer than the model makes at once). */
    public int segmentCount = 1;
    /** The segment being made now, from 0. */
    public int segmentIndex;
    /** Why the job waits in {@code HELD}. */
    public String heldReason;
    public OffsetDateTime submittedAt;

    /** The trace of the message or request that made the job (W3C traceparent); its steps continue it. */
    public String traceParent;
    public OffsetDateTime landedAt;

    /** The seed the model was asked to use (null for models that take none). */
    public Long seed;
    /** 1 for a shot's first final; a retake of a rejected final is the next take. */
    public int take = 1;
    /** A final's approved draft (its object key) and the second of it that the final starts from. */
    public String startFromKey;
    public Double startSecond;
    /** The approved frame as sent to the model, scaled to the final's frame. */
    public String startFrameKey;
    /** {@code carried}: the final starts from the approved frame; {@code re-roll}: its model takes no image. */
    public String look;
    /** How alike the final's first frame is to the approved frame, and its first seconds to the draft (SSIM). */
    public Double startFrameSsim;
    public Double draftSimilarity;
    /** The draft's frames above the final's, at the same seconds. */
    public String contactSheetKey;
    /** Models of the job's route not tried yet, comma separated in order; null when none are left. */
    public String fallbacks;
    /** Why the job left each model it moved away from, one line per move. */
    public String fallbackNote;
    /** The key of the latest create attempt. */
    public String createKey;
    /** What a moderation refusal was about, where the provider said: prompt, image or output. */
    public String refusedInput;
    /** The label of the content credentials the stored file carries; null when it carries none. */
    public String credentials;
    /** What those credentials say, in one line for people. */
    public String credentialsSummary;

    /** The job's current provider call as the spend ledger sees it. */
    public SpendCall spendCall() {
        Batch batch = shot.batch;
        return new SpendCall(id, segmentIndex, batch.team, batch.campaign, batch.batchKey, model, provider,
                new FrameSize(width, height));
    }

    /** The orientation of the job's frame. */
    public io.reelflow.media.AspectRatio aspect() {
        return width > height ? io.reelflow.media.AspectRatio.LANDSCAPE : io.reelflow.media.AspectRatio.PORTRAIT;
    }

    /**
     * The job with its shot and batch, read in one statement (a step, its log lines and its events read all three);
     * with {@code lock}, the job's row alone is locked ({@code for no key update of} it: the shot and the batch,
     * shared by many jobs, are not).
     */
    public static java.util.Optional<Job> withShot(UUID id, LockModeType lock) {
        return getEntityManager()
                .createQuery("select j from Job j join fetch j.shot s join fetch s.batch where j.id = :id", Job.class)
                .setParameter("id", id).setLockMode(lock).getResultStream().findFirst();
    }

    /** The job of {@code shot} at {@code stage} and {@code revision} (the latest take of a final). */
    public static java.util.Optional<Job> of(Shot shot, Stage stage, int revision) {
        return find("shot = ?1 and stage = ?2 and revision = ?3 order by take desc", shot, stage, revision)
                .firstResultOptional();
    }

    /** The latest take of each of the shot's masters (finals of one orientation), in the order they were made. */
    public static List<Job> latestFinals(Shot shot) {
        java.util.Map<io.reelflow.media.AspectRatio, Job> latest = new java.util.LinkedHashMap<>();
        for (Job job : Job.<Job>list("shot = ?1 and stage = ?2 order by take, createdAt", shot, Stage.FINAL)) {
            latest.put(job.aspect(), job);
        }
        return List.copyOf(latest.values());
    }

    public static List<Job> ofBatch(Batch batch) {
        return list("shot.batch = ?1 order by shot.position, stage, revision, take", batch);
    }
}
