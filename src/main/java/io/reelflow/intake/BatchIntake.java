package io.reelflow.intake;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.reelflow.campaign.Batch;
import io.reelflow.campaign.Shot;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.intake.CampaignBatch.ShotRequest;
import io.reelflow.job.Job;
import io.reelflow.job.JobFactory;
import io.reelflow.media.FrameSize;
import io.reelflow.messaging.Rejected;
import io.reelflow.messaging.VideoEvent;
import io.reelflow.outbox.Outbox;
import io.reelflow.provider.ModelCatalog;
import io.reelflow.spend.Budgets;
import io.reelflow.spend.Pricing;
import io.reelflow.storage.Hashing;
import io.reelflow.storage.ObjectKeys;
import io.reelflow.validation.Violation;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

/** Stores an accepted batch (batch, shots, one draft job per shot) or a rejection, each in one transaction. */
@ApplicationScoped
public class BatchIntake {

    private static final Logger LOG = Logger.getLogger(BatchIntake.class);

    /** What became of a received batch. */
    public enum Outcome {
        ACCEPTED,
        DUPLICATE,
        REJECTED
    }

    /** Where a message came from, kept with rejections. */
    public record Source(String topic, Integer partition, Long offset) {
    }

    private final ReelflowConfig config;
    private final Outbox outbox;
    private final ObjectMapper json;
    private final JobFactory jobs;
    private final Budgets budgets;
    private final Pricing pricing;
    private final ModelCatalog catalog;

    public BatchIntake(ReelflowConfig config, Outbox outbox, ObjectMapper json, JobFactory jobs, Budgets budgets,
            Pricing pricing, ModelCatalog catalog) {
        this.budgets = budgets;
        this.pricing = pricing;
        this.catalog = catalog;
        this.config = config;
        this.outbox = outbox;
        this.json = json;
        this.jobs = jobs;
    }

    @Transactional
    public Outcome accept(CampaignBatch request, String rawPayload, Source source) {
        String fingerprint = fingerprint(request);
        var existing = Batch.findByKey(request.team(), request.batchId());
        if (existing.isPresent()) {
            if (existing.get().payloadSha256.equals(fingerprint)) {
                LOG.infof("batch %s/%s received again; nothing new to do", request.team(), request.batchId());
                return Outcome.DUPLICATE;
            }
            reject(request.batchId(), request.team(), List.of(new Violation("batchId",
                    "batch id '" + request.batchId() + "' was already accepted for team '" + request.team()
                            + "' with different content; choose a new batch id")),
                    rawPayload, source);
            return Outcome.REJECTED;
        }

        Batch batch = new Batch();
        batch.team = request.team();
        batch.campaign = request.campaign();
        batch.batchKey = request.batchId();
        batch.aspectRatio = request.aspectRatio().wireName();
        batch.draftModel = request.draftModel();
        batch.finalModel = request.finalModel();
        batch.draftFallbacks = Batch.joinFallbacks(request.draftRoute());
        batch.finalFallbacks = Batch.joinFallbacks(request.finalRoute());
        batch.credentialsPrompt = request.promptInCredentials();
        batch.budgetUsd = request.budgetUsd();
        batch.payloadSha256 = fingerprint;
        batch.state = Batch.State.DRAFTING;
        batch.shotCount = request.shots().size();
        batch.draftsOpen = request.shots().size();
        batch.shotsOpen = request.shots().size();
        batch.reviewPolicy = request.reviewPolicy().wireName();
        batch.brandJson = request.brand() == null ? null : request.brand().json();
        batch.manifestDirty = true;
        batch.manifestKey = ObjectKeys.manifest(batch.team, batch.campaign, batch.batchKey);
        batch.persist();

        BigDecimal drafts = BigDecimal.ZERO;
        BigDecimal finals = BigDecimal.ZERO;
        int finalCount = 0;
        int secondMasters = 0;
        int deliverables = 0;
        ReelflowConfig.Render.Profile finalProfile = config.render().finalCut();
        for (int position = 0; position < request.shots().size(); position++) {
            ShotRequest s = request.shots().get(position);
            Shot shot = new Shot();
            shot.batch = batch;
            shot.shotKey = s.shotId();
            shot.position = position;
            shot.prompt = s.prompt();
            shot.aspectRatio = s.aspectRatio().wireName();
            shot.referenceImageUrl = s.referenceImageUrl();
            shot.referenceImageFit = s.referenceImageFit();
            shot.state = Shot.State.DRAFTING;
            shot.reviewPolicy = s.reviewPolicy().wireName();
            shot.finalReview = s.finalReview();
            shot.deliver(s.deliverables(), s.focus(), s.captions());
            shot.currentRevision = 1;
            shot.updatedAt = OffsetDateTime.now();
            shot.persist();
            Job draft = jobs.draft(shot, 1, s.prompt(), null, null, null, null);
            drafts = drafts.add(pricing.job(draft.model, draft.seconds, new FrameSize(draft.width, draft.height)));
            for (var master : s.masters()) {
                finals = finals.add(pricing.job(batch.finalModel, finalProfile.seconds(), finalProfile.frame(master)));
            }
            finalCount += s.masters().size();
            secondMasters += s.masters().size() - 1;
            deliverables += s.deliverables().size();
        }
        if (batch.budgetUsd != null) {
            // Last, so the campaign's budget lock (which reservations of the campaign wait for) is held only briefly.
            budgets.setCampaignBudget(batch.team, batch.campaign, batch.budgetUsd);
        }
        outbox.append(new VideoEvent.BatchAccepted(batch.team, batch.campaign, batch.batchKey, batch.shotCount,
                batch.draftModel, batch.finalModel, config.render().draft().seconds(), batch.reviewPolicy,
                batch.manifestKey, new VideoEvent.Estimate(drafts, finals, drafts.add(finals),
                        catalog.takesImage(batch.finalModel) ? "carried" : "re-roll", finalCount, secondMasters,
                        deliverables), batch.budgetUsd));
        LOG.infof("batch %s/%s accepted: campaign %s, %d shots, draft model %s", batch.team, batch.batchKey,
                batch.campaign, batch.shotCount, batch.draftModel);
        return Outcome.ACCEPTED;
    }

    /**
     * Keeps a refused batch with its reasons and answers it on {@code campaign-batches-rejected}: once per Kafka
     * message (a message taken in again is not answered again).
     */
    @Transactional
    public Outcome reject(String batchId, String team, List<Violation> violations, String rawPayload, Source source) {
        if (source.topic() != null && BatchRejection.count("kafkaTopic = ?1 and kafkaPartition = ?2 and kafkaOffset = ?3",
                source.topic(), source.partition(), source.offset()) > 0) {
            // Taken in again after a crash before its offset was committed: answered already, under its first event.
            LOG.infof("batch %s (team %s) at %s-%d@%d was rejected and answered before", batchId, team, source.topic(),
                    source.partition(), source.offset());
            return Outcome.REJECTED;
        }
        BatchRejection rejection = new BatchRejection();
        rejection.batchKey = batchId;
        rejection.team = team;
        rejection.reasons = write(violations);
        rejection.payload = rawPayload;
        rejection.kafkaTopic = source.topic();
        rejection.kafkaPartition = source.partition();
        rejection.kafkaOffset = source.offset();
        rejection.persist();

        outbox.append(new Rejected.BatchRejected(batchId, team, violations, rawPayload));
        LOG.infof("batch %s (team %s) rejected: %s", batchId, team, violations);
        return Outcome.REJECTED;
    }

    private String fingerprint(CampaignBatch request) {
        return Hashing.sha256Hex(write(request));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
