package io.reelflow.api;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.reelflow.config.ReelflowConfig;
import jakarta.persistence.EntityManager;
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

    private final Caller caller;
    private final EntityManager em;
    private final ReelflowConfig config;

    public TeamResource(Caller caller, EntityManager em, ReelflowConfig config) {
        this.caller = caller;
        this.em = em;
        this.config = config;
    }

    @GET
    @Path("/spend")
    @Transactional
    @Operation(summary = "Spend by campaign and model: charged, and reserved for calls in flight")
    public Views.Spend spend() {
        String team = caller.team();
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select campaign, model, charged_usd, reserved_usd, calls_charged"
                + " from spend_by_model where team = ?1 order by campaign, model").setParameter(1, team).getResultList();
        List<Views.SpendLine> lines = rows.stream().map(r -> new Views.SpendLine((String) r[0], (String) r[1],
                (BigDecimal) r[2], (BigDecimal) r[3], ((Number) r[4]).longValue())).toList();
        BigDecimal charged = lines.stream().map(Views.SpendLine::chargedUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal reserved = lines.stream().map(Views.SpendLine::reservedUsd).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Views.Spend(team, charged, reserved, config.budgets().teams().get(team), lines);
    }

    private static OffsetDateTime time(Object value) {
        return value instanceof java.time.Instant instant ? instant.atOffset(java.time.ZoneOffset.UTC) : (OffsetDateTime) value;
    }

    @GET
    @Path("/prompts")
    @Transactional
    @Operation(summary = "Approved prompts (the prompt library), newest first; optionally of one campaign")
    public List<Views.ApprovedPrompt> prompts(@QueryParam("campaign") String campaign) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select campaign, batch_key, shot_key, revision, prompt,"
                + " aspect_ratio, final_model, reviewer, approved_at from approved_prompt where team = ?1"
                + " and (cast(?2 as text) is null or campaign = ?2) order by approved_at desc limit 1000")
                .setParameter(1, caller.team()).setParameter(2, campaign).getResultList();
        return rows.stream().map(r -> new Views.ApprovedPrompt((String) r[0], (String) r[1], (String) r[2],
                ((Number) r[3]).intValue(), (String) r[4], (String) r[5], (String) r[6], (String) r[7],
                time(r[8]))).toList();
    }
}
