package io.reelflow.campaign;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.Optional;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;

/** A campaign batch as accepted: the sender's batch id is unique per team and makes re-sends no-ops. */
@Entity
@Table(name = "batch")
public class Batch extends PanacheEntityBase {

    /** Where a batch is in its life. */
    public enum State {
        DRAFTING,
        DRAFTED,
        DELIVERED
    }

    @Id
    @GeneratedValue(generator = "batch_seq")
    @SequenceGenerator(name = "batch_seq", sequenceName = "batch_seq", allocationSize = 50)
    public Long id;

    public String team;
    public String campaign;
    public String batchKey;
    public String aspectRatio;
    public String draftModel;
    public String finalModel;
    /** Models tried after {@link #draftModel} when it is paused, busy or not configured; comma separated, in order. */
    public String draftFallbacks;
    /** Models tried after {@link #finalModel}, as for drafts. */
    public String finalFallbacks;
    /** Whether the content credentials of this batch's videos record their prompts. */
    public boolean credentialsPrompt;
    public BigDecimal budgetUsd;
    public String payloadSha256;
    @Enumerated(EnumType.STRING)
    public State state;
    public int shotCount;
    public int draftsOpen;
    public int shotsOpen;
    public String reviewPolicy;
    public boolean manifestDirty;
    public String manifestKey;
    public OffsetDateTime manifestWrittenAt;
    /** The brand kit (JSON of {@link Brand}); null when the batch has none. */
    @Column(name = "brand")
    public String brandJson;
    public OffsetDateTime draftedAt;
    public OffsetDateTime deliveredAt;
    @Column(insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    /** The batch's brand kit; null when it has none. */
    public Brand brand() {
        return Brand.read(brandJson);
    }

    public static Optional<Batch> findByKey(String team, String batchKey) {
        return find("team = ?1 and batchKey = ?2", team, batchKey).firstResultOptional();
    }

    /** The draft route: its first model, then its fallbacks. */
    public java.util.List<String> draftRoute() {
        return route(draftModel, draftFallbacks);
    }

    /** The final route: its first model, then its fallbacks. */
    public java.util.List<String> finalRoute() {
        return route(finalModel, finalFallbacks);
    }

    /** Models after the first, joined as the batch keeps them (null when there are none). */
    public static String joinFallbacks(java.util.List<String> route) {
        return route.size() < 2 ? null : String.join(",", route.subList(1, route.size()));
    }

    private static java.util.List<String> route(String first, String fallbacks) {
        java.util.List<String> route = new java.util.ArrayList<>();
        route.add(first);
        if (fallbacks != null && !fallbacks.isBlank()) {
            route.addAll(java.util.List.of(fallbacks.split(",")));
        }
        return route;
    }
}
