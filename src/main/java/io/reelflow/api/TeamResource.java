package io.reelflow.api;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.reelflow.config.ReelflowConfig;
import io.reelflow.library.ApprovedPrompt;
import io.reelflow.spend.SpendReport;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The team's spend and its prompt library. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Team", description = "Spend and the prompt library of the caller's team")
public class TeamResource {

    private static final int MAX_PROMPTS = 1000;

    private final Caller caller;
    private final SpendReport spend;
    private final ReelflowConfig config;

    public TeamResource(Caller caller, SpendReport spend, ReelflowConfig config) {
        this.caller = caller;
        this.spend = spend;
        this.config = config;
    }

    @GET
    @Path("/me")
    @Operation(summary = "Who the credential acts as: its team, its roles there, and a signed-in person's name")
    public Views.Me me() {
        String team = caller.team();
        return new Views.Me(team, caller.roles().stream().map(Role::wireName).sorted().toList(), caller.person());
    }

    @GET
    @Path("/spend")
    @Transactional
    @Operation(summary = "Spend by campaign and model: charged, and reserved for calls in flight")
    public Views.Spend spend() {
        String team = caller.team();
        List<Views.SpendLine> lines = spend.ofTeam(team).stream().map(l -> new Views.SpendLine(l.campaign(),
                l.model(), l.chargedUsd(), l.reservedUsd(), l.callsCharged())).toList();
        BigDecimal charged = lines.stream().map(Views.SpendLine::chargedUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal reserved = lines.stream().map(Views.SpendLine::reservedUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Views.Spend(team, charged, reserved, config.budgets().teams().get(team), lines);
    }

    @GET
    @Path("/prompts")
    @Transactional
    @Operation(summary = "Approved prompts (the prompt library), newest first; optionally of one campaign")
    public List<Views.ApprovedPrompt> prompts(@QueryParam("campaign") String campaign) {
        return ApprovedPrompt.newest(caller.team(), campaign, MAX_PROMPTS).stream()
                .map(p -> new Views.ApprovedPrompt(p.shot.batch.campaign, p.shot.batch.batchKey, p.shot.shotKey,
                        p.draft.revision, p.draft.prompt, p.shot.aspectRatio, p.shot.batch.finalModel, p.reviewer,
                        p.approvedAt.withOffsetSameInstant(ZoneOffset.UTC)))
                .toList();
    }
}
