package io.reelflow.intake;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import io.reelflow.media.Resolution;
import io.reelflow.spend.Budgets;
import io.reelflow.spend.Pricing;
import io.reelflow.messaging.Topics;
import io.reelflow.outbox.Outbox;
import io.reelflow.storage.ObjectKeys;
import io.reelflow.util.Hashing;
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

    public BatchIntake(ReelflowConfig config, Outbox outbox, ObjectMapper json, JobFactory jobs, Budgets budgets,
            Pricing pricing) {
        this.budgets = budgets;
        this.pricing = pricing;
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
        batch.budgetUsd = request.budgetUsd();
        batch.payloadSha256 = fingerprint;
        batch.state = Batch.State.DRAFTING;
        batch.shotCount = request.shots().size();
        batch.draftsOpen = request.shots().size();
        batch.shotsOpen = request.shots().size();
        batch.reviewPolicy = request.reviewPolicy().wireName();
        batch.manifestDirty = true;
        batch.manifestKey = ObjectKeys.manifest(batch.team, batch.campaign, batch.batchKey);
        batch.persist();
        if (batch.budgetUsd != null) {
            budgets.setCampaignBudget(batch.team, batch.campaign, batch.budgetUsd);
        }

        int position = 0;
        java.math.BigDecimal drafts = java.math.BigDecimal.ZERO;
        java.math.BigDecimal finals = java.math.BigDecimal.ZERO;
        for (ShotRequest s : request.shots()) {
            Shot shot = new Shot();
            shot.batch = batch;
            shot.shotKey = s.shotId();
            shot.position = position++;
            shot.prompt = s.prompt();
            shot.aspectRatio = s.aspectRatio().wireName();
            shot.referenceImageUrl = s.referenceImageUrl();
            shot.referenceImageFit = s.referenceImageFit();
            shot.state = Shot.State.DRAFTING;
            shot.reviewPolicy = s.reviewPolicy().wireName();
            shot.currentRevision = 1;
            shot.updatedAt = OffsetDateTime.now();
            shot.persist();
            Job draft = jobs.draft(shot, 1, s.prompt(), null, null, null);
            drafts = drafts.add(pricing.job(draft.model, draft.seconds, new FrameSize(draft.width, draft.height)));
            FrameSize high = FrameSize.of(Resolution.valueOf(config.render().finalCut().resolution()
                    .toUpperCase(java.util.Locale.ROOT)), s.aspectRatio());
            finals = finals.add(pricing.job(batch.finalModel, config.render().finalCut().seconds(), high));
        }

        Map<String, Object> fields = batchFields(batch);
        fields.put("shots", batch.shotCount);
        fields.put("draftModel", batch.draftModel);
        fields.put("finalModel", batch.finalModel);
        fields.put("draftSeconds", config.render().draft().seconds());
        fields.put("reviewPolicy", batch.reviewPolicy);
        fields.put("manifestKey", batch.manifestKey);
        fields.put("estimate", Map.of("draftsUsd", drafts, "finalsIfAllApprovedUsd", finals,
                "totalIfAllApprovedUsd", drafts.add(finals)));
        if (batch.budgetUsd != null) {
            fields.put("campaignBudgetUsd", batch.budgetUsd);
        }
        outbox.append(Topics.VIDEO_EVENTS, eventKey(batch), "BatchAccepted", fields);
        LOG.infof("batch %s/%s accepted: campaign %s, %d shots, draft model %s", batch.team, batch.batchKey,
                batch.campaign, batch.shotCount, batch.draftModel);
        return Outcome.ACCEPTED;
    }

    /** Keeps a refused batch with its reasons and answers it on {@code campaign-batches-rejected}. */
    @Transactional
    public Outcome reject(String batchId, String team, List<Violation> violations, String rawPayload, Source source) {
        BatchRejection rejection = new BatchRejection();
        rejection.batchKey = batchId;
        rejection.team = team;
        rejection.reasons = write(violations);
        rejection.payload = rawPayload;
        rejection.kafkaTopic = source.topic();
        rejection.kafkaPartition = source.partition();
        rejection.kafkaOffset = source.offset();
        rejection.persist();

        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("batchId", batchId);
        fields.put("team", team);
        fields.put("reasons", violations);
        fields.put("payload", rawPayload);
        outbox.append(Topics.CAMPAIGN_BATCHES_REJECTED, batchId, "BatchRejected", fields);
        LOG.infof("batch %s (team %s) rejected: %s", batchId, team, violations);
        return Outcome.REJECTED;
    }

    /** The fields every event about a batch carries. */
    public static Map<String, Object> batchFields(Batch batch) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("team", batch.team);
        fields.put("campaign", batch.campaign);
        fields.put("batchId", batch.batchKey);
        return fields;
    }

    /** Events of one batch share a key, so they stay in order on one partition. */
    public static String eventKey(Batch batch) {
        return batch.team + "/" + batch.batchKey;
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
