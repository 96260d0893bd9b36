package io.reelflow.delivery;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.type.TypeReference;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.reelflow.campaign.Batch;
import io.reelflow.campaign.Shot;
import io.reelflow.job.Job;
import io.reelflow.media.Placement;
import io.reelflow.persistence.JsonColumn;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** One placement's file of a shot, cut from one of its masters: no paid call, but leased and retried like a job. */
@Entity
@Table(name = "deliverable")
public class Deliverable extends PanacheEntityBase {

    /** {@code PENDING} until its file is stored ({@code DELIVERED}) or it gave up ({@code FAILED}). */
    public enum State {
        PENDING,
        DELIVERED,
        FAILED
    }

    @Id
    public UUID id;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "shot_id")
    public Shot shot;

    @ManyToOne(fetch = FetchType.LAZY, optional = false)
    @JoinColumn(name = "master_job_id")
    public Job master;

    public String placement;
    /** Where the placement is listed for the shot, from 0. */
    public int position;
    /** The placement as the batch defined it (JSON). */
    public String spec;
    @Enumerated(EnumType.STRING)
    public State state;
    public int attempts;
    public String lastError;
    public OffsetDateTime nextAttemptAt;
    public String leaseOwner;
    public OffsetDateTime leaseUntil;
    public String objectKey;
    public String vttKey;
    public String srtKey;
    public String sha256;
    /** The label of the content credentials the stored file carries; null when it carries none. */
    public String credentials;
    /** What those credentials say, in one line for people. */
    public String credentialsSummary;
    public Long sizeBytes;
    public Double seconds;
    public Integer width;
    public Integer height;
    public Double integratedLufs;
    public Double truePeakDbtp;
    /** How many times the file was made before its sound met the target. */
    public Integer passes;
    @Column(insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    public OffsetDateTime deliveredAt;

    public Placement placement() {
        return JsonColumn.read(spec, new TypeReference<Placement>() { });
    }

    static String spec(Placement placement) {
        return JsonColumn.write(placement);
    }

    public static List<Deliverable> ofShot(Shot shot) {
        return list("shot = ?1 order by position", shot);
    }

    public static List<Deliverable> ofBatch(Batch batch) {
        return list("shot.batch = ?1 order by shot.position, position", batch);
    }
}
