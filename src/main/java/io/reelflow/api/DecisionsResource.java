package io.reelflow.api;

import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.reelflow.campaign.Batch;
import io.reelflow.campaign.Shot;
import io.reelflow.outbox.Outbox;
import io.reelflow.review.Decision;
import io.reelflow.review.DecisionValidator;
import io.reelflow.review.DecisionFit;
import io.reelflow.validation.Violation;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * Review decisions on a shot's latest draft, for the caller's team only: validated as on {@code draft-reviews}
 * and published there through the outbox, where the review consumer applies them like any other.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Batches", description = "Campaign batches, shots, jobs and review decisions")
public class DecisionsResource {

    /** Fields of a decision message that the URL and the API key set, never the body. */
    private static final List<String> FROM_THE_URL = List.of("team", "campaign", "batchId", "shotId");

    private final Caller caller;
    private final DecisionValidator decisions;
    private final Outbox outbox;
    private final ObjectMapper json;

    public DecisionsResource(Caller caller, DecisionValidator decisions, Outbox outbox, ObjectMapper json) {
        this.caller = caller;
        this.decisions = decisions;
        this.outbox = outbox;
        this.json = json;
    }

    @POST
    @Path("/batches/{batchId}/shots/{shotId}/decisions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Transactional
    @Operation(summary = "Review a shot's latest draft", description = "approve, reject, or revise with a"
            + " revisedPrompt; validated as on draft-reviews and published there. revision defaults to the latest.")
    public Response decide(@PathParam("batchId") String batchId, @PathParam("shotId") String shotId, byte[] body,
            @Context HttpHeaders headers) {
        String team = caller.team(Role.REVIEWER);
        ObjectNode message = JsonBody.object(json, body, headers.getMediaType(), "decision");
        List<Violation> fromUrl = FROM_THE_URL.stream().filter(message::has)
                .map(f -> new Violation(f, "is taken from the URL and your API key; leave it out")).toList();
        if (!fromUrl.isEmpty()) {
            throw ApiException.invalid("the decision has " + fromUrl.size() + " problem(s)", fromUrl);
        }
        Batch batch = BatchesResource.batch(team, batchId);
        Shot shot = Shot.find("batch = ?1 and shotKey = ?2", batch, shotId).firstResult();
        if (shot == null) {
            throw ApiException.notFound("shot '" + shotId + "' of batch '" + batchId + "'");
        }
        if (!message.hasNonNull("decisionId")) {
            message.put("decisionId", "api-" + UUID.randomUUID());
        }
        message.put("team", team).put("campaign", batch.campaign).put("batchId", batch.batchKey)
                .put("shotId", shot.shotKey);
        if (!message.hasNonNull("revision")) {
            message.put("revision", shot.currentRevision);
        }
        if (caller.person() != null) {
            // A signed-in person decides as themselves: the decision names them, whatever the body says.
            message.put("reviewer", caller.person());
        } else if (!message.hasNonNull("reviewer")) {
            message.put("reviewer", "review page (" + team + ")");
        }
        DecisionValidator.Result result = decisions.validate(message, message.toString());
        if (!result.valid()) {
            throw ApiException.invalid("the decision has " + result.violations().size() + " problem(s)",
                    result.violations());
        }
        Decision decision = result.decision();
        List<Violation> conflicts = DecisionFit.problems(shot, decision);
        if (!conflicts.isEmpty()) {
            throw new ApiException(409, "Conflict", conflicts.get(0).reason(), conflicts);
        }
        outbox.append(decision);
        return Response.accepted(new Views.DecisionSubmitted(decision.decisionId(), batch.batchKey, shot.shotKey,
                decision.revision(), decision.kind().wireName())).build();
    }
}
