package io.reelflow.lifecycle;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reelflow.background.PollingLoop;
import io.reelflow.campaign.Batch;
import io.reelflow.campaign.BatchChanges;
import io.reelflow.campaign.Shot;
import io.reelflow.job.Job;
import io.reelflow.job.JobState;
import io.reelflow.job.Stage;
import io.reelflow.manifest.Manifests;
import io.reelflow.messaging.VideoEvent;
import io.reelflow.outbox.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.EntityManager;

/**
 * A batch's life after intake: {@code DRAFTING → DRAFTED → DELIVERED}. Changes to a batch (landings, failures,
 * decisions) are appended as batch changes; this pass folds them into the batch row (holding it, so replicas
 * never interleave), announces {@code BatchDrafted} once every first-round draft is closed and
 * {@code BatchDelivered} once every shot is closed, and rewrites the manifest, each in one transaction, at most a
 * few times a second. A busy batch's manifest is rewritten at most once a {@link #MANIFEST_PACE} per
 * {@link #SHOTS_PER_PACE} shots it lists (a 500-shot batch every 5 s: its manifest is rewritten whole each
 * time, so the cost of keeping it current stays in proportion to what changes, not to the batch's size); the
 * turning points, drafted and delivered, are written at once.
 */
@ApplicationScoped
public class BatchLifecycle {

    private static final Logger LOG = Logger.getLogger(BatchLifecycle.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration MIN_GAP = Duration.ofMillis(250);
    private static final int BATCHES_PER_PASS = 20;
    static final Duration MANIFEST_PACE = Duration.ofSeconds(1);
    static final int SHOTS_PER_PACE = 100;

    private final EntityManager em;
    private final BatchChanges changes;
    private final Manifests manifests;
    private final Outbox outbox;
    private final PollingLoop loop;

    public BatchLifecycle(EntityManager em, BatchChanges changes, Manifests manifests, Outbox outbox) {
        this.em = em;
        this.changes = changes;
        this.manifests = manifests;
        this.outbox = outbox;
        this.loop = new PollingLoop("batch-lifecycle", POLL, MIN_GAP, () -> pass() == BATCHES_PER_PASS, LOG);
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop(Duration.ofSeconds(10));
    }

    /** A batch changed: look at it as soon as the change is committed. */
    void changed(@Observes(during = TransactionPhase.AFTER_SUCCESS) BatchChanges.Changed change) {
        loop.wake();
    }

    /** Brings up to date the batches with changes or an out-of-date manifest; returns how many. */
    int pass() {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<Batch> batches = changes.takeChanged(BATCHES_PER_PASS, MANIFEST_PACE, SHOTS_PER_PACE);
            for (Batch batch : batches) {
                update(batch);
            }
            return batches.size();
        });
    }

    private void update(Batch batch) throws JsonProcessingException {
        em.refresh(batch);
        changes.fold(batch);
        // Set once, under the batch row lock: each is announced exactly once.
        boolean justDrafted = batch.draftsOpen <= 0 && batch.draftedAt == null;
        if (justDrafted) {
            batch.state = Batch.State.DRAFTED;
            batch.draftedAt = OffsetDateTime.now();
        }
        boolean justDelivered = batch.shotsOpen <= 0 && batch.deliveredAt == null;
        if (justDelivered) {
            batch.state = Batch.State.DELIVERED;
            batch.deliveredAt = OffsetDateTime.now();
        }
        OffsetDateTime now = OffsetDateTime.now();
        boolean due = justDrafted || justDelivered || batch.manifestWrittenAt == null
                || !batch.manifestWrittenAt.isAfter(now.minus(pace(batch)));
        if (due) {
            manifests.write(batch);
            batch.manifestWrittenAt = now;
        }
        // A manifest not yet due is written by a later pass, once its pace allows.
        batch.manifestDirty = !due;
        if (justDelivered) {
            List<Shot> shots = Shot.ofBatch(batch);
            outbox.append(new VideoEvent.BatchDelivered(batch.team, batch.campaign, batch.batchKey, batch.shotCount,
                    count(shots, Shot.State.DELIVERED), count(shots, Shot.State.REJECTED),
                    count(shots, Shot.State.FAILED), batch.manifestKey));
            LOG.infof("batch %s/%s delivered: manifest at %s", batch.team, batch.batchKey, batch.manifestKey);
        }
        if (justDrafted) {
            List<Job> drafts = Job.ofBatch(batch).stream().filter(j -> j.stage == Stage.DRAFT).toList();
            outbox.append(new VideoEvent.BatchDrafted(batch.team, batch.campaign, batch.batchKey, batch.shotCount,
                    drafts.stream().filter(j -> j.state == JobState.LANDED).count(),
                    drafts.stream().filter(j -> j.state == JobState.FAILED).count(), batch.manifestKey));
            LOG.infof("batch %s/%s drafted: manifest at %s", batch.team, batch.batchKey, batch.manifestKey);
        }
    }

    /** How long a busy batch's manifest stays as written: {@link #MANIFEST_PACE} per started hundred shots. */
    static Duration pace(Batch batch) {
        return MANIFEST_PACE.multipliedBy(Math.max(1, (batch.shotCount + SHOTS_PER_PACE - 1) / SHOTS_PER_PACE));
    }

    private static long count(List<Shot> shots, Shot.State state) {
        return shots.stream().filter(s -> s.state == state).count();
    }
}
