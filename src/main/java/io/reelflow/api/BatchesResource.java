package io.reelflow.api;

import java.net.URI;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.advice.PromptAdvisor;
import io.reelflow.campaign.Batch;
import io.reelflow.campaign.BatchChanges;
import io.reelflow.campaign.Shot;
import io.reelflow.config.ReelflowConfig;
import io.reelflow.delivery.Deliverable;
import io.reelflow.intake.BatchValidator;
import io.reelflow.intake.CampaignBatch;
import io.reelflow.validation.Violation;
import io.reelflow.job.Job;
import io.reelflow.job.JobState;
import io.reelflow.job.Stage;
import io.reelflow.messaging.SubmittedBatch;
import io.reelflow.outbox.Outbox;
import io.reelflow.provider.ModelCatalog;
import io.reelflow.storage.ObjectStore;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Batches, their shots and jobs, for the caller's team only. A submission is validated as on Kafka and then goes
 * the same way: it is written to the outbox and published on {@code campaign-batches}, where the intake consumer
 * takes it.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Batches", description = "Campaign batches, shots, jobs and review decisions")
public class BatchesResource {

    private final Caller caller;
    private final BatchValidator batches;
    private final Outbox outbox;
    private final BatchChanges changes;
    private final ObjectMapper json;
    private final ObjectStore store;
    private final ReelflowConfig config;
    private final ModelCatalog catalog;

    public BatchesResource(Caller caller, BatchValidator batches, Outbox outbox, BatchChanges changes,
            ObjectMapper json, ObjectStore store, ReelflowConfig config, ModelCatalog catalog) {
        this.catalog = catalog;
        this.changes = changes;
        this.caller = caller;
        this.batches = batches;
        this.outbox = outbox;
        this.json = json;
        this.store = store;
        this.config = config;
    }

    @POST
    @Path("/batches")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Submit a campaign batch", description = "Validated as on campaign-batches, then published"
            + " there; answered 202 with the batch's location and advice on its prompts. The team is the API key's.")
    public Response submit(byte[] body, @Context HttpHeaders headers) {
        String team = caller.team(Role.SUBMITTER);
        ObjectNode root = JsonBody.object(json, body, headers.getMediaType(), "batch");
        JsonNode given = root.get("team");
        if (given != null && !given.isNull() && !team.equals(given.asText())) {
            throw new ApiException(403, "Forbidden", "a batch is submitted for the API key's own team",
                    List.of(new Violation("team", "must be absent or '" + team + "' (the team of your API key)")));
        }
        root.put("team", team);
        BatchValidator.Result result = batches.validate(root);
        if (!result.valid()) {
            throw ApiException.invalid("the batch has " + result.violations().size() + " problem(s)",
                    result.violations());
        }
        CampaignBatch batch = result.batch();
        outbox.append(new SubmittedBatch(team, batch.batchId(), root));
        int seconds = config.render().draft().seconds();
        List<Views.ShotAdvice> advice = new ArrayList<>();
        for (CampaignBatch.ShotRequest shot : batch.shots()) {
            List<PromptAdvisor.Advice> a = PromptAdvisor.advise(shot.prompt(), seconds);
            if (!a.isEmpty()) {
                advice.add(new Views.ShotAdvice(shot.shotId(), a));
            }
        }
        String location = location(batch.batchId());
        boolean carries = catalog.takesImage(batch.finalModel());
        return Response.accepted(new Views.Submitted(batch.batchId(), team, location, location + "/events", advice,
                carries ? "carried" : "re-roll", carries ? null : "model '" + batch.finalModel() + "' takes no image:"
                        + " its finals will be fresh rolls of the approved prompts, not the approved looks; choose a"
                        + " final model that takes a reference image to keep them"))
                .location(URI.create(location)).build();
    }

    @GET
    @Path("/batches")
    @Transactional
    @Operation(summary = "The team's batches, newest first, with their progress")
    public List<Views.BatchSummary> list() {
        List<Batch> found = Batch.find("team = ?1 order by createdAt desc", caller.team()).page(0, 200).list();
        Map<Long, BatchChanges.Pending> open = changes.open(found.stream().map(b -> b.id).toList());
        return found.stream().map(b -> summary(b, open.getOrDefault(b.id,
                new BatchChanges.Pending(b.draftsOpen, b.shotsOpen)))).toList();
    }

    @GET
    @Path("/batches/{batchId}")
    @Transactional
    @Operation(summary = "A batch with its shots, draft revisions and final, and short-lived links to their files")
    public Views.BatchDetail batch(@PathParam("batchId") String batchId) {
        Batch batch = batch(caller.team(), batchId);
        List<Shot> shots = Shot.list("batch = ?1 order by position", batch);
        List<Job> jobs = Job.ofBatch(batch);
        int seconds = config.render().draft().seconds();
        Map<Long, List<Views.DeliverableView>> files = new java.util.HashMap<>();
        for (Deliverable d : Deliverable.ofBatch(batch)) {
            files.computeIfAbsent(d.shot.id, k -> new ArrayList<>()).add(view(d));
        }
        List<Views.ShotView> views = new ArrayList<>();
        for (Shot shot : shots) {
            List<Views.JobView> drafts = new ArrayList<>();
            Views.JobView finalCut = null;
            Views.JobView secondMaster = null;
            String prompt = shot.prompt;
            for (Job job : jobs) {
                if (!job.shot.id.equals(shot.id)) {
                    continue;
                }
                if (job.stage == Stage.DRAFT) {
                    drafts.add(view(job));
                    if (job.revision == shot.currentRevision) {
                        prompt = job.prompt;
                    }
                } else if (job.aspect() == shot.aspect()) {
                    finalCut = view(job);
                } else {
                    secondMaster = view(job);
                }
            }
            views.add(new Views.ShotView(shot.shotKey, shot.state.name(), shot.currentRevision, prompt,
                    shot.aspectRatio, PromptAdvisor.advise(prompt, seconds), drafts, finalCut, secondMaster,
                    files.get(shot.id)));
        }
        return new Views.BatchDetail(summary(batch, changes.open(List.of(batch.id)).getOrDefault(batch.id,
                new BatchChanges.Pending(batch.draftsOpen, batch.shotsOpen))), views);
    }

    @GET
    @Path("/jobs/{jobId}")
    @Transactional
    @Operation(summary = "One job with its state and, once landed, short-lived links to its files")
    public Views.JobView job(@PathParam("jobId") String jobId) {
        UUID id;
        try {
            id = UUID.fromString(jobId);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("job '" + jobId + "'");
        }
        Job job = Job.findById(id);
        if (job == null || !job.shot.batch.team.equals(caller.team())) {
            throw ApiException.notFound("job '" + jobId + "'");
        }
        return view(job);
    }

    static Batch batch(String team, String batchId) {
        Batch batch = Batch.find("team = ?1 and batchKey = ?2", team, batchId).firstResult();
        if (batch == null) {
            throw ApiException.notFound("batch '" + batchId + "'");
        }
        return batch;
    }

    /** Counts as of the latest commit: the batch row plus the changes the manifest writer has not folded in yet. */
    private Views.BatchSummary summary(Batch b, BatchChanges.Pending open) {
        return new Views.BatchSummary(b.batchKey, b.campaign, b.state.name(), b.shotCount,
                b.shotCount - open.drafts(), b.shotCount - open.shots(),
                b.draftModel, b.finalModel, b.budgetUsd, b.createdAt, location(b.batchKey), fallbacks(b.draftRoute()),
                fallbacks(b.finalRoute()));
    }

    private static List<String> fallbacks(List<String> route) {
        return route.size() < 2 ? null : route.subList(1, route.size());
    }

    private Views.JobView view(Job job) {
        Views.Links links = null;
        String team = job.shot.batch.team;
        if (job.state == JobState.LANDED && job.objectKey.startsWith(team + "/")
                && job.posterKey.startsWith(team + "/")) {
            var lifetime = config.api().linkLifetime();
            String sheet = job.contactSheetKey != null && job.contactSheetKey.startsWith(team + "/")
                    ? store.presignedGet(job.contactSheetKey, lifetime) : null;
            links = new Views.Links(store.presignedGet(job.objectKey, lifetime), store.presignedGet(job.posterKey, lifetime),
                    sheet, OffsetDateTime.now().plus(lifetime));
        }
        String reason = job.failureReason != null ? job.failureReason : job.heldReason;
        return new Views.JobView(job.id, job.stage.name().toLowerCase(), job.revision, job.state.name(), job.model,
                job.prompt, job.seconds, job.width + "x" + job.height,
                job.failureKind == null ? null : job.failureKind.wireName(), reason, job.sha256, job.sizeBytes, links,
                job.seed, job.stage == Stage.FINAL ? job.take : null, job.look, job.startSecond, job.startFrameSsim,
                job.draftSimilarity, job.refusedInput,
                job.fallbackNote == null ? null : java.util.List.of(job.fallbackNote.split("\n")),
                Views.ContentCredentialsView.of(job.credentials, job.credentialsSummary));
    }

    private Views.DeliverableView view(Deliverable d) {
        Views.DeliverableLinks links = null;
        if (d.state == Deliverable.State.DELIVERED) {
            var lifetime = config.api().linkLifetime();
            links = new Views.DeliverableLinks(store.presignedGet(d.objectKey, lifetime),
                    d.vttKey == null ? null : store.presignedGet(d.vttKey, lifetime),
                    d.srtKey == null ? null : store.presignedGet(d.srtKey, lifetime),
                    OffsetDateTime.now().plus(lifetime));
        }
        return new Views.DeliverableView(d.placement, d.state.name(), d.width == null ? null : d.width + "x" + d.height,
                d.seconds, d.integratedLufs, d.truePeakDbtp, d.sizeBytes, d.sha256,
                d.state == Deliverable.State.FAILED ? d.lastError : null, links,
                Views.ContentCredentialsView.of(d.credentials, d.credentialsSummary));
    }

    static String location(String batchId) {
        return "/api/v1/batches/" + batchId;
    }
}
