package io.reelflow.manifest;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.reelflow.campaign.Batch;
import io.reelflow.campaign.Brand;
import io.reelflow.campaign.Shot;
import io.reelflow.delivery.Deliverable;
import io.reelflow.job.Job;
import io.reelflow.media.Placement;
import io.reelflow.job.Stage;
import io.reelflow.review.ReviewDecision;
import io.reelflow.storage.ObjectKeys;
import io.reelflow.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes {@code {team}/{campaign}/{batch}/manifest.json}: the batch and, for every shot, its prompt, state, jobs
 * (model, length, size, sha256, object keys, failures), the review decisions applied to it, and its placement files
 * (sha256, size, length, frame size, measured loudness and true peak), and for every stored video whether it carries
 * content credentials.
 */
@ApplicationScoped
public class Manifests {

    private final ObjectStore store;
    private final ObjectMapper json;

    public Manifests(ObjectStore store, ObjectMapper json) {
        this.store = store;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    /** Stores the batch's manifest as it is in the current transaction. */
    public void write(Batch batch) throws JsonProcessingException {
        store.put(batch.manifestKey, json.writeValueAsBytes(manifest(batch)), "application/json");
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
        Brand brand = batch.brand();
        if (brand != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            if (brand.logoUrl() != null) {
                // An inline logo is not copied into the manifest; the picture used is kept at logoKey.
                b.put("logoUrl", brand.logoUrl().startsWith("data:") ? "inline" : brand.logoUrl());
                b.put("logoKey", ObjectKeys.brandLogo(batch.team, batch.campaign, batch.batchKey));
                b.put("corner", brand.corner());
            }
            if (brand.endCard() != null) {
                b.put("endCard", brand.endCard());
            }
            b.put("aiLabel", brand.aiLabel());
            m.put("brand", b);
        }
        Map<Long, List<Map<String, Object>>> jobsByShot = new LinkedHashMap<>();
        for (Job job : Job.ofBatch(batch)) {
            jobsByShot.computeIfAbsent(job.shot.id, k -> new ArrayList<>()).add(job(job));
        }
        Map<Long, List<Map<String, Object>>> decisionsByShot = new LinkedHashMap<>();
        for (ReviewDecision d : ReviewDecision.appliedInBatch(batch)) {
            decisionsByShot.computeIfAbsent(d.shot.id, k -> new ArrayList<>()).add(decision(d));
        }
        Map<Long, List<Map<String, Object>>> deliverablesByShot = new LinkedHashMap<>();
        for (Deliverable d : Deliverable.ofBatch(batch)) {
            deliverablesByShot.computeIfAbsent(d.shot.id, k -> new ArrayList<>()).add(deliverable(d));
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
            s.put("finalReview", shot.finalReview);
            s.put("state", shot.state.name());
            s.put("currentRevision", shot.currentRevision);
            if (shot.closedAt != null) {
                s.put("closedAt", shot.closedAt.toString());
            }
            s.put("jobs", jobsByShot.getOrDefault(shot.id, List.of()));
            s.put("decisions", decisionsByShot.getOrDefault(shot.id, List.of()));
            if (shot.deliverables != null) {
                s.put("placements", shot.placements().stream().map(p -> p.name()).toList());
                s.put("focus", Map.of("x", shot.focus().x(), "y", shot.focus().y()));
                s.put("deliverables", deliverablesByShot.getOrDefault(shot.id, List.of()));
            }
            shots.add(s);
        }
        m.put("shots", shots);
        return m;
    }

    private static Map<String, Object> deliverable(Deliverable d) {
        Map<String, Object> m = new LinkedHashMap<>();
        Placement p = d.placement();
        m.put("placement", d.placement);
        m.put("state", d.state.name());
        m.put("masterJobId", d.master.id);
        m.put("objectKey", d.objectKey);
        m.put("targetLufs", p.targetLufs());
        m.put("truePeakCeilingDbtp", p.truePeakCeiling());
        m.put("burnedCaptions", p.burnCaptions());
        if (d.sha256 != null) {
            m.put("vttKey", d.vttKey);
            m.put("srtKey", d.srtKey);
            m.put("sha256", d.sha256);
            m.put("sizeBytes", d.sizeBytes);
            m.put("seconds", d.seconds);
            m.put("size", d.width + "x" + d.height);
            m.put("integratedLufs", d.integratedLufs);
            m.put("truePeakDbtp", d.truePeakDbtp);
            m.put("deliveredAt", d.deliveredAt.toString());
            m.put("contentCredentials", credentials(d.credentials));
        }
        if (d.lastError != null) {
            m.put("lastError", d.lastError);
        }
        return m;
    }

    /** Whether a stored video carries content credentials, and the label of their manifest when it does. */
    private static Map<String, Object> credentials(String label) {
        return label == null ? Map.of("present", false) : Map.of("present", true, "manifest", label);
    }

    private static Map<String, Object> decision(ReviewDecision d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("decisionId", d.decisionId);
        m.put("revision", d.revision);
        m.put("decision", d.decision);
        m.put("reviewer", d.reviewer);
        m.put("decidedAt", d.decidedAt.toString());
        if ("final".equals(d.stage)) {
            m.put("stage", d.stage);
        }
        if (d.fromSecond != null) {
            m.put("fromSecond", d.fromSecond);
        }
        if (d.keepSeed != null) {
            m.put("keepSeed", d.keepSeed);
        }
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
        if (job.seed != null) {
            j.put("seed", job.seed);
        }
        if (job.stage == Stage.FINAL) {
            j.put("take", job.take);
            j.put("look", job.look);
            j.put("fromSecond", job.startSecond);
            j.put("startFrameKey", job.startFrameKey);
            if (job.startFrameSsim != null) {
                j.put("startFrameSsim", job.startFrameSsim);
                j.put("draftSimilarity", job.draftSimilarity);
                j.put("contactSheetKey", job.contactSheetKey);
            }
        }
        if (job.sha256 != null) {
            j.put("sha256", job.sha256);
            j.put("contentCredentials", credentials(job.credentials));
            j.put("sizeBytes", job.sizeBytes);
            j.put("probedSeconds", job.probedSeconds);
            if (job.sourceSha256 != null) {
                j.put("providerSha256", job.sourceSha256);
            }
            j.put("landedAt", job.landedAt.toString());
        }
        if (job.fallbackNote != null) {
            // The models the job left, and why: "kling-3 -> veo-3.1: kling is paused by the circuit breaker ...".
            j.put("fallbacks", List.of(job.fallbackNote.split("\n")));
        }
        if (job.failureKind != null) {
            Map<String, Object> failure = new LinkedHashMap<>();
            failure.put("kind", job.failureKind.wireName());
            failure.put("reason", job.failureReason);
            if (job.refusedInput != null) {
                failure.put("refusedInput", job.refusedInput);
            }
            j.put("failure", failure);
        }
        return j;
    }
}
