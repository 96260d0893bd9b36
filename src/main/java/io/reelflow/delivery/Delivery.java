package io.reelflow.delivery;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import io.reelflow.campaign.Batch;
import io.reelflow.campaign.BatchChanges;
import io.reelflow.campaign.Shot;
import io.reelflow.job.Job;
import io.reelflow.job.JobView;
import io.reelflow.provenance.ContentCredentials;
import io.reelflow.media.AspectRatio;
import io.reelflow.media.MasterPlan;
import io.reelflow.media.Placement;
import io.reelflow.messaging.VideoEvent;
import io.reelflow.outbox.Outbox;
import io.reelflow.persistence.AfterCommit;
import io.reelflow.storage.ObjectKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

/**
 * A shot's way from signed-off masters to its placement files: one deliverable per placement, each cut from the
 * master of its orientation by the delivery worker; when the last is stored the shot is delivered and
 * {@code ShotDelivered} lists them. A shot without placements is delivered by its final alone.
 */
@ApplicationScoped
public class Delivery {

    private static final Logger LOG = Logger.getLogger(Delivery.class);
    /** The wait before the first retry of a failed file; it doubles with every attempt. */
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final BatchChanges changes;
    private final Outbox outbox;
    private final AfterCommit afterCommit;
    private final DeliveryQueue queue;

    public Delivery(BatchChanges changes, Outbox outbox, AfterCommit afterCommit, DeliveryQueue queue) {
        this.changes = changes;
        this.outbox = outbox;
        this.afterCommit = afterCommit;
        this.queue = queue;
    }

    /** The masters of {@code shot} are signed off: queue its placement files, or deliver it when it has none. */
    @Transactional(TxType.MANDATORY)
    public void start(Shot shot) {
        List<Placement> placements = shot.placements();
        if (placements.isEmpty()) {
            changes.close(shot, Shot.State.DELIVERED);
            return;
        }
        if (shot.state == Shot.State.DELIVERING) {
            return;
        }
        List<AspectRatio> planned = shot.masters();
        Map<AspectRatio, Job> masters = Job.latestFinals(shot).stream()
                .collect(Collectors.toMap(Job::aspect, Function.identity()));
        Batch batch = shot.batch;
        OffsetDateTime now = OffsetDateTime.now();
        for (int i = 0; i < placements.size(); i++) {
            Placement placement = placements.get(i);
            Deliverable d = new Deliverable();
            d.id = UUID.randomUUID();
            d.shot = shot;
            d.master = masters.get(MasterPlan.masterOf(placement, planned));
            d.placement = placement.name();
            d.position = i;
            d.spec = Deliverable.spec(placement);
            d.state = Deliverable.State.PENDING;
            d.nextAttemptAt = now;
            d.objectKey = ObjectKeys.deliverable(batch.team, batch.campaign, batch.batchKey, shot.shotKey,
                    placement.name());
            d.persist();
        }
        shot.state = Shot.State.DELIVERING;
        shot.updatedAt = now;
        afterCommit.run(queue::wake);
    }

    /** The task of a claimed deliverable, read in a short transaction. */
    @Transactional
    public DeliveryTask task(UUID id) {
        Deliverable d = Deliverable.findById(id);
        Shot shot = d.shot;
        Batch batch = shot.batch;
        return new DeliveryTask(d.id, batch.team + "/" + batch.batchKey + "/" + shot.shotKey + " " + d.placement,
                d.master.objectKey, d.objectKey, d.placement(), shot.focus(), shot.cues(), batch.brand(),
                ObjectKeys.brandLogo(batch.team, batch.campaign, batch.batchKey),
                JobView.of(d.master).origin(List.of(new ContentCredentials.Ingredient("master " + d.master.objectKey,
                        "video/mp4", d.master.sha256, "componentOf"))));
    }

    /**
     * Records a stored file; when it was the shot's last, the shot is delivered. Nothing changes when the caller
     * lost its lease (another worker took the file over).
     */
    @Transactional
    public void delivered(UUID id, String owner, DeliveryTask.Made made) {
        Deliverable d = claimed(id, owner);
        if (d == null) {
            return;
        }
        Shot shot = lockShot(d);
        d.state = Deliverable.State.DELIVERED;
        d.vttKey = made.vttKey();
        d.srtKey = made.srtKey();
        d.sha256 = made.sha256();
        if (made.credentials() != null) {
            d.credentials = made.credentials().label();
            d.credentialsSummary = made.credentials().summary();
        }
        d.sizeBytes = made.sizeBytes();
        d.seconds = made.seconds();
        d.width = made.width();
        d.height = made.height();
        d.integratedLufs = made.integratedLufs();
        d.truePeakDbtp = made.truePeakDbtp();
        d.passes = made.passes();
        d.deliveredAt = OffsetDateTime.now();
        d.leaseOwner = null;
        d.leaseUntil = null;
        d.lastError = null;
        List<Deliverable> all = Deliverable.ofShot(shot);
        if (shot.state == Shot.State.DELIVERING && all.stream().allMatch(x -> x.state == Deliverable.State.DELIVERED)) {
            changes.close(shot, Shot.State.DELIVERED);
            Batch batch = shot.batch;
            outbox.append(new VideoEvent.ShotDelivered(batch.team, batch.campaign, batch.batchKey, shot.shotKey,
                    all.stream().map(Delivery::event).toList()));
            LOG.infof("%s/%s/%s delivered: %d placements", batch.team, batch.batchKey, shot.shotKey, all.size());
        }
        changes.touched(shot.batch);
    }

    /** A failed attempt: tried again later, or, after {@code maxAttempts}, the file and its shot fail. */
    @Transactional
    public void failed(UUID id, String owner, String error, int maxAttempts) {
        Deliverable d = claimed(id, owner);
        if (d == null) {
            return;
        }
        d.attempts++;
        d.lastError = error;
        d.leaseOwner = null;
        d.leaseUntil = null;
        if (d.attempts < maxAttempts) {
            d.nextAttemptAt = OffsetDateTime.now().plus(RETRY_AFTER.multipliedBy(1L << (d.attempts - 1)));
            return;
        }
        Shot shot = lockShot(d);
        d.state = Deliverable.State.FAILED;
        if (!shot.state.closed()) {
            changes.close(shot, Shot.State.FAILED);
            Batch batch = shot.batch;
            outbox.append(new VideoEvent.ShotFailed(batch.team, batch.campaign, batch.batchKey, shot.shotKey, d.id,
                    "deliverable", d.master.revision, "delivery-error",
                    "placement " + d.placement + ": " + error, null, null));
        }
        changes.touched(shot.batch);
    }

    private static Deliverable claimed(UUID id, String owner) {
        Deliverable d = Deliverable.findById(id, LockModeType.PESSIMISTIC_WRITE);
        return d != null && d.state == Deliverable.State.PENDING && owner.equals(d.leaseOwner) ? d : null;
    }

    /** The shot, locked: its files finishing side by side must see each other. */
    private static Shot lockShot(Deliverable d) {
        Shot shot = d.shot;
        Shot.getEntityManager().refresh(shot, LockModeType.PESSIMISTIC_WRITE);
        return shot;
    }

    static VideoEvent.Delivered event(Deliverable d) {
        return new VideoEvent.Delivered(d.placement, d.objectKey, d.vttKey, d.srtKey, d.sha256,
                d.sizeBytes == null ? 0 : d.sizeBytes, d.seconds == null ? 0 : d.seconds, d.width + "x" + d.height,
                d.integratedLufs, d.truePeakDbtp, d.master.id);
    }
}
