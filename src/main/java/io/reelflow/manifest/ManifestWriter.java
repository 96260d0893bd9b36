package io.reelflow.manifest;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.reelflow.campaign.Batch;
import io.reelflow.campaign.BatchChanges;
import io.reelflow.campaign.Shot;
import io.reelflow.intake.BatchIntake;
import io.reelflow.job.Job;
import io.reelflow.job.JobState;
import io.reelflow.job.Stage;
import io.reelflow.messaging.Topics;
import io.reelflow.outbox.Outbox;
import io.reelflow.review.PromptLibrary;
import io.reelflow.review.ReviewDecision;
import io.reelflow.storage.ObjectStore;
import io.reelflow.util.AfterCommit;
import io.reelflow.util.PollingLoop;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;

/**
 * Keeps {@code {team}/{campaign}/{batch}/manifest.json} current. State changes mark a batch dirty; this
 * writer rewrites the manifest of dirty batches (holding the batch row, so replicas never interleave) at
 * most a few times a second. It publishes {@code BatchDrafted} once every first-round draft of a batch is
 * closed and {@code BatchDelivered} once every shot is closed, each in the transaction that records the
 * manifest saying so. It also rewrites the prompt library exports of campaigns with new approvals.
 */
@ApplicationScoped
public class ManifestWriter {

    private static final Logger LOG = Logger.getLogger(ManifestWriter.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Duration MIN_GAP = Duration.ofMillis(250);
    private static final int BATCHES_PER_PASS = 20;

    private final EntityManager em;
    private final ObjectStore store;
    private final Outbox outbox;
    private final AfterCommit afterCommit;
    private final ObjectMapper json;
    private final PromptLibrary library;
    private final PollingLoop loop;

    public ManifestWriter(EntityManager em, ObjectStore store, Outbox outbox, AfterCommit afterCommit,
            ObjectMapper json, PromptLibrary library) {
        this.library = library;
        this.em = em;
        this.store = store;
        this.outbox = outbox;
        this.afterCommit = afterCommit;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
        this.loop = new PollingLoop("manifest-writer", POLL, MIN_GAP,
                () -> writeDirty() == BATCHES_PER_PASS, LOG);
    }

    void start(@Observes StartupEvent event) {
        loop.start();
    }

    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop(Duration.ofSeconds(10));
    }

    /** Asks for a pass once the current transaction commits. */
    public void wakeAfterCommit() {
        afterCommit.run(loop::wake);
    }

    /** Rewrites the manifests of dirty batches; returns how many were written. */
    int writeDirty() {
        return QuarkusTransaction.requiringNew().call(() -> {
            @SuppressWarnings("unchecked")
            List<Batch> batches = em.createNativeQuery(
                    // NO KEY UPDATE: landings appending batch_change rows (key share on the batch) never wait for
                    // a manifest being written.
                    "select * from batch where manifest_dirty or id in (select batch_id from batch_change)"
                            + " order by id limit :n for no key update skip locked", Batch.class)
                    .setParameter("n", BATCHES_PER_PASS)
                    .getResultList();
            for (Batch batch : batches) {
                write(batch);
            }
            return Math.max(batches.size(), library.exportDirty(BATCHES_PER_PASS));
        });
    }

    private void write(Batch batch) throws JsonProcessingException {
        em.refresh(batch);
        BatchChanges.fold(batch);
        // Set once, under the batch row lock: BatchDrafted is announced exactly once.
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
        store.put(batch.manifestKey, json.writeValueAsBytes(manifest(batch)), "application/json");
        batch.manifestDirty = false;
        if (justDelivered) {
            List<Shot> shots = Shot.ofBatch(batch);
            Map<String, Object> fields = BatchIntake.batchFields(batch);
            fields.put("shots", batch.shotCount);
            fields.put("delivered", shots.stream().filter(s -> s.state == Shot.State.DELIVERED).count());
            fields.put("rejected", shots.stream().filter(s -> s.state == Shot.State.REJECTED).count());
            fields.put("failed", shots.stream().filter(s -> s.state == Shot.State.FAILED).count());
            fields.put("manifestKey", batch.manifestKey);
            outbox.append(Topics.VIDEO_EVENTS, BatchIntake.eventKey(batch), "BatchDelivered", fields);
            LOG.infof("batch %s/%s delivered: manifest at %s", batch.team, batch.batchKey, batch.manifestKey);
        }
        if (justDrafted) {
            List<Job> jobs = Job.ofBatch(batch).stream().filter(j -> j.stage == Stage.DRAFT).toList();
            Map<String, Object> fields = BatchIntake.batchFields(batch);
            fields.put("shots", batch.shotCount);
            fields.put("draftsLanded", jobs.stream().filter(j -> j.state == JobState.LANDED).count());
            fields.put("draftsFailed", jobs.stream().filter(j -> j.state == JobState.FAILED).count());
            fields.put("manifestKey", batch.manifestKey);
            outbox.append(Topics.VIDEO_EVENTS, BatchIntake.eventKey(batch), "BatchDrafted", fields);
            LOG.infof("batch %s/%s drafted: manifest at %s", batch.team, batch.batchKey, batch.manifestKey);
        }
    }

    private Map<String, Object> manifest(Batch batch) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("team", batch.team);
        m.put("campaign", batch.campaign);
        m.put("batchId", batch.batchKey);
        m.put("state", batch.state.name());
        m.put("bucket", store.bucket());
        m.put("createdAt", batch.createdAt == null ? null : batch.createdAt.toString());
        m.put("updatedAt", OffsetDateTime.now().toString());
        m.put("reviewPolicy", batch.reviewPolicy);
        m.put("draftModel", batch.draftModel);
        m.put("finalModel", batch.finalModel);
        if (batch.budgetUsd != null) {
            m.put("budgetUsd", batch.budgetUsd);
        }
        Map<Long, List<Map<String, Object>>> jobsByShot = new LinkedHashMap<>();
        for (Job job : Job.ofBatch(batch)) {
            jobsByShot.computeIfAbsent(job.shot.id, k -> new ArrayList<>()).add(job(job));
        }
        Map<Long, List<Map<String, Object>>> decisionsByShot = new LinkedHashMap<>();
        for (ReviewDecision d : ReviewDecision.appliedInBatch(batch)) {
            decisionsByShot.computeIfAbsent(d.shot.id, k -> new ArrayList<>()).add(decision(d));
        }
        List<Map<String, Object>> shots = new ArrayList<>();
        for (Shot shot : Shot.ofBatch(batch)) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("shotId", shot.shotKey);
            s.put("prompt", shot.prompt);
            s.put("aspectRatio", shot.aspectRatio);
            if (shot.referenceImageUrl != null) {
                s.put("referenceImageUrl", shot.referenceImageUrl);
            }
            s.put("reviewPolicy", shot.reviewPolicy);
            s.put("state", shot.state.name());
            s.put("currentRevision", shot.currentRevision);
            if (shot.closedAt != null) {
                s.put("closedAt", shot.closedAt.toString());
            }
            s.put("jobs", jobsByShot.getOrDefault(shot.id, List.of()));
            s.put("decisions", decisionsByShot.getOrDefault(shot.id, List.of()));
            shots.add(s);
        }
        m.put("shots", shots);
        return m;
    }

    private static Map<String, Object> decision(ReviewDecision d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decisionId", d.decisionId);
        m.put("revision", d.revision);
        m.put("decision", d.decision);
        m.put("reviewer", d.reviewer);
        m.put("decidedAt", d.decidedAt.toString());
        if (d.note != null) {
            m.put("note", d.note);
        }
        if (d.revisedPrompt != null) {
            m.put("revisedPrompt", d.revisedPrompt);
        }
        return m;
    }

    private static Map<String, Object> job(Job job) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("jobId", job.id);
        j.put("stage", job.stage.name().toLowerCase());
        j.put("revision", job.revision);
        if (job.parentRevision != null) {
            j.put("fromRevision", job.parentRevision);
            j.put("requestedBy", job.requestedBy);
            if (job.requestNote != null) {
                j.put("requestNote", job.requestNote);
            }
        }
        j.put("prompt", job.prompt);
        j.put("state", job.state.name());
        j.put("model", job.model);
        j.put("provider", job.provider);
        j.put("seconds", job.seconds);
        j.put("size", job.width + "x" + job.height);
        j.put("objectKey", job.objectKey);
        j.put("posterKey", job.posterKey);
        if (job.segmentCount > 1) {
            j.put("segments", job.segmentCount);
        }
        if (job.sha256 != null) {
            j.put("sha256", job.sha256);
            j.put("sizeBytes", job.sizeBytes);
            j.put("probedSeconds", job.probedSeconds);
            if (job.sourceSha256 != null) {
                j.put("providerSha256", job.sourceSha256);
            }
            j.put("landedAt", job.landedAt.toString());
        }
        if (job.failureKind != null) {
            j.put("failure", Map.of("kind", job.failureKind.wireName(), "reason", job.failureReason));
        }
        return j;
    }
}
